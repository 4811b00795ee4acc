// Appends each Jest run's counts to $MLOPS_TEST_SUMMARY (one JSON line per project and kind), so
// scripts/test.sh can print one total for the whole suite.
const fs = require('fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.MLOPS_TEST_SUMMARY;
    if (!file) return;
    const line = {
      project: process.env.npm_package_name ?? process.cwd(),
      kind: process.env.JEST_KIND ?? 'unit',
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    fs.appendFileSync(file, JSON.stringify(line) + '\n');
  }
}

module.exports = SummaryReporter;

// Appends each Jest run's counts to $MLOPS_TEST_SUMMARY (one JSON line per project and kind), so
// scripts/test.sh can print one total for the whole suite, and under it each failure (its test's
// name and the first lines of its message): CI keeps only the tail of a long log.
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
      failures: failuresOf(results),
    };
    fs.appendFileSync(file, JSON.stringify(line) + '\n');
  }
}

const MAX_FAILURES = 20;
const MESSAGE_LINES = 12;

/** The failed tests (and suites that failed to run) with the start of their messages, bounded. */
function failuresOf(results) {
  const out = [];
  for (const suite of results.testResults) {
    const file = suite.testFilePath.replace(process.cwd() + '/', '');
    if (suite.testExecError) out.push({ test: `${file}: the suite did not run`, message: clip(suite.testExecError.message ?? String(suite.testExecError)) });
    for (const test of suite.testResults) {
      if (test.status === 'failed') out.push({ test: `${file}: ${test.fullName}`, message: clip(test.failureMessages.join('\n')) });
    }
  }
  return out.slice(0, MAX_FAILURES);
}

function clip(text) {
  return text.replace(/\u001b\[[0-9;]*m/g, '').split('\n').filter((l) => !l.includes('/node_modules/')).slice(0, MESSAGE_LINES).join('\n');
}

module.exports = SummaryReporter;

#!/usr/bin/env node
import { runCli } from './cli';

// kafkajs 2.2.4 schedules timers with negative delays, which Node 24 reports as a
// TimeoutNegativeWarning on every connection (tulios/kafkajs#1751); harmless, and noise on an
// operator's terminal. Every other warning is printed as Node would.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'TimeoutNegativeWarning') process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

// Ctrl-C (or a SIGTERM) stops long-running commands (tail, --follow, --wait) cleanly: they
// disconnect and print what they have. A second Ctrl-C exits at once.
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  });
}

// The exit code is set, not forced, so stdout is flushed when it is a pipe.
runCli(process.argv.slice(2), { signal: controller.signal }).then((code) => {
  process.exitCode = code;
});

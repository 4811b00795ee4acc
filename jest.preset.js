// Shared Jest configuration. Unit tests are `*.spec.ts` next to the code; integration tests are
// `*.int-spec.ts` and run against the real Kafka broker and Postgres (JEST_KIND=integration).
// TypeScript is compiled by SWC (with decorator metadata, which NestJS and TypeORM need).
const path = require('path');

module.exports = function jestConfig(projectDir) {
  const integration = process.env.JEST_KIND === 'integration';
  return {
    rootDir: projectDir,
    // Node, with the host's typed-array constructors, so onnxruntime-node works under Jest.
    testEnvironment: path.join(__dirname, 'libs/testing/src/jest-node-environment.ts'),
    testMatch: integration ? ['<rootDir>/**/*.int-spec.ts'] : ['<rootDir>/**/*.spec.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            target: 'es2023',
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            keepClassNames: true,
          },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        },
      ],
    },
    // Tests run against library sources, so no build is needed for unit tests.
    moduleNameMapper: { '^@mlops/([a-z-]+)$': path.join(__dirname, 'libs/$1/src') },
    testTimeout: integration ? 120_000 : 10_000,
    // Integration tests hold real clients (kafkajs, grpc-js, pg); one left connected by a
    // failing or racing test must not keep Jest, and CI, waiting forever after the results.
    forceExit: integration,
    reporters: ['default', path.join(__dirname, 'scripts/jest-summary-reporter.js')],
  };
};

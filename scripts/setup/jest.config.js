// The set-up runs before npm packages are installed, so it is plain TypeScript that Node runs
// directly (.mts, ES modules); Jest compiles the same files to CommonJS with SWC.
const preset = require('../../jest.preset.js')(__dirname);
const integration = process.env.JEST_KIND === 'integration';

module.exports = {
  ...preset,
  testMatch: integration ? ['<rootDir>/**/*.int-spec.mts'] : ['<rootDir>/**/*.spec.mts'],
  moduleFileExtensions: ['mts', 'ts', 'js', 'json'],
  transform: { '^.+\\.m?ts$': preset.transform['^.+\\.ts$'] },
};

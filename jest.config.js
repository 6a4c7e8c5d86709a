/** One jest run over every project; @weft/* resolve to each lib's public index. */
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias}$`] = `<rootDir>/${target}`;
}

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/tools', '<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper,
  reporters: ['default', '<rootDir>/jest.summary-reporter.js'],
  testTimeout: 60000,
  // Keep below the machine's 2 cores: several suites start worker threads of their own.
  maxWorkers: 2,
};

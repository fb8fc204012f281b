// Packages that ship only ES modules; see tests/support/esm-to-commonjs.js.
const esmOnly = ['jose', 'commander'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
    [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: '<rootDir>/tests/support/esm-to-commonjs.js',
  },
  resolver: '<rootDir>/tests/support/jest-resolver.js',
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  maxWorkers: 2,
  testTimeout: 60000,
};

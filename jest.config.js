// Tests are TypeScript compiled by SWC to ESM (the runtime dependencies are ESM-only), so jest runs
// with --experimental-vm-modules.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
  },
];

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};

export const config = {
  // Integration tests start bundles and servers; the default 5 s is too tight on two busy cores.
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/scripts/closing-line-reporter.cjs'],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/packages/*/__tests__/**/*.test.ts',
        '<rootDir>/actions/*/__tests__/**/*.test.ts',
      ],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/actions/*/__tests__/**/*.int.test.ts',
        '<rootDir>/packages/*/__tests__/**/*.int.test.ts',
      ],
    },
  ],
};
export default config;

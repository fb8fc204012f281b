// @ts-check
import eslint from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'package/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      eqeqeq: ['error', 'always'],
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
    },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts', 'dev/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-assertions': 'off' },
  },
  {
    // Jest's asymmetric matchers (expect.any, expect.objectContaining) are typed `any`.
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // The layers of src/shared/README.md, enforced: triggers -> edge -> services -> (ports) <- adapters,
    // wired only by the composition root; nothing in src/ reaches dev/, bench/ or tests/.
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
      'boundaries/legacy-warnings': false,
      'boundaries/include': ['src/**', 'dev/**', 'bench/**', 'tests/**', 'package.json'],
      'boundaries/elements': [
        { type: 'entry', pattern: 'src/index.ts', mode: 'full' },
        { type: 'trigger', pattern: 'src/functions/**', mode: 'full' },
        { type: 'edge', pattern: ['src/shared/hosting/**', 'src/shared/http/**'], mode: 'full' },
        { type: 'composition', pattern: 'src/shared/composition/**', mode: 'full' },
        { type: 'telemetry', pattern: 'src/shared/telemetry/**', mode: 'full' },
        {
          type: 'adapter',
          pattern: [
            'src/shared/cosmos/**',
            'src/shared/queues/**',
            'src/shared/*/cosmos-*.ts',
            'src/shared/identity/azure-credential.ts',
            'src/shared/model/azure-openai-*.ts',
            'src/shared/model/openai-*.ts',
            'src/shared/model/model-errors.ts',
            'src/shared/model/retry-policy.ts',
            'src/shared/scoring/scoring-client.ts',
            'src/shared/scoring/send-with-retries.ts',
            'src/shared/scoring/normalize-prediction.ts',
          ],
          mode: 'full',
        },
        {
          type: 'core',
          pattern: [
            'src/shared/config/**',
            'src/shared/logging/**',
            'src/shared/sdk/**',
            'src/shared/*.ts',
            'package.json',
          ],
          mode: 'full',
        },
        { type: 'service', pattern: 'src/shared/**', mode: 'full' },
        { type: 'outside', pattern: ['dev/**', 'bench/**', 'tests/**'], mode: 'full' },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            {
              from: { element: { type: 'entry' } },
              allow: { to: { element: { types: { anyOf: ['trigger', 'edge', 'composition', 'core'] } } } },
            },
            {
              from: { element: { type: 'trigger' } },
              allow: { to: { element: { types: { anyOf: ['trigger', 'edge', 'service', 'core'] } } } },
            },
            {
              from: { element: { type: 'edge' } },
              allow: { to: { element: { types: { anyOf: ['edge', 'service', 'telemetry', 'core'] } } } },
            },
            // The wrappers receive the services built by the composition root: they know their type only.
            {
              from: { element: { type: 'edge' } },
              allow: { to: { element: { type: 'composition' } }, dependency: { kind: 'type' } },
            },
            {
              from: { element: { type: 'composition' } },
              allow: {
                to: {
                  element: { types: { anyOf: ['composition', 'service', 'adapter', 'telemetry', 'core'] } },
                },
              },
            },
            {
              from: { element: { type: 'telemetry' } },
              allow: { to: { element: { types: { anyOf: ['telemetry', 'service', 'core'] } } } },
            },
            {
              from: { element: { type: 'adapter' } },
              allow: { to: { element: { types: { anyOf: ['adapter', 'service', 'core'] } } } },
            },
            {
              from: { element: { type: 'service' } },
              allow: { to: { element: { types: { anyOf: ['service', 'core'] } } } },
            },
            { from: { element: { type: 'core' } }, allow: { to: { element: { type: 'core' } } } },
          ],
        },
      ],
    },
  },
);

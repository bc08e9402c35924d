// ESLint (flat config) for the server, the UI, the tests and the benchmarks; Prettier owns the layout.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'docs/**', 'ui/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
      // the ideographic space (U+3000) indents Chinese paragraphs in documents
      'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true }],
      // control characters are what the input guards look for
      'no-control-regex': 'off',
      // entity and migration lists are lists of classes
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'ui/**/*.js'],
    ignores: ['**/*.spec.ts'],
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['src/**/*.ts'],
    // the boot and the command-line tools are where the environment is read
    ignores: ['src/config/**', 'src/main.ts', 'src/database/migration-cli.ts', 'src/database/embedded-postgres.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read settings through src/config (AppConfig).',
        },
      ],
    },
  },
  { files: ['bench/lib/offline.mjs'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['ui/**/*.js'], languageOptions: { globals: { ...globals.browser }, sourceType: 'module' } },
  { files: ['ui/sw.js'], languageOptions: { globals: { ...globals.serviceworker } } },
  {
    files: ['**/*.mjs', '**/*.cjs', 'jest.config.js', 'bench/**/*.js', 'scripts/**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.cjs', 'jest.config.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: { sourceType: 'commonjs' },
  },
  prettier,
);

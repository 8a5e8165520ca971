// Shared flat config: recommended JS + TypeScript rules, plus the house rules from ARCHITECTURE.md
// that a linter can check (named exports only, no stray console output in library code).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export const config = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true, named: true, defaultFrom: true } }],
    },
  },
  {
    // Plain JavaScript here runs on Node (benchmarks, scripts, tooling): give it Node's globals.
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', URLSearchParams: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', performance: 'readonly',
        TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly', globalThis: 'readonly',
        AbortController: 'readonly', fetch: 'readonly', queueMicrotask: 'readonly',
      },
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // The CLI awaits every file write and read before it reports success: an unawaited promise there is a bug
    // (a command printing "wrote model.arpa" before the file exists). Type-aware, so scoped to the app's sources.
    files: ['apps/cli/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: { '@typescript-eslint/no-floating-promises': 'error', '@typescript-eslint/no-misused-promises': 'error' },
  },
  {
    // Config files (and ambient module declarations of tool-made modules) are where a default export is required.
    files: ['**/*.config.{js,ts,mjs}', '**/eslint.config.js', '**/*.d.ts'],
    rules: { 'no-restricted-exports': 'off' },
  },
);

// ESLint flat config. The engine/ block enforces DESIGN.md's determinism rule 1 mechanically:
// engine code never reads real time or real randomness and never imports harness-side libraries.
// An escape is a visible `// eslint-disable-next-line <rule> -- why` comment.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const realTime = [
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Determinism: use the kernel Clock, not Date.now().' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Determinism: argument-less new Date() reads real time; use the kernel Clock.' },
  { selector: "CallExpression[callee.object.name='performance'][callee.property.name='now']", message: 'Determinism: performance.now() reads real time.' },
  { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Determinism: use a named Rng stream, not Math.random().' },
  { selector: "CallExpression[callee.name=/^(setTimeout|setInterval|setImmediate)$/]", message: 'Determinism: real timers are banned in engine/; schedule through the kernel.' },
];

const bannedImports = [
  { name: 'node:http', message: 'engine/ does no network I/O.' },
  { name: 'http', message: 'engine/ does no network I/O.' },
  { name: 'msw', message: 'msw belongs to harness/chaos.' },
  { name: 'fast-check', message: 'fast-check belongs to tests and harness/properties.' },
  { name: 'yaml', message: 'Scenario files are parsed in harness/scenario.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'bundle/**', 'bundle.*/**', 'reports/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['engine/**/*.ts'],
    ignores: ['engine/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...realTime],
      'no-restricted-imports': ['error', {
        paths: [...bannedImports, { name: 'node:fs', message: 'node:fs only in engine/market/loaders.' }, { name: 'fs', message: 'node:fs only in engine/market/loaders.' }, { name: 'node:fs/promises', message: 'node:fs only in engine/market/loaders.' }],
        patterns: [{ group: ['**/harness/**'], message: 'engine/ never imports harness/.' }],
      }],
    },
  },
  {
    // Market loaders read files; they are the one place in engine/ allowed node:fs (with the
    // test support in engine/testing, which locates recorded data for tests).
    files: ['engine/market/loaders/**/*.ts', 'engine/testing/**/*.ts'],
    ignores: ['engine/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: bannedImports,
        patterns: [{ group: ['**/harness/**'], message: 'engine/ never imports harness/.' }],
      }],
    },
  },
);

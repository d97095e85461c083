import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.connxt/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Flow-definition scripts run in the sandbox: only the globals it provides exist there.
    files: ['connectors/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: {
        crypto: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', URL: 'readonly',
        URLSearchParams: 'readonly', atob: 'readonly', btoa: 'readonly',
        process: 'off', console: 'off',
      },
    },
  },
  {
    // The dashboard runs in the browser, as plain ES modules.
    files: ['dashboard/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: {
        window: 'readonly', document: 'readonly', location: 'readonly', navigator: 'readonly', sessionStorage: 'readonly',
        fetch: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', Node: 'readonly', crypto: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', confirm: 'readonly',
        process: 'off',
      },
    },
  },
  {
    files: ['scripts/**', 'test/**', 'bench/**', '**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
);

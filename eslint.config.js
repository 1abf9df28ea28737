import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.e2e-build/**', 'bench/.work/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The media plane never imports signaling, HTTP or app code.
    files: ['packages/consomme/src/wire/**', 'packages/consomme/src/worker/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/api/**', 'socket.io*', 'node:http', 'node:https', 'express'] }],
    },
  },
);

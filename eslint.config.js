import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { adapters } from './scripts/adapters.mjs';

/** The front doors: src/<folder>/bundle.json marks one (scripts/adapters.mjs). */
const adapterGlobs = adapters(import.meta.dirname).map((a) => `${a.dir}/**`);

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', '.cache/**', '.bench/**', 'coverage/**', '__tests__/fixtures/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Untrusted strings are scrubbed of control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Only the adapters know GitHub, the environment, argv or the terminal.
    files: ['src/**/*.ts'],
    ignores: adapterGlobs,
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@actions/*'] }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'only the adapters (src/*/bundle.json) read the environment',
        },
        { object: 'process', property: 'argv', message: 'only the adapters read argv' },
        { object: 'process', property: 'exit', message: 'only the adapters decide the exit code' },
      ],
    },
  },
  {
    files: ['__tests__/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.mjs'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);

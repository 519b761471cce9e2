// Lint rules, and the boundaries of the README's Architecture section as import zones (test/lint/zones.test.ts
// proves each zone fails a deliberate violation).
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const TESTS = ['**/*.test.ts', '**/*.test.tsx'];

/** Relative imports that reach a top-level folder (`server/`, `tools/`...) from anywhere below the root. */
const reaching = (...folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;

/**
 * One block per depth below `dir`: relative imports that climb out of `dir`
 * are refused. `depth` is the number of folders between `dir` and the file.
 */
function staysInside(dir, message, depths = 4) {
  return Array.from({ length: depths + 1 }, (_, depth) => ({
    files: [`${dir}/${'*/'.repeat(depth)}*.{ts,tsx}`],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: `^(\\.\\./){${depth + 1},}`, message },
            { regex: '^node:', message: `${message} (no Node built-ins)` },
          ],
        },
      ],
    },
  }));
}

/** Refuses relative imports that reach the given top-level folders, and (for production code) any testing/ folder. */
const zone = (files, folders, message, { ignores = TESTS, production = true } = {}) => ({
  files,
  ignores,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { regex: reaching(...folders), message },
          ...(production ? [{ regex: '(^|/)testing/', message: 'production code never imports test support' }] : []),
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'training/.cache', 'test-results', 'playwright-report', 'reports', 'scratch'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    files: ['src/app/**/*.{ts,tsx}', 'src/main.tsx', 'src/ops/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['server/**/*.ts', 'tools/**/*.ts', 'test/**/*.ts', 'training/**/*.ts', 'e2e/**/*.ts', '*.config.{js,ts}', 'scripts/**/*.{js,ts}'],
    languageOptions: { globals: globals.node },
  },
  {
    // Isomorphic code must not reach for platform globals.
    files: ['src/core/**/*.ts'],
    ignores: TESTS,
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require'],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      eqeqeq: ['error', 'always'],
    },
  },
  // Zones. A later block for the same files replaces an earlier one's no-restricted-imports: each file group has one.
  zone(['src/**/*.{ts,tsx}'], ['server', 'tools', 'training', 'test', 'e2e'], 'browser code never imports server/, tools/, training/ or test support'),
  ...staysInside('src/core', 'src/core imports nothing outside itself'),
  zone(['server/**/*.ts'], ['test', 'e2e'], 'production code never imports test support', { ignores: [...TESTS, '**/testing/**'] }),
  zone(['tools/**/*.ts'], ['server', 'test', 'e2e'], 'tools/ never imports server/, nor test support', { ignores: [...TESTS, '**/testing/**'] }),
  // Benchmarks and demos spawn the server and reuse test support, but still never import server/.
  zone(['tools/bench/**/*.ts', 'tools/demo/**/*.ts'], ['server'], 'tools/ never imports server/', { ignores: [], production: false }),
  zone(['training/**/*.ts'], ['server', 'test', 'e2e'], 'training/ never imports server/, nor test support'),
  zone(['training/**/*.test.ts', 'tools/**/*.test.ts', 'tools/**/testing/**/*.ts'], ['server'], 'tools/ and training/ never import server/', {
    ignores: [],
    production: false,
  }),
);

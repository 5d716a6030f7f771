// @ts-check
// Flat ESLint config: @eslint/js + typescript-eslint (syntax-only, fast on 2 cores), react-hooks for
// the renderer, and the local layering rule that holds the import direction of docs/conventions.md.
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import local from './eslint-rules/layering.js'

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'e2e/screenshots/**',
      'bench/results/**',
      '.cache/**'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { local },
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'local/layering': 'error',
      // The TypeScript compiler already reports unused locals (noUnusedLocals); keep lint in step
      // but allow `_`-prefixed names for intentionally ignored parameters.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }]
    }
  },
  {
    // Node-side code, scripts, configs, tests and benchmarks.
    files: [
      'src/engine/**',
      'src/agent/**',
      'src/main/**',
      'scripts/**',
      'bin/**',
      'eslint-rules/**',
      'e2e/**',
      'bench/**',
      'test/**',
      '.ci/**',
      '*.{js,mjs,ts}'
    ],
    languageOptions: { globals: { ...globals.node } }
  },
  {
    // The renderer runs in a browser; the preload runs in a sandboxed renderer context.
    files: ['src/renderer/**/*.{ts,tsx}', 'src/preload/**'],
    languageOptions: { globals: { ...globals.browser } }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest']
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: {
      // TanStack Virtual (a chosen dependency) always trips this advisory warning, and the lint
      // gate allows no warnings; the React Compiler is not used, so nothing is lost.
      'react-hooks/incompatible-library': 'off'
    }
  },
  {
    // The raw IPC object must never leave the preload (style-anchors: GitHub Desktop's lint ban).
    files: ['src/renderer/**', 'src/main/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', importNames: ['ipcRenderer'], message: 'Use ConsoleApi.' }] }
      ]
    }
  },
  {
    // The preload reads the contract's names only; the schemas would inline all of zod into it.
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'zod', message: 'The preload validates nothing; keep zod out of its bundle.' }
          ],
          patterns: [
            {
              group: [
                '**/shared/console/api',
                '**/shared/console/domains/*',
                '**/shared/console/errors'
              ],
              allowTypeImports: true,
              message: 'Import names from src/shared/console/names (zod-free).'
            }
          ]
        }
      ]
    }
  }
)

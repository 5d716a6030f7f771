// @ts-check
// The house style of docs/conventions.md, checked by `npm run lint` (`prettier --check .`).
// ESLint carries no stylistic rules (recommended sets only), so the two never disagree.

/** @type {import('prettier').Config} */
export default {
  printWidth: 100,
  tabWidth: 2,
  useTabs: false,
  semi: false,
  singleQuote: true,
  trailingComma: 'none',
  arrowParens: 'always',
  endOfLine: 'lf'
}

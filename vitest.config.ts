import { defineConfig } from 'vitest/config'

/** Unit and integration tests under plain Node. Keychain tests need a D-Bus session: see vitest.keychain.config.ts. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'eslint-rules/**/*.test.ts'],
    // Keychain tests need a D-Bus session; *.dist.test.ts inspect dist/ after `npm run dist:check`.
    exclude: ['**/node_modules/**', 'src/**/*.keychain.test.ts', '**/*.dist.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks'
  }
})

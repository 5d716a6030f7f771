import { defineConfig } from 'vitest/config'

/** The packed-app inspection, run by `npm run dist:check` after it packs into dist/. */
export default defineConfig({
  test: {
    include: ['test/dist/**/*.dist.test.ts'],
    testTimeout: 60_000,
    pool: 'forks'
  }
})

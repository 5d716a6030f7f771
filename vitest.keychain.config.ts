import { defineConfig } from 'vitest/config'

/** Tests that talk to a real Secret Service (gnome-keyring inside dbus-run-session). Run through scripts/keychain-session.mjs. */
export default defineConfig({
  test: {
    include: ['src/**/*.keychain.test.ts'],
    testTimeout: 20_000
  }
})

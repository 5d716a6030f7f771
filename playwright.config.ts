import { defineConfig } from '@playwright/test'

/** Debian's Chromium; Playwright never downloads a browser for this project. */
export const CHROMIUM_PATH = process.env.CONTROLDECK_CHROMIUM ?? '/usr/bin/chromium'

/** Flags that keep Chromium quiet and self-contained in containers and CI. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run'
]

/**
 * e2e tests: the renderer in Debian's Chromium against browser mode (project `chromium`), and the
 * Electron app through `_electron` where a binary exists (project `electron`, skipped otherwise).
 * Run them with `npm run test:e2e` (scripts/e2e.mjs builds first and picks xvfb for Electron).
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // Two shared cores: one worker, no retries (a flaky test should be fixed, not re-run).
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1360, height: 860 },
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }
  },
  projects: [
    { name: 'chromium', testIgnore: /electron\.spec\.ts$/ },
    { name: 'electron', testMatch: /electron\.spec\.ts$/ }
  ]
})

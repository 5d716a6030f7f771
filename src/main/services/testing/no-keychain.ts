/**
 * Makes this worker process see no OS keychain: D-Bus points at a socket that does not exist, so
 * credential storage is deterministic (in memory, for the session). The keychain path has its own
 * `*.keychain.test.ts`; vitest runs each test file in its own process, so the change stays local.
 */
export function withoutKeychain(): void {
  process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/controldeck-test-bus'
  delete process.env.DISPLAY
}

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createConsoleService } from '../console-service'
import { createNotificationsHandlers, MAX_DISABLED_ENVIRONMENTS } from './notifications'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function service(dataDir: string) {
  return createConsoleService({
    dataDir,
    transport: 'electron',
    appVersion: '1.2.3',
    localEngine: null,
    log: () => undefined,
    handlerFactories: [createNotificationsHandlers]
  })
}

describe('notification switches', () => {
  it('refuses one switch past the bound of notifications.json, so the file stays readable', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cd-notify-'))
    dirs.push(dataDir)
    const file = path.join(dataDir, 'notifications.json')
    const full = Array.from({ length: MAX_DISABLED_ENVIRONMENTS }, (_, i) => `env-${i}`)
    writeFileSync(file, JSON.stringify({ version: 1, disabled: full }))

    const first = service(dataDir)
    await expect(
      first.invoke('setEnvironmentNotifications', { environmentId: 'one-more', enabled: false })
    ).rejects.toMatchObject({ error: { code: 'invalid_input' } })
    // Turning one on still works, and the file keeps every switch.
    await first.invoke('setEnvironmentNotifications', { environmentId: 'env-0', enabled: true })
    const written = JSON.parse(readFileSync(file, 'utf8')) as { disabled: string[] }
    expect(written.disabled).toHaveLength(MAX_DISABLED_ENVIRONMENTS - 1)
    await first.dispose()
  })
})

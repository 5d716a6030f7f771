// The update controller through the real console service: the ConsoleApi methods and the
// onUpdateState event, driven by a stand-in for electron-updater (the only part not ours).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { UpdateState } from '../../../shared/console/domains/app'
import { isConsoleFailure } from '../../../shared/console/errors'
import { createConsoleService, type ConsoleService } from '../console-service'
import type { UpdateDriver } from './update-controller'

let dataDir: string
let service: ConsoleService
let pushed: UpdateState[]

/** Stands in for electron-updater: records calls, its check resolves or rejects as told. */
class FeedDriver implements UpdateDriver {
  checks = 0
  installs = 0
  failWith: Error | null = null
  async check(): Promise<unknown> {
    this.checks++
    if (this.failWith) throw this.failWith
    return null
  }
  quitAndInstall(): void {
    this.installs++
  }
}

function start(transport: 'electron' | 'browser'): void {
  service = createConsoleService({
    dataDir,
    transport,
    appVersion: '0.1.0',
    localEngine: null,
    log: () => {}
  })
  pushed = []
  service.subscribe((name, payload) => {
    if (name === 'onUpdateState') pushed.push(payload as UpdateState)
  })
}

async function failureCode(call: Promise<unknown>): Promise<string> {
  try {
    await call
    return 'none'
  } catch (error) {
    return isConsoleFailure(error) ? error.error.code : 'not a ConsoleFailure'
  }
}

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'cd-updates-'))
})
afterEach(async () => {
  await service.dispose()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('updates through ConsoleApi', () => {
  it('is disabled with a reason in browser mode, and refuses a restart', async () => {
    start('browser')
    expect(await service.invoke('getUpdateState', {})).toMatchObject({
      status: 'disabled',
      reason: expect.stringContaining('Browser mode')
    })
    expect(await service.invoke('checkForUpdates', {})).toMatchObject({ status: 'disabled' })
    expect(await failureCode(service.invoke('installUpdate', {}))).toBe('update_not_ready')
  })

  it('shows each step of a found update and restarts only on installUpdate', async () => {
    start('electron')
    const driver = new FeedDriver()
    service.context.updates.enable(driver)
    expect(await service.invoke('checkForUpdates', {})).toEqual({ status: 'checking' })
    expect(driver.checks).toBe(1)
    // electron-updater's events, as src/main/electron/updater.ts forwards them:
    service.context.updates.dispatch({ type: 'available', version: '0.2.0' })
    service.context.updates.dispatch({ type: 'progress', percent: 50 })
    expect(await failureCode(service.invoke('installUpdate', {}))).toBe('update_not_ready')
    service.context.updates.dispatch({ type: 'downloaded', version: '0.2.0' })

    expect(pushed.map((state) => state.status)).toEqual([
      'idle',
      'checking',
      'available',
      'downloading',
      'ready'
    ])
    expect(driver.installs).toBe(0)
    expect(await service.invoke('getUpdateState', {})).toEqual({
      status: 'ready',
      version: '0.2.0'
    })
    expect(await service.invoke('installUpdate', {})).toEqual({ restarting: true })
    expect(driver.installs).toBe(1)
  })

  it('turns a failed check into an error state the operator can see', async () => {
    start('electron')
    const driver = new FeedDriver()
    driver.failWith = new Error('getaddrinfo ENOTFOUND updates.example.com')
    service.context.updates.enable(driver)
    await service.invoke('checkForUpdates', {})
    await expect.poll(() => service.context.updates.state().status).toBe('error')
    expect(service.context.updates.state()).toEqual({
      status: 'error',
      message: 'getaddrinfo ENOTFOUND updates.example.com'
    })
  })

  it('goes back to disabled with the reason when the updater is turned off', async () => {
    start('electron')
    service.context.updates.enable(new FeedDriver())
    service.context.updates.disable('Updates are turned off by CONTROLDECK_UPDATE_URL.')
    expect(await service.invoke('getUpdateState', {})).toEqual({
      status: 'disabled',
      reason: 'Updates are turned off by CONTROLDECK_UPDATE_URL.'
    })
  })
})

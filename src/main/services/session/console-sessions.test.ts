import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { LOCAL_ENVIRONMENT_ID } from '../../../shared/console/domains/environments'
import type { ConsoleService } from '../console-service'
import { createTestConsole } from '../testing/test-console'
import type { HandlerModule } from '../context'
import { createCacheHandlers } from '../handlers/cache'
import { createLiveHandlers } from '../handlers/live'
import { withoutKeychain } from '../testing/no-keychain'
import { makeTempDir } from '../testing/temp-dir'
import { waitFor } from '../testing/wait'
import { createConsoleSessions } from './console-sessions'

/**
 * Start-up readiness: the live and cache methods of a console service called right after it is
 * created answer from the active environment instead of failing with `no_environment`. The local
 * environment without an engine opens offline at once, so no backend is needed.
 */
describe('console sessions at start-up', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  beforeAll(() => {
    // No keychain in this worker: the local environment needs none.
    withoutKeychain()
  })
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  function start(options: { standard: boolean }): ConsoleService {
    const temp = makeTempDir('cd-sessions-')
    cleanups.push(() => temp.remove())
    const service = createTestConsole(join(temp.dir, 'data'), {
      ...(options.standard
        ? {}
        : {
            handlerFactories: [
              (ctx) => createLiveHandlers(ctx) as unknown as HandlerModule<never>,
              (ctx) => createCacheHandlers(ctx) as unknown as HandlerModule<never>
            ]
          })
    })
    cleanups.push(() => service.dispose())
    return service
  }

  it('opens the active environment as part of start-up', async () => {
    const service = start({ standard: true })
    // Nobody has called a method: the service opened the environment on its own.
    await waitFor(() => service.context.sessions.activeNow() !== null, 'the local environment open')
    expect(service.context.sessions.activeNow()?.environmentId).toBe(LOCAL_ENVIRONMENT_ID)
  })

  it('answers live and cache calls made right after creation with data', async () => {
    const service = start({ standard: true })
    const [status, recent] = await Promise.all([
      service.invoke('getCacheStatus', {}),
      service.invoke('getRecentEvents', { limit: 10 })
    ])
    expect(status).toMatchObject({ environmentId: LOCAL_ENVIRONMENT_ID, rows: { events: 0 } })
    expect(recent).toEqual({ events: [], nextBeforeId: null })
  })

  it('waits for the first open when the sessions were not started (own handler factories)', async () => {
    const service = start({ standard: false })
    expect(service.context.sessions.activeNow()).toBeNull()
    expect(await service.invoke('getCacheStatus', {})).toMatchObject({
      environmentId: LOCAL_ENVIRONMENT_ID
    })
  })

  it('stops handing out sessions once disposed', async () => {
    const temp = makeTempDir('cd-sessions-')
    cleanups.push(() => temp.remove())
    const sessions = createConsoleSessions({
      dataDir: temp.dir,
      localEngine: null,
      events: { emit: () => {} },
      manager: { credentials: { keychain: 'off' } }
    })
    // Disposed while the first open is still under way: what opened is closed, not handed out.
    sessions.start()
    await sessions.dispose()
    expect(await sessions.whenOpen(5_000)).toBeNull()
    expect(sessions.activeNow()).toBeNull()
    await expect(sessions.manager()).rejects.toMatchObject({ error: { code: 'no_environment' } })
  })
})

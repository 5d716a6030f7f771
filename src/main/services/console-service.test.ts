import { describe, expect, it } from 'vitest'
import { ConsoleFailure, type ConsoleErrorCode } from '../../shared/console/errors'
import {
  createConsoleService,
  type AnyHandlerModule,
  type ConsoleServiceOptions,
  type DomainFactories
} from './console-service'
import type { ServiceContext } from './context'
import { createAppHandlers } from './handlers/app'

function service(factory: (ctx: ServiceContext) => AnyHandlerModule, logged: unknown[] = []) {
  const options: ConsoleServiceOptions = {
    dataDir: '/tmp/controldeck-test',
    transport: 'electron',
    appVersion: '1.2.3',
    localEngine: { url: 'http://127.0.0.1:1', adminToken: 'secret-admin-token' },
    log: (message, details) => logged.push(message, details),
    handlerFactories: [factory]
  }
  return createConsoleService(options)
}

/** A getAppInfo handler that behaves as the test needs. */
function appInfoFactory(getAppInfo: () => Promise<unknown>) {
  return () => ({ handlers: { getAppInfo } })
}

async function failureOf(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(ConsoleFailure)
    return (error as ConsoleFailure).error
  }
  throw new Error('expected a ConsoleFailure')
}

describe('console service', () => {
  it('runs a handler and never leaks the engine token', async () => {
    const result = await service(createAppHandlers).invoke('getAppInfo', {})
    expect(result).toMatchObject({
      version: '1.2.3',
      transport: 'electron',
      localEngineUrl: 'http://127.0.0.1:1'
    })
    expect(JSON.stringify(result)).not.toContain('secret-admin-token')
  })

  it('refuses unknown methods and bad input before any handler runs', async () => {
    let ran = false
    const s = service(appInfoFactory(async () => ((ran = true), {})))
    expect(await failureOf(s.invoke('nope', {}))).toMatchObject({ code: 'unknown_method' })
    // Inherited object keys are not methods.
    expect(await failureOf(s.invoke('toString', {}))).toMatchObject({ code: 'unknown_method' })
    const bad = await failureOf(s.invoke('getAppInfo', 42))
    expect(bad).toMatchObject({ code: 'invalid_input', status: 400 })
    expect(bad.message).toMatch(/expected object/i)
    expect(ran).toBe(false)
  })

  it('says not_implemented for a contract method without a handler', async () => {
    const s = service(() => ({ handlers: {} }))
    expect(await failureOf(s.invoke('getAppInfo', {}))).toMatchObject({
      code: 'not_implemented',
      status: 501
    })
  })

  it('passes ConsoleFailures through and hides unexpected errors', async () => {
    const expected = new ConsoleFailure({
      code: 'not_found',
      message: 'No such trace.',
      retriable: false
    })
    expect(
      await failureOf(
        service(
          appInfoFactory(async () => {
            throw expected
          })
        ).invoke('getAppInfo', {})
      )
    ).toEqual(expected.error)

    const logged: unknown[] = []
    const hidden = await failureOf(
      service(
        appInfoFactory(async () => {
          throw new Error('db at /secret/path broke')
        }),
        logged
      ).invoke('getAppInfo', {})
    )
    expect(hidden.code).toBe('internal')
    expect(hidden.message).not.toContain('/secret/path')
    expect(
      logged.some((item) => item instanceof Error && item.message.includes('/secret/path'))
    ).toBe(true)
  })

  it('refuses a result its output schema rejects', async () => {
    const error = await failureOf(
      service(appInfoFactory(async () => ({ name: 1 }))).invoke('getAppInfo', {})
    )
    expect(error.code).toBe('internal')
  })

  it('delivers valid events to subscribers until they unsubscribe', () => {
    const s = service(createAppHandlers)
    const seen: unknown[] = []
    const stop = s.subscribe((name, payload) => seen.push([name, payload]))
    s.context.events.emit('onDeepLink', { path: 'trace/m_1' })
    s.context.events.emit('onDeepLink', { path: 7 } as never)
    stop()
    s.context.events.emit('onDeepLink', { path: 'trace/m_2' })
    expect(seen).toEqual([['onDeepLink', { path: 'trace/m_1' }]])
  })

  it('passes live events on without parsing them a second time (they were parsed on arrival)', () => {
    const s = service(createAppHandlers)
    const seen: unknown[] = []
    s.subscribe((_name, payload) => seen.push(payload))
    const payload = {
      subscriptionId: 's1',
      events: [{ id: '1', channel: 'audit', event_type: 'x', timestamp: 1, data: {} }]
    }
    s.context.events.emit('onEvents', payload as never)
    // The very object, not a parsed copy.
    expect(seen[0]).toBe(payload)
  })
})

describe('app handlers', () => {
  it('hands out the launch deep link once', async () => {
    const s = createConsoleService({
      dataDir: '/tmp/controldeck-test',
      transport: 'electron',
      appVersion: '1.2.3',
      localEngine: null,
      launchDeepLink: 'trace/m_9',
      // Only the app domain: the standard set would open an environment in this folder.
      handlerFactories: [createAppHandlers]
    })
    expect(await s.invoke('takeLaunchDeepLink', {})).toEqual({ link: { path: 'trace/m_9' } })
    expect(await s.invoke('takeLaunchDeepLink', {})).toEqual({ link: null })
  })
})

describe('statusForConsoleError', () => {
  it('gives transport failures their HTTP status and operation failures 200', async () => {
    const { statusForConsoleError } = await import('./console-service')
    const status = (code: ConsoleErrorCode) =>
      statusForConsoleError({ code, message: '', retriable: false })
    expect(status('invalid_input')).toBe(400)
    expect(status('unauthorized')).toBe(401)
    expect(status('unknown_method')).toBe(404)
    expect(status('payload_too_large')).toBe(413)
    expect(status('internal')).toBe(500)
    expect(status('not_found')).toBe(200)
    expect(status('backend_unavailable')).toBe(200)
    expect(status('NR-E301')).toBe(200)
  })
})

describe('composition', () => {
  it('does not compile without a handler factory for every domain', () => {
    // @ts-expect-error: the domains other than app have no factory, so this is not a composition.
    const partial: DomainFactories = { app: createAppHandlers }
    expect(Object.keys(partial)).toEqual(['app'])
  })
})

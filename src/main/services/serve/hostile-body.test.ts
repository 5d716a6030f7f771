import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE_METHODS } from '../../../shared/console/api'
import { MAX_REQUEST_DEPTH } from '../../../shared/neurorail/limits'
import type { ConsoleService } from '../console-service'
import { createLocalConsole, startTempEngine, type TempEngine } from '../testing/temp-engine'
import { startBrowserServer, type BrowserServer } from './server'

/** 5,000 levels at the root and under a field name most method inputs have. */
const HOSTILE = {
  'root array': '['.repeat(5000) + ']'.repeat(5000),
  'under a field': '{"input":' + '{"a":'.repeat(4999) + '{}' + '}'.repeat(4999) + '}'
}

/** Issue 10 item 1, browser mode: a hostile body to any method is a 4xx and the server goes on. */
describe('browser-mode server and hostile bodies', () => {
  let temp: TempEngine
  let service: ConsoleService
  let server: BrowserServer
  beforeAll(async () => {
    temp = await startTempEngine('cd-serve-hostile-')
    const rendererDir = path.join(temp.dir, 'renderer')
    await mkdir(rendererDir, { recursive: true })
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>shell</title>')
    service = createLocalConsole(temp.engine, temp.dir)
    server = await startBrowserServer({ service, rendererDir, port: 0 })
  })
  afterAll(async () => {
    await server.close()
    await service.dispose()
    await temp.close()
  })

  const call = (method: string, body: string) =>
    fetch(`${server.origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
      body
    })

  it('answers a 5,000-deep body to every console method with invalid_input, and keeps serving', async () => {
    const methods = Object.keys(CONSOLE_METHODS)
    expect(methods.length).toBeGreaterThan(20)
    for (const method of methods) {
      for (const [shape, body] of Object.entries(HOSTILE)) {
        const res = await call(method, body)
        const text = await res.text()
        expect(res.status, `${method} (${shape})`).toBe(400)
        expect(JSON.parse(text), `${method} (${shape})`).toEqual({
          ok: false,
          error: {
            code: 'invalid_input',
            message: expect.stringMatching(
              new RegExp(
                `^The request body is JSON nested deeper than ${MAX_REQUEST_DEPTH} levels \\(at `
              )
            ),
            retriable: false
          }
        })
      }
    }
    // Still serving: a real method call answers.
    const info = await call('getAppInfo', '{}')
    expect(info.status).toBe(200)
  })
})

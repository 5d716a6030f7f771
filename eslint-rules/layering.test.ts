import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// Lints code through the repo's real eslint.config.js, so this proves the rule is wired in, not
// only that the rule module works in isolation.
const eslint = new ESLint({ cwd: process.cwd() })

async function layeringMessages(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  if (!result) throw new Error(`ESLint returned no result for ${filePath}`)
  return result.messages
    .filter((message) => message.ruleId === 'local/layering' || message.fatal)
    .map((message) => message.message)
}

/** The one refusal a file at `filePath` holding `code` gets, naming `what`. */
async function expectRefused(filePath: string, code: string, what: string): Promise<void> {
  const messages = await layeringMessages(code, filePath)
  expect(messages).toHaveLength(1)
  expect(messages[0]).toContain(what)
}

async function expectAllowed(filePath: string, code: string): Promise<void> {
  expect(await layeringMessages(code, filePath)).toEqual([])
}

/** A module importing one name from each specifier and re-exporting them (so none is unused). */
function importing(names: Record<string, string>): string {
  const lines = Object.entries(names).map(([from, name]) => `import { ${name} } from '${from}'\n`)
  return `${lines.join('')}export { ${Object.values(names).join(', ')} }\n`
}

const EDGE = "the engine's edge tier"
const MODULE = "the engine's module tier"

describe('local/layering', () => {
  it.each([
    ['src/renderer/src/x.ts', "import 'electron'\n", "'electron'"],
    ['src/shared/console/x.ts', "import 'electron'\n", "'electron'"],
    ['src/renderer/src/x.ts', importing({ '../../engine/y': 'x' }), 'the engine layer'],
    ['src/renderer/src/x.ts', "export { x } from '../../main/services/y'\n", 'the services layer'],
    ['src/shared/x.ts', importing({ 'node:fs': 'readFileSync' }), 'Node builtins'],
    ['src/shared/x.ts', "import fs from 'fs'\nexport { fs }\n", 'Node builtins'],
    ['src/shared/x.ts', importing({ '../engine/a': 'a' }), 'the engine layer'],
    ['src/engine/x.ts', importing({ electron: 'app' }), "'electron'"],
    ['src/engine/x.ts', importing({ '../main/services/b': 'b' }), 'the services layer'],
    ['src/main/services/x.ts', importing({ electron: 'app' }), "'electron'"],
    ['src/main/services/x.ts', importing({ zustand: 'create' }), "'zustand'"],
    ['src/main/electron/x.ts', importing({ '../../renderer/src/c': 'c' }), 'the renderer layer'],
    ['src/preload/x.ts', importing({ '../main/services/d': 'd' }), 'the services layer'],
    ['src/preload/x.ts', "import path from 'node:path'\nexport { path }\n", 'Node builtins'],
    ['src/agent/x.ts', importing({ '../engine/e': 'e' }), 'the engine layer'],
    [
      'src/renderer/src/x.ts',
      "export async function f() { return import('node:fs') }\n",
      'Node builtins'
    ],
    [
      'src/renderer/src/x.ts',
      "import type { T } from '../../main/services/t'\nexport type { T }\n",
      'the services layer'
    ]
  ])('%s: %j is refused', expectRefused)

  it.each([
    [
      'src/renderer/src/x.ts',
      "import { z } from 'zod'\nimport { useState } from 'react'\nimport type { ConsoleApi } from '../../shared/console'\nexport { z, useState }\nexport type { ConsoleApi }\n"
    ],
    ['src/shared/console/x.ts', importing({ zod: 'z', '../neurorail/y': 'y' })],
    [
      'src/engine/x.ts',
      "import Database from 'better-sqlite3'\nimport { createServer } from 'node:http'\nimport { s } from '../shared/s'\nexport { Database, createServer, s }\n"
    ],
    [
      'src/main/services/x.ts',
      "import { startEngine } from '../../engine'\nimport { s } from '../../shared/s'\nimport keytar from 'keytar'\nexport { startEngine, s, keytar }\n"
    ],
    ['src/main/electron/x.ts', importing({ electron: 'app', '../services/s': 's' })],
    [
      'src/preload/x.ts',
      importing({ electron: 'contextBridge', '../shared/console': 'CONSOLE_METHODS' })
    ],
    ['src/shared/x.test.ts', importing({ vitest: 'it' })],
    ['src/engine/testing/x.ts', importing({ vitest: 'beforeAll' })],
    [
      'scripts/x.ts',
      "import { app } from 'electron'\nimport fs from 'node:fs'\nexport { app, fs }\n"
    ]
  ])('%s: allowed imports pass', expectAllowed)

  // Inside the engine: store ← domain services ← modules ← edge (routes, http). Issue 12's proof
  // that the core knows no HTTP and the store no governance.
  it.each([
    ['src/engine/identity/service.ts', importing({ '../http/errors': 'HttpError' }), EDGE],
    [
      'src/engine/lifecycle/service.ts',
      "import type { Router } from '../http/router'\nexport type { Router }\n",
      EDGE
    ],
    ['src/engine/telemetry/service.ts', importing({ '../routes': 'routes' }), EDGE],
    [
      'src/engine/store/migrations.ts',
      importing({ '../governance/migration': 'GOVERNANCE_MIGRATION' }),
      MODULE
    ],
    ['src/engine/store/cursor.ts', importing({ '../http/errors': 'HttpError' }), EDGE],
    [
      'src/engine/store/store.ts',
      importing({ '../audit/service': 'AuditService' }),
      "the engine's domain tier"
    ],
    ['src/engine/errors.ts', importing({ './governance': 'g' }), MODULE],
    ['src/engine/services.ts', importing({ './governance': 'createGovernance' }), MODULE],
    ['src/engine/governance/budget/x.ts', importing({ '../../http/errors': 'HttpError' }), EDGE],
    ['src/engine/governance/x.ts', importing({ '../http/validation': 'parseOr422' }), EDGE]
  ])('engine tiers: %s importing %j is refused', expectRefused)

  it.each([
    [
      'src/engine/routes/x.ts',
      importing({
        '../governance': 'createGovernance',
        '../http/errors': 'HttpError',
        '../store/store': 'Store'
      })
    ],
    [
      'src/engine/governance/x.ts',
      importing({
        '../lifecycle/service': 'LifecycleService',
        '../errors': 'DomainError',
        '../store/store': 'Store'
      })
    ],
    [
      'src/engine/lifecycle/x.ts',
      importing({
        '../errors': 'notFound',
        '../store/store': 'Store',
        '../audit/service': 'AuditService'
      })
    ],
    ['src/engine/store/x.ts', importing({ '../errors': 'badRequest', './sequence': 'Sequence' })],
    ['src/engine/index.ts', importing({ './routes/governance': 'governanceModule' })],
    ['src/engine/governance/x.test.ts', importing({ '../testing/harness': 'startTestEngine' })]
  ])('engine tiers: %s allowed imports pass', expectAllowed)
})

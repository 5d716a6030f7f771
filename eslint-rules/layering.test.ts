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

describe('local/layering', () => {
  it.each([
    ['src/renderer/src/x.ts', "import 'electron'\n", "'electron'"],
    ['src/shared/console/x.ts', "import 'electron'\n", "'electron'"],
    [
      'src/renderer/src/x.ts',
      "import { x } from '../../engine/y'\nexport { x }\n",
      'the engine layer'
    ],
    ['src/renderer/src/x.ts', "export { x } from '../../main/services/y'\n", 'the services layer'],
    [
      'src/shared/x.ts',
      "import { readFileSync } from 'node:fs'\nexport { readFileSync }\n",
      'Node builtins'
    ],
    ['src/shared/x.ts', "import fs from 'fs'\nexport { fs }\n", 'Node builtins'],
    ['src/shared/x.ts', "import { a } from '../engine/a'\nexport { a }\n", 'the engine layer'],
    ['src/engine/x.ts', "import { app } from 'electron'\nexport { app }\n", "'electron'"],
    [
      'src/engine/x.ts',
      "import { b } from '../main/services/b'\nexport { b }\n",
      'the services layer'
    ],
    ['src/main/services/x.ts', "import { app } from 'electron'\nexport { app }\n", "'electron'"],
    [
      'src/main/services/x.ts',
      "import { create } from 'zustand'\nexport { create }\n",
      "'zustand'"
    ],
    [
      'src/main/electron/x.ts',
      "import { c } from '../../renderer/src/c'\nexport { c }\n",
      'the renderer layer'
    ],
    [
      'src/preload/x.ts',
      "import { d } from '../main/services/d'\nexport { d }\n",
      'the services layer'
    ],
    ['src/preload/x.ts', "import path from 'node:path'\nexport { path }\n", 'Node builtins'],
    ['src/agent/x.ts', "import { e } from '../engine/e'\nexport { e }\n", 'the engine layer'],
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
  ])('%s: %j is refused', async (filePath, code, what) => {
    const messages = await layeringMessages(code, filePath)
    expect(messages).toHaveLength(1)
    expect(messages[0]).toContain(what)
  })

  it.each([
    [
      'src/renderer/src/x.ts',
      "import { z } from 'zod'\nimport { useState } from 'react'\nimport type { ConsoleApi } from '../../shared/console'\nexport { z, useState }\nexport type { ConsoleApi }\n"
    ],
    [
      'src/shared/console/x.ts',
      "import { z } from 'zod'\nimport { y } from '../neurorail/y'\nexport { z, y }\n"
    ],
    [
      'src/engine/x.ts',
      "import Database from 'better-sqlite3'\nimport { createServer } from 'node:http'\nimport { s } from '../shared/s'\nexport { Database, createServer, s }\n"
    ],
    [
      'src/main/services/x.ts',
      "import { startEngine } from '../../engine'\nimport { s } from '../../shared/s'\nimport keytar from 'keytar'\nexport { startEngine, s, keytar }\n"
    ],
    [
      'src/main/electron/x.ts',
      "import { app } from 'electron'\nimport { s } from '../services/s'\nexport { app, s }\n"
    ],
    [
      'src/preload/x.ts',
      "import { contextBridge } from 'electron'\nimport { CONSOLE_METHODS } from '../shared/console'\nexport { contextBridge, CONSOLE_METHODS }\n"
    ],
    ['src/shared/x.test.ts', "import { it } from 'vitest'\nexport { it }\n"],
    ['src/engine/testing/x.ts', "import { beforeAll } from 'vitest'\nexport { beforeAll }\n"],
    [
      'scripts/x.ts',
      "import { app } from 'electron'\nimport fs from 'node:fs'\nexport { app, fs }\n"
    ]
  ])('%s: allowed imports pass', async (filePath, code) => {
    expect(await layeringMessages(code, filePath)).toEqual([])
  })

  // Inside the engine: store ← domain services ← modules ← edge (routes, http). Issue 12's proof
  // that the core knows no HTTP and the store no governance.
  it.each([
    [
      'src/engine/identity/service.ts',
      "import { HttpError } from '../http/errors'\nexport { HttpError }\n",
      "the engine's edge tier"
    ],
    [
      'src/engine/lifecycle/service.ts',
      "import type { Router } from '../http/router'\nexport type { Router }\n",
      "the engine's edge tier"
    ],
    [
      'src/engine/telemetry/service.ts',
      "import { routes } from '../routes'\nexport { routes }\n",
      "the engine's edge tier"
    ],
    [
      'src/engine/store/migrations.ts',
      "import { GOVERNANCE_MIGRATION } from '../governance/migration'\nexport { GOVERNANCE_MIGRATION }\n",
      "the engine's module tier"
    ],
    [
      'src/engine/store/cursor.ts',
      "import { HttpError } from '../http/errors'\nexport { HttpError }\n",
      "the engine's edge tier"
    ],
    [
      'src/engine/store/store.ts',
      "import { AuditService } from '../audit/service'\nexport { AuditService }\n",
      "the engine's domain tier"
    ],
    [
      'src/engine/errors.ts',
      "import { g } from './governance'\nexport { g }\n",
      "the engine's module tier"
    ],
    [
      'src/engine/services.ts',
      "import { createGovernance } from './governance'\nexport { createGovernance }\n",
      "the engine's module tier"
    ],
    [
      'src/engine/governance/budget/x.ts',
      "import { HttpError } from '../../http/errors'\nexport { HttpError }\n",
      "the engine's edge tier"
    ],
    [
      'src/engine/governance/x.ts',
      "import { parseOr422 } from '../http/validation'\nexport { parseOr422 }\n",
      "the engine's edge tier"
    ]
  ])('engine tiers: %s importing %j is refused', async (filePath, code, what) => {
    const messages = await layeringMessages(code, filePath)
    expect(messages).toHaveLength(1)
    expect(messages[0]).toContain(what)
  })

  it.each([
    [
      'src/engine/routes/x.ts',
      "import { createGovernance } from '../governance'\nimport { HttpError } from '../http/errors'\nimport { Store } from '../store/store'\nexport { createGovernance, HttpError, Store }\n"
    ],
    [
      'src/engine/governance/x.ts',
      "import { LifecycleService } from '../lifecycle/service'\nimport { DomainError } from '../errors'\nimport { Store } from '../store/store'\nexport { LifecycleService, DomainError, Store }\n"
    ],
    [
      'src/engine/lifecycle/x.ts',
      "import { notFound } from '../errors'\nimport { Store } from '../store/store'\nimport { AuditService } from '../audit/service'\nexport { notFound, Store, AuditService }\n"
    ],
    [
      'src/engine/store/x.ts',
      "import { badRequest } from '../errors'\nimport { Sequence } from './sequence'\nexport { badRequest, Sequence }\n"
    ],
    [
      'src/engine/index.ts',
      "import { governanceModule } from './routes/governance'\nexport { governanceModule }\n"
    ],
    [
      'src/engine/governance/x.test.ts',
      "import { startTestEngine } from '../testing/harness'\nexport { startTestEngine }\n"
    ]
  ])('engine tiers: %s allowed imports pass', async (filePath, code) => {
    expect(await layeringMessages(code, filePath)).toEqual([])
  })
})

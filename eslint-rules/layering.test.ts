import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// Lints code through the repo's real eslint.config.js, so this proves the rule is wired in, not
// only that the rule module works in isolation.
const eslint = new ESLint({ cwd: process.cwd() })

async function layeringMessages(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result.messages
    .filter((message) => message.ruleId === 'local/layering' || message.fatal)
    .map((message) => message.message)
}

describe('local/layering', () => {
  it.each([
    ['src/renderer/src/x.ts', "import 'electron'\n", "'electron'"],
    ['src/shared/console/x.ts', "import 'electron'\n", "'electron'"],
    ['src/renderer/src/x.ts', "import { x } from '../../engine/y'\nexport { x }\n", 'the engine layer'],
    ['src/renderer/src/x.ts', "export { x } from '../../main/services/y'\n", 'the services layer'],
    ['src/shared/x.ts', "import { readFileSync } from 'node:fs'\nexport { readFileSync }\n", 'Node builtins'],
    ['src/shared/x.ts', "import fs from 'fs'\nexport { fs }\n", 'Node builtins'],
    ['src/shared/x.ts', "import { a } from '../engine/a'\nexport { a }\n", 'the engine layer'],
    ['src/engine/x.ts', "import { app } from 'electron'\nexport { app }\n", "'electron'"],
    ['src/engine/x.ts', "import { b } from '../main/services/b'\nexport { b }\n", 'the services layer'],
    ['src/main/services/x.ts', "import { app } from 'electron'\nexport { app }\n", "'electron'"],
    ['src/main/services/x.ts', "import { create } from 'zustand'\nexport { create }\n", "'zustand'"],
    ['src/main/electron/x.ts', "import { c } from '../../renderer/src/c'\nexport { c }\n", 'the renderer layer'],
    ['src/preload/x.ts', "import { d } from '../main/services/d'\nexport { d }\n", 'the services layer'],
    ['src/preload/x.ts', "import path from 'node:path'\nexport { path }\n", 'Node builtins'],
    ['src/agent/x.ts', "import { e } from '../engine/e'\nexport { e }\n", 'the engine layer'],
    ['src/renderer/src/x.ts', "export async function f() { return import('node:fs') }\n", 'Node builtins'],
    ['src/renderer/src/x.ts', "import type { T } from '../../main/services/t'\nexport type { T }\n", 'the services layer']
  ])('%s: %j is refused', async (filePath, code, what) => {
    const messages = await layeringMessages(code, filePath)
    expect(messages).toHaveLength(1)
    expect(messages[0]).toContain(what)
  })

  it.each([
    ['src/renderer/src/x.ts', "import { z } from 'zod'\nimport { useState } from 'react'\nimport type { ConsoleApi } from '../../shared/console'\nexport { z, useState }\nexport type { ConsoleApi }\n"],
    ['src/shared/console/x.ts', "import { z } from 'zod'\nimport { y } from '../neurorail/y'\nexport { z, y }\n"],
    ['src/engine/x.ts', "import Database from 'better-sqlite3'\nimport { createServer } from 'node:http'\nimport { s } from '../shared/s'\nexport { Database, createServer, s }\n"],
    ['src/main/services/x.ts', "import { startEngine } from '../../engine'\nimport { s } from '../../shared/s'\nimport keytar from 'keytar'\nexport { startEngine, s, keytar }\n"],
    ['src/main/electron/x.ts', "import { app } from 'electron'\nimport { s } from '../services/s'\nexport { app, s }\n"],
    ['src/preload/x.ts', "import { contextBridge } from 'electron'\nimport { CONSOLE_METHODS } from '../shared/console'\nexport { contextBridge, CONSOLE_METHODS }\n"],
    ['src/shared/x.test.ts', "import { it } from 'vitest'\nexport { it }\n"],
    ['scripts/x.ts', "import { app } from 'electron'\nimport fs from 'node:fs'\nexport { app, fs }\n"]
  ])('%s: allowed imports pass', async (filePath, code) => {
    expect(await layeringMessages(code, filePath)).toEqual([])
  })
})

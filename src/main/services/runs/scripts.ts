import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  DEMO_SCRIPTS,
  LocalRunScriptSchema,
  type DemoInfo,
  type DemoScript
} from '../../../shared/console/domains/runs'
import { fail } from '../session/failures'

/** The bundled demo agents, as the "Run a local agent" picker lists them. */
export const DEMOS: readonly DemoInfo[] = [
  {
    script: 'demo:flaky',
    title: 'Flaky tool caller',
    description:
      'Calls a tool that keeps failing until the engine opens its circuit breaker (NR-E140).'
  },
  {
    script: 'demo:slow',
    title: 'Slow worker',
    description:
      'Runs jobs that take longer than their timeout budget; each ends in timeout (NR-E100).'
  },
  {
    script: 'demo:greedy',
    title: 'Greedy LLM caller',
    description: 'Keeps reporting LLM tokens until it goes over its token budget (NR-E103/E104).'
  }
]

/** How to start one script: node with these arguments. */
export interface ScriptCommand {
  /** Normalised script as the run lists it (`demo:flaky` or the absolute path). */
  readonly script: string
  readonly label: string
  /** Arguments after the node executable. */
  readonly args: string[]
  /** Working directory: the script's folder. */
  readonly cwd: string
}

/** Demo file name of a demo script (`demo:flaky` → `flaky`). */
function demoName(script: DemoScript): string {
  return script.slice('demo:'.length)
}

/**
 * Finds a demo's file. In a bundle (out/node/controldeck.js) the demos sit in out/node/demos/*.js;
 * from sources (tests, tsx) they are src/agent/demos/*.ts, run through tsx.
 */
export function findDemoFile(script: DemoScript, moduleUrl: string = import.meta.url): string {
  const name = demoName(script)
  const here = path.dirname(fileURLToPath(moduleUrl))
  const candidates = [path.join(here, 'demos', `${name}.js`)]
  // Walk up to the repository root (the folder with src/agent) for the source demos.
  let dir = here
  for (let i = 0; i < 6; i++) {
    candidates.push(path.join(dir, 'src', 'agent', 'demos', `${name}.ts`))
    candidates.push(path.join(dir, 'out', 'node', 'demos', `${name}.js`))
    dir = path.dirname(dir)
  }
  const found = candidates.find((file) => existsSync(file))
  if (!found)
    throw fail(
      'invalid_input',
      `The demo ${script} is not installed (looked in ${candidates.slice(0, 3).join(', ')}).`
    )
  return found
}

/** The `--import` argument that lets node run a .ts file (tsx's ESM loader, by absolute URL). */
export function tsxImport(): string {
  const require = createRequire(import.meta.url)
  try {
    const pkg = require.resolve('tsx/package.json')
    const loader = path.join(path.dirname(pkg), 'dist', 'loader.mjs')
    if (existsSync(loader)) return pathToFileURL(loader).href
  } catch {
    // fall through: a bare specifier works when the child's cwd can resolve tsx
  }
  return 'tsx'
}

/**
 * Where the agent SDK is for child processes: beside the bundle (out/node/agent.js) when the
 * console runs bundled, else the sources (src/agent/index.ts, through tsx) when it runs from them.
 */
export function findSdkEntry(moduleUrl: string = import.meta.url): string | null {
  const here = path.dirname(fileURLToPath(moduleUrl))
  const beside = path.join(here, 'agent.js')
  if (existsSync(beside) && existsSync(path.join(here, 'controldeck.js'))) return beside
  let dir = here
  for (let i = 0; i < 6; i++) {
    const source = path.join(dir, 'src', 'agent', 'index.ts')
    if (existsSync(source)) return source
    dir = path.dirname(dir)
  }
  return null
}

/**
 * `--import` of a data: module that registers a resolve hook mapping the bare specifier
 * `controldeck/agent` to the SDK, so a script anywhere on disk can
 * `import { connect } from 'controldeck/agent'` without installing anything.
 */
export function sdkResolverImport(sdkEntry: string): string {
  const hook = `export async function resolve(specifier, context, next) {
  // Rewritten, not short-circuited: the rest of the chain (tsx for a .ts SDK) still resolves it.
  return next(specifier === 'controldeck/agent' ? ${JSON.stringify(pathToFileURL(sdkEntry).href)} : specifier, context)
}`
  const register = `import { register } from 'node:module'
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}))`
  return `data:text/javascript,${encodeURIComponent(register)}`
}

/**
 * Validates a script (shape by the contract's schema; then that the file exists and is a regular
 * file) and turns it into the node command line that runs it.
 */
export async function resolveScript(input: unknown): Promise<ScriptCommand> {
  const parsed = LocalRunScriptSchema.safeParse(input)
  if (!parsed.success)
    throw fail('invalid_input', parsed.error.issues[0]?.message ?? 'invalid script')
  const script = parsed.data
  let file: string
  let label: string
  if ((DEMO_SCRIPTS as readonly string[]).includes(script)) {
    file = findDemoFile(script as DemoScript)
    label = script
  } else {
    file = path.resolve(script)
    label = path.basename(file)
    const info = await stat(file).catch(() => null)
    if (!info) throw fail('invalid_input', `The script ${file} does not exist.`)
    if (!info.isFile()) throw fail('invalid_input', `The script ${file} is not a regular file.`)
  }
  const sdk = findSdkEntry()
  // tsx first: the SDK hook may resolve to a .ts file that only tsx's loader can load.
  const needsTsx = file.endsWith('.ts') || (sdk?.endsWith('.ts') ?? false)
  const args = [
    ...(needsTsx ? ['--import', tsxImport()] : []),
    ...(sdk ? ['--import', sdkResolverImport(sdk)] : []),
    file
  ]
  return { script: label === script ? script : file, label, args, cwd: path.dirname(file) }
}

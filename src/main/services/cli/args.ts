import path from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { isConsoleFailure } from '../../../shared/console/errors'
import { BaseUrlSchema } from '../../../shared/console/domains/environments'
import { defaultDataDir } from '../context'

/** Exit codes every command keeps to (scripts rely on them). */
export const EXIT = { ok: 0, failure: 1, notFound: 2 } as const

/** Flags every command accepts. */
export interface GlobalOptions {
  /** Print machine-readable JSON instead of text. */
  readonly json: boolean
  readonly help: boolean
  /** Settings, cache and the embedded engine's database (`--data-dir`). */
  readonly dataDir: string
  /** An ad-hoc backend (`--url URL [--token TOKEN]`) used instead of the saved environments. */
  readonly adHoc?: { readonly url: string; readonly token?: string }
}

/** One flag of a command, in node:util parseArgs terms plus a help line. */
export interface CommandOption {
  readonly type: 'string' | 'boolean'
  readonly description: string
  readonly short?: string
  /** Shown in help as `--name VALUE`. */
  readonly valueName?: string
  /** May be given more than once (the value is then a list). */
  readonly multiple?: boolean
}

/** A parsed flag: a string, a boolean, or the strings of a flag given more than once. */
export type OptionValue = string | boolean | readonly string[] | undefined

/** Where a command writes, and what ends one that runs until stopped; tests pass their own. */
export interface CliIo {
  out(text: string): void
  err(text: string): void
  readonly env: NodeJS.ProcessEnv
  /**
   * A signal that aborts when the command is asked to stop (tail, run, serve). The default is
   * {@link processStopSignal}: Ctrl-C or SIGTERM. Tests pass one they abort themselves.
   */
  stopSignal?(): AbortSignal
}

let processStop: AbortSignal | null = null

/**
 * Aborts at the first SIGINT or SIGTERM, then lets a second one end the process as usual (a stop
 * that hangs can still be cut short). The handlers are installed at the first call, so only a
 * command that asks for the signal catches Ctrl-C; one process has one such signal.
 */
function processStopSignal(): AbortSignal {
  if (processStop) return processStop
  const controller = new AbortController()
  const stop = (): void => {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    controller.abort()
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  processStop = controller.signal
  return processStop
}

/**
 * Keeps Ctrl-C and SIGTERM from ending the process until `until` settles, telling `note` of each:
 * for a stop that is bounded on its own (a run's agent gets SIGKILL 3 s after SIGTERM), where a
 * second Ctrl-C that ended the CLI would leave the child it is stopping running, orphaned.
 */
export function holdProcessSignals(until: Promise<unknown>, note: () => void): void {
  const held = (): void => note()
  process.on('SIGINT', held)
  process.on('SIGTERM', held)
  const release = (): void => {
    process.off('SIGINT', held)
    process.off('SIGTERM', held)
  }
  until.then(release, release)
}

/** The signal that ends a long-running command (see CliIo.stopSignal). */
export function stopSignalOf(io: CliIo): AbortSignal {
  return io.stopSignal ? io.stopSignal() : processStopSignal()
}

/** Resolves once `signal` has aborted. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve()
    else signal.addEventListener('abort', () => resolve(), { once: true })
  })
}

/** What a command's `run` receives. */
export interface CommandContext {
  readonly global: GlobalOptions
  /** Positional arguments after the command name (sub-command words included). */
  readonly positionals: readonly string[]
  readonly options: Readonly<Record<string, OptionValue>>
  readonly io: CliIo
  /** Prints a result: JSON with `--json`, else the text `human` returns (or JSON when none). */
  print(value: unknown, human?: (value: unknown) => string): void
}

/** One entry of the command table in main.ts. */
export interface CliCommand {
  readonly name: string
  readonly summary: string
  /** e.g. `serve [--port N] [--host H] [--no-engine]`. */
  readonly usage: string
  readonly options?: Readonly<Record<string, CommandOption>>
  /** Resolves to an exit code (EXIT.ok when it returns nothing). */
  run(context: CommandContext): Promise<number | void>
}

/** A usage or backend failure worth one readable line (and its exit code). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure
  ) {
    super(message)
    this.name = 'CliError'
  }
}

const GLOBAL_OPTIONS: Readonly<Record<string, CommandOption>> = {
  json: { type: 'boolean', description: 'print JSON instead of text' },
  url: {
    type: 'string',
    valueName: 'URL',
    description: 'use this backend instead of the saved environments'
  },
  token: {
    type: 'string',
    valueName: 'TOKEN',
    description:
      'bearer token for --url (default: $CONTROLDECK_TOKEN; on the command line other local users can read it)'
  },
  'data-dir': {
    type: 'string',
    valueName: 'DIR',
    description:
      'settings and cache folder (default: $CONTROLDECK_DATA_DIR or ~/.config/ControlDeck)'
  },
  help: { type: 'boolean', short: 'h', description: 'show help' }
}

// The environments' own base URL rule (no credentials, query or fragment; no trailing slash).
const AdHocUrlSchema = z
  .url({ protocol: /^https?$/, error: '--url must be an http:// or https:// URL' })
  .pipe(BaseUrlSchema)

function optionLines(options: Readonly<Record<string, CommandOption>>): string[] {
  return Object.entries(options).map(([name, option]) => {
    const flag = `--${name}${option.valueName ? ` ${option.valueName}` : ''}`
    return `  ${flag.padEnd(22)} ${option.description}`
  })
}

/** The text of `controldeck --help`. */
export function generalHelp(commands: readonly CliCommand[]): string {
  return [
    'usage: controldeck <command> [options]',
    '',
    'commands:',
    ...commands.map((command) => `  ${command.name.padEnd(22)} ${command.summary}`),
    '',
    'global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'exit codes: 0 ok, 1 usage or backend error, 2 not found'
  ].join('\n')
}

/** The text of `controldeck <command> --help`. */
export function commandHelp(command: CliCommand): string {
  return [
    `usage: controldeck ${command.usage}`,
    '',
    command.summary,
    ...(command.options ? ['', 'options:', ...optionLines(command.options)] : []),
    '',
    'global options:',
    ...optionLines(GLOBAL_OPTIONS)
  ].join('\n')
}

function toParseOptions(options: Readonly<Record<string, CommandOption>>) {
  return Object.fromEntries(
    Object.entries(options).map(([name, option]) => [
      name,
      {
        type: option.type,
        ...(option.short ? { short: option.short } : {}),
        ...(option.multiple ? { multiple: true } : {})
      }
    ])
  )
}

/**
 * Finds the command word: the first argument that is neither a flag nor the value of a global
 * flag that takes one. Command flags may therefore only follow the command.
 */
function findCommandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('-')) return i
    const name = arg.replace(/^--?/, '')
    if (!arg.includes('=') && GLOBAL_OPTIONS[name]?.type === 'string') i++
  }
  return -1
}

/** Turns a thrown value into one line on stderr and an exit code; never a stack trace. */
export function reportError(error: unknown, io: CliIo, json: boolean): number {
  let exitCode: number = EXIT.failure
  let code = 'error'
  let message: string
  if (error instanceof CliError) {
    exitCode = error.exitCode
    message = error.message
  } else if (isConsoleFailure(error)) {
    code = error.error.code
    message = error.error.message
    if (code === 'not_found' || error.error.status === 404) exitCode = EXIT.notFound
  } else if (error instanceof Error) {
    // Node's own errors (EADDRINUSE, ENOENT…) carry a readable message; the stack stays hidden.
    message = error.message
  } else {
    message = String(error)
  }
  io.err(json ? JSON.stringify({ ok: false, error: { code, message } }) : `controldeck: ${message}`)
  return exitCode
}

/**
 * Parses argv, dispatches to the command and returns the exit code. Unknown commands and flags,
 * invalid values and failures all end as one line on stderr.
 */
export async function runCli(
  commands: readonly CliCommand[],
  argv: readonly string[],
  io: CliIo
): Promise<number> {
  const json = argv.includes('--json')
  try {
    const index = findCommandIndex(argv)
    const command = index === -1 ? undefined : commands.find((c) => c.name === argv[index])
    if (index !== -1 && !command) {
      throw new CliError(`unknown command "${argv[index]}"; run controldeck --help for the list`)
    }
    const options = { ...GLOBAL_OPTIONS, ...command?.options }
    let parsed: ReturnType<typeof parseArgs>
    try {
      parsed = parseArgs({
        args: index === -1 ? [...argv] : [...argv.slice(0, index), ...argv.slice(index + 1)],
        options: toParseOptions(options),
        allowPositionals: true,
        strict: true
      })
    } catch (error) {
      // parseArgs may explain over several lines; every CLI error is one line.
      const reason = (error as Error).message.replace(/\s*\n\s*/g, ' ').replace(/\.$/, '')
      throw new CliError(`${reason}; run controldeck --help`)
    }
    const values = parsed.values as Record<string, OptionValue>
    if (values.help || !command) {
      io.out(command ? commandHelp(command) : generalHelp(commands))
      return command || values.help ? EXIT.ok : EXIT.failure
    }
    let adHoc: GlobalOptions['adHoc']
    if (typeof values.url === 'string') {
      const url = AdHocUrlSchema.safeParse(values.url)
      if (!url.success) throw new CliError(url.error.issues[0]?.message ?? 'invalid --url')
      // The variable keeps the token off the command line, where every local user can read it.
      const token =
        typeof values.token === 'string' ? values.token : io.env.CONTROLDECK_TOKEN || undefined
      adHoc = { url: url.data, token }
    } else if (values.token !== undefined) {
      throw new CliError('--token needs --url')
    }
    const global: GlobalOptions = {
      json: values.json === true,
      help: false,
      dataDir:
        typeof values['data-dir'] === 'string'
          ? path.resolve(values['data-dir'])
          : defaultDataDir(io.env),
      adHoc
    }
    const context: CommandContext = {
      global,
      positionals: parsed.positionals,
      options: values,
      io,
      print(value, human) {
        const asJson = global.json || !human
        io.out(asJson ? JSON.stringify(value, null, global.json ? 0 : 2) : human(value))
      }
    }
    return (await command.run(context)) ?? EXIT.ok
  } catch (error) {
    return reportError(error, io, json)
  }
}

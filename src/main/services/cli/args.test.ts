import { describe, expect, it } from 'vitest'
import { ConsoleFailure } from '../../../shared/console/errors'
import { CliError, EXIT, runCli, type CliCommand, type CommandContext } from './args'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: {} }
  }
}

let seen: CommandContext | undefined
const commands: CliCommand[] = [
  {
    name: 'echo',
    summary: 'prints its arguments',
    usage: 'echo [--loud] WORDS…',
    options: { loud: { type: 'boolean', description: 'upper-case' } },
    async run(context) {
      seen = context
      context.print({ words: context.positionals }, (v) =>
        (v as { words: string[] }).words.join(' ')
      )
    }
  },
  {
    name: 'fail',
    summary: 'fails the way its first argument says',
    usage: 'fail KIND',
    async run({ positionals }) {
      if (positionals[0] === 'missing') {
        throw new ConsoleFailure({ code: 'not_found', message: 'No trace m_1.', retriable: false })
      }
      if (positionals[0] === 'usage') throw new CliError('bad usage')
      throw new Error('boom')
    }
  }
]

describe('runCli', () => {
  it('dispatches with global flags before and command flags after the command', async () => {
    const { out, io } = capture()
    const code = await runCli(commands, ['--data-dir', '/tmp/cd', 'echo', 'a', '--loud', 'b'], io)
    expect(code).toBe(EXIT.ok)
    expect(out).toEqual(['a b'])
    expect(seen?.global.dataDir).toBe('/tmp/cd')
    expect(seen?.options.loud).toBe(true)
  })

  it('prints JSON with --json', async () => {
    const { out, io } = capture()
    await runCli(commands, ['echo', 'x', '--json'], io)
    expect(JSON.parse(out[0] ?? 'null')).toEqual({ words: ['x'] })
  })

  it('takes the data dir from CONTROLDECK_DATA_DIR by default', async () => {
    const { io } = capture()
    await runCli(commands, ['echo'], { ...io, env: { CONTROLDECK_DATA_DIR: '/srv/cd' } })
    expect(seen?.global.dataDir).toBe('/srv/cd')
  })

  it('validates --url and requires it for --token', async () => {
    const bad = capture()
    expect(await runCli(commands, ['--url', 'ftp://x', 'echo'], bad.io)).toBe(EXIT.failure)
    expect(bad.err).toEqual(['controldeck: --url must be an http:// or https:// URL'])

    // A password in the address would end up in error messages; the token goes in --token.
    const secret = capture()
    const withPassword = ['--url', 'http://user:pw@127.0.0.1:8000', 'echo']
    expect(await runCli(commands, withPassword, secret.io)).toBe(EXIT.failure)
    expect(secret.err).toHaveLength(1)
    expect(secret.err[0]).toContain('without credentials')

    const orphan = capture()
    expect(await runCli(commands, ['echo', '--token', 't'], orphan.io)).toBe(EXIT.failure)
    expect(orphan.err).toEqual(['controldeck: --token needs --url'])

    const ok = capture()
    await runCli(commands, ['--url', 'http://127.0.0.1:8000/', '--token', 't', 'echo'], ok.io)
    expect(seen?.global.adHoc).toEqual({ url: 'http://127.0.0.1:8000', token: 't' })
  })

  it('takes the --url token from CONTROLDECK_TOKEN, so it need not sit on the command line (ps)', async () => {
    const { io } = capture()
    await runCli(commands, ['--url', 'http://127.0.0.1:8000', 'echo'], {
      ...io,
      env: { CONTROLDECK_TOKEN: 'from-env' }
    })
    expect(seen?.global.adHoc).toEqual({ url: 'http://127.0.0.1:8000', token: 'from-env' })
    // The flag wins; without --url the variable is not used (the saved environments are).
    await runCli(commands, ['--url', 'http://127.0.0.1:8000', '--token', 't', 'echo'], {
      ...io,
      env: { CONTROLDECK_TOKEN: 'from-env' }
    })
    expect(seen?.global.adHoc).toEqual({ url: 'http://127.0.0.1:8000', token: 't' })
    expect(
      await runCli(commands, ['echo'], { ...io, env: { CONTROLDECK_TOKEN: 'from-env' } })
    ).toBe(EXIT.ok)
    expect(seen?.global.adHoc).toBeUndefined()
  })

  it('answers unknown commands and flags with one line and exit code 1', async () => {
    const unknown = capture()
    expect(await runCli(commands, ['nope'], unknown.io)).toBe(EXIT.failure)
    expect(unknown.err).toHaveLength(1)
    expect(unknown.err[0]).toContain('unknown command "nope"')

    const flag = capture()
    expect(await runCli(commands, ['echo', '--shout'], flag.io)).toBe(EXIT.failure)
    expect(flag.err).toHaveLength(1)
    expect(flag.err[0]).toContain('--shout')

    // parseArgs explains an option value that starts with a dash over three lines.
    const dashed = capture()
    expect(await runCli(commands, ['--data-dir', '-3', 'echo'], dashed.io)).toBe(EXIT.failure)
    expect(dashed.err).toHaveLength(1)
    expect(dashed.err[0]).toContain("'--data-dir=-XYZ'")
    expect(dashed.err[0]).not.toContain('\n')
  })

  it('prints help for the CLI and for one command', async () => {
    const general = capture()
    expect(await runCli(commands, ['--help'], general.io)).toBe(EXIT.ok)
    expect(general.out[0]).toContain('echo')
    expect(general.out[0]).toContain('--data-dir')

    const one = capture()
    expect(await runCli(commands, ['echo', '--help'], one.io)).toBe(EXIT.ok)
    expect(one.out[0]).toContain('usage: controldeck echo [--loud]')

    const none = capture()
    expect(await runCli(commands, [], none.io)).toBe(EXIT.failure)
    expect(none.out[0]).toContain('usage: controldeck <command>')
  })

  it('maps failures to exit codes without stack traces', async () => {
    const missing = capture()
    expect(await runCli(commands, ['fail', 'missing'], missing.io)).toBe(EXIT.notFound)
    expect(missing.err).toEqual(['controldeck: No trace m_1.'])

    const usage = capture()
    expect(await runCli(commands, ['fail', 'usage'], usage.io)).toBe(EXIT.failure)
    expect(usage.err).toEqual(['controldeck: bad usage'])

    const crash = capture()
    expect(await runCli(commands, ['fail', 'crash'], crash.io)).toBe(EXIT.failure)
    expect(crash.err).toEqual(['controldeck: boom'])

    const json = capture()
    await runCli(commands, ['--json', 'fail', 'missing'], json.io)
    expect(JSON.parse(json.err[0] ?? 'null')).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No trace m_1.' }
    })
  })
})

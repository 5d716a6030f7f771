import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'

/** A child Node process whose output is collected as it comes. */
export interface WatchedProcess {
  child: ChildProcessByStdio<null, Readable, Readable>
  /** Everything it has printed so far. */
  readonly stdout: string
  readonly stderr: string
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>
}

/** Runs `node ...args` (tests of a CLI entry, as a user would start it). */
export function spawnNode(args: readonly string[]): WatchedProcess {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    child,
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    exited
  }
}

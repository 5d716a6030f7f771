// Shared plumbing of the bundled demo agents: connection from the environment the console (or
// `controldeck run`) sets, pacing knobs, and one-line output the run panel shows as text.
import { connect, type ControlDeckAgent } from '../index'

/** Milliseconds from an environment variable, or the fallback when unset or invalid. */
export function envMs(name: string, fallback: number): number {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value >= 0 ? value : fallback
}

/**
 * Pause between jobs, so a person watching the dashboards sees them arrive one by one.
 * CONTROLDECK_DEMO_PACE_MS overrides it (tests set 0).
 */
export const PACE_MS = envMs('CONTROLDECK_DEMO_PACE_MS', 300)

/** Connects with a short backoff (demos must show retries within seconds, not minutes). */
export function connectDemo(): Promise<ControlDeckAgent> {
  return connect({
    backoff: {
      baseDelayMs: envMs('CONTROLDECK_DEMO_BACKOFF_MS', 100),
      maxDelayMs: envMs('CONTROLDECK_DEMO_BACKOFF_MAX_MS', 1000)
    }
  })
}

/** One output line. */
export function say(text: string): void {
  process.stdout.write(`${text}\n`)
}

/** Resolves after `ms`. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** An error's class and message for one output line. */
export function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}

/** Runs a demo's main and turns an unexpected failure into exit code 1 with one stderr line. */
export function main(run: () => Promise<void>): void {
  run().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${describe(err)}\n`)
      process.exit(1)
    }
  )
}

import { join } from 'node:path'
import { startEngine, type EngineOptions, type RunningEngine } from '../../../engine'
import { makeTempDir } from './temp-dir'

/** An embedded engine for a test, with its database in a folder of its own. */
export interface TempEngine {
  readonly engine: RunningEngine
  /** A fresh folder under os.tmpdir() holding the engine's `engine.db`; tests may add files. */
  readonly dir: string
  /** Stops the engine, then removes the folder. */
  close(): Promise<void>
}

/**
 * Starts the real engine, quiet, on a free port of 127.0.0.1, on a new SQLite file in a fresh
 * temp folder named after `prefix`. `options` add to or override those defaults.
 */
export async function startTempEngine(prefix: string, options: Partial<EngineOptions> = {}): Promise<TempEngine> {
  const temp = makeTempDir(prefix)
  try {
    const engine = await startEngine({ dbPath: join(temp.dir, 'engine.db'), port: 0, quiet: true, ...options })
    return {
      engine,
      dir: temp.dir,
      close: async () => {
        await engine.close()
        temp.remove()
      }
    }
  } catch (error) {
    temp.remove()
    throw error
  }
}

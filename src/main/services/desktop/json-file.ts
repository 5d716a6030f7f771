import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { z } from 'zod'
import { ensurePrivateDir } from '../private-dir'

/** Settings files are tiny; anything larger is not ours. */
const MAX_BYTES = 256 * 1024

/**
 * Reads a small JSON settings file: the parsed value, or `fallback` with a sentence saying why
 * (missing files are not worth a sentence). Never throws: a damaged file must not stop the app.
 */
export function readJsonFile<T>(
  file: string,
  schema: z.ZodType<T>,
  fallback: T
): { value: T; problem: string | null } {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    return {
      value: fallback,
      problem: missing ? null : `${file} could not be read; defaults apply`
    }
  }
  if (text.length > MAX_BYTES)
    return { value: fallback, problem: `${file} is too large; defaults apply` }
  try {
    const parsed = schema.safeParse(JSON.parse(text))
    if (parsed.success) return { value: parsed.data, problem: null }
  } catch {
    // fall through
  }
  return { value: fallback, problem: `${file} is not a valid settings file; defaults apply` }
}

/** Writes `value` as JSON through a temp file and a rename (a crash leaves the old or the new file). */
export function writeJsonFile(file: string, value: unknown): void {
  ensurePrivateDir(path.dirname(file))
  const tmp = `${file}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 })
    renameSync(tmp, file)
  } catch (error) {
    rmSync(tmp, { force: true })
    throw error
  }
}

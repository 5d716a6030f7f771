import { chmod, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { createToken } from './serve/token'

/** The file in the data folder that keeps the local engine's OTLP ingest token (mode 0600). */
export const INGEST_TOKEN_FILE = 'otlp-ingest-token'

const TOKEN_SHAPE = /^[0-9a-f]{64}$/

/**
 * The local engine's OTLP ingest token: read from `<dataDir>/otlp-ingest-token`, or minted and
 * written there once. Unlike the per-launch admin token it survives restarts, because it is pasted
 * into an agent's exporter settings (`OTEL_EXPORTER_OTLP_HEADERS`) and must keep working. A file
 * that is not a token is replaced; one readable by others is narrowed to 0600.
 */
export async function loadOrCreateIngestToken(dataDir: string): Promise<string> {
  const file = path.join(dataDir, INGEST_TOKEN_FILE)
  const current = (await readFile(file, 'utf8').catch(() => '')).trim()
  if (TOKEN_SHAPE.test(current)) {
    if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600)
    return current
  }
  const token = createToken()
  // A new file made 0600 and renamed over the old one: no moment with wider permissions.
  const temp = `${file}.${process.pid}.tmp`
  await rm(temp, { force: true })
  await writeFile(temp, `${token}\n`, { mode: 0o600, flag: 'wx' })
  await chmod(temp, 0o600)
  await rename(temp, file)
  return token
}

import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8'
}

/**
 * Maps a URL path onto a file inside `rootDir`, or null when it would leave the folder
 * (`..`, encoded `%2e%2e`, backslashes, NUL bytes) or is not valid percent-encoding.
 */
export function resolveStaticPath(rootDir: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '')
  const root = path.resolve(rootDir)
  const file = path.resolve(root, relative)
  const inside = path.relative(root, file)
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return null
  return file
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store'
  })
  res.end(text)
}

/**
 * Serves one GET/HEAD request from the built renderer. Paths without a file extension that do not
 * exist fall back to index.html so a reload on a client-side route still loads the shell.
 */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  rootDir: string,
  urlPath: string
): Promise<void> {
  let file = resolveStaticPath(rootDir, urlPath)
  if (!file) {
    sendText(res, 404, 'Not found')
    return
  }
  let info = await stat(file).catch(() => null)
  if ((!info || !info.isFile()) && path.extname(file) === '') {
    file = path.join(path.resolve(rootDir), 'index.html')
    info = await stat(file).catch(() => null)
  }
  if ((!info || !info.isFile()) && urlPath === '/favicon.ico') {
    // Browsers ask for it unprompted; an empty answer keeps a 404 out of the page's console.
    res.writeHead(204, { 'Cache-Control': 'no-cache' })
    res.end()
    return
  }
  if (!info || !info.isFile()) {
    const missingShell = path.basename(file) === 'index.html'
    sendText(
      res,
      404,
      missingShell ? 'The renderer is not built; run `npm run build:web` first.' : 'Not found'
    )
    return
  }
  const isHtml = path.extname(file) === '.html'
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': String(info.size),
    // The shell must never be cached across launches (each launch has its own token); hashed
    // assets could be cached, but revalidating them on loopback costs nothing.
    'Cache-Control': isHtml ? 'no-store' : 'no-cache'
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res)
}

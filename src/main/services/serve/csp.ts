/**
 * The renderer's Content-Security-Policy, sent as a header by the browser-mode server and by the
 * Electron session. It equals the `<meta>` in src/renderer/index.html (csp.test.ts holds them
 * together) plus what only a header can carry (frame-ancestors). Only our own files run, and the
 * page talks only to its own origin: browser mode's API is same-origin, Electron's is IPC.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

/** Headers every browser-mode response carries. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin'
}

/**
 * A policy as directive → sorted source list (directive names lower-cased, as browsers read them),
 * so two policies can be compared whatever their order. A repeated directive keeps its first
 * occurrence, as browsers do.
 */
export function parseCsp(policy: string): Record<string, string[]> {
  const directives: Record<string, string[]> = {}
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (!name) continue
    const key = name.toLowerCase()
    if (!(key in directives)) directives[key] = [...sources].sort()
  }
  return directives
}

/** Where a loopback server listens: the interface it was bound to (`--host`) and its port. */
export interface ServedAddress {
  /** The bound interface as given: `127.0.0.1`, `::1`, `localhost`, `0.0.0.0`, a LAN address or name. */
  readonly host: string
  readonly port: number
}

/** Names that only ever mean this machine, whatever DNS says. */
const LOOPBACK_NAMES = new Set(['localhost', '::1'])

/** Interfaces that mean "every address of this machine". */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]'])

/** Splits a Host header into a lower-case name (IPv6 without brackets) and a port, or null. */
export function parseHostHeader(value: string): { name: string; port: number | null } | null {
  const match = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::(\d{1,5}))?$/i.exec(value.trim())
  if (!match) return null
  const name = (match[1] ?? match[2] ?? '').toLowerCase().replace(/\.$/, '')
  const port = match[3] === undefined ? null : Number(match[3])
  if (name === '' || (port !== null && port > 65535)) return null
  return { name, port }
}

function isIpv4(name: string): boolean {
  const parts = name.split('.')
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)
}

/** True for the names and addresses that only this machine can reach (`[::1]` with or without brackets). */
export function isLoopbackName(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '')
  return LOOPBACK_NAMES.has(name) || (isIpv4(name) && name.startsWith('127.'))
}

/** An address literal: a browser sends one only when the user typed it, never after a DNS answer. */
function isIpLiteral(name: string): boolean {
  return isIpv4(name) || name.includes(':')
}

/**
 * Whether a request's Host header names the server it reached. A DNS-rebinding page reaches a
 * loopback port under its own domain name, so only these pass, and only with the served port:
 * - a loopback name (`localhost`, `127.x.x.x`, `[::1]`), which no outside page can make a browser send;
 * - the bound host itself, as given to `--host` (a LAN name or address deployment);
 * - on a wildcard bind (`0.0.0.0`, `::`), any IP address literal (the machine's addresses are not
 *   known in advance, and a literal cannot be rebound).
 * A missing or malformed header is refused.
 */
export function isAllowedHost(hostHeader: string | undefined, served: ServedAddress): boolean {
  if (typeof hostHeader !== 'string') return false
  const parsed = parseHostHeader(hostHeader)
  if (!parsed) return false
  // Without a port the browser means the scheme's default; only http is served here.
  if ((parsed.port ?? 80) !== served.port) return false
  const bound = served.host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '')
  if (isLoopbackName(parsed.name) || parsed.name === bound) return true
  return WILDCARD_HOSTS.has(bound) && isIpLiteral(parsed.name)
}

// DNS rebinding: a web page on evil.example whose name is re-pointed at 127.0.0.1 reaches a
// loopback server with the browser's full trust for that page's origin. What gives it away is the
// Host header, which names the attacker's domain. A rebinding page can only ever present a DNS
// name it controls, never an IP literal (an IP-literal origin is the server's own), so a server
// that answers to its loopback names (on any port: port forwards), its bound address and an
// explicit allow-list is safe.

/** Which `Host` headers a server answers to (see {@link hostPolicy}). */
export interface HostPolicy {
  /** The port being served: a Host naming the bound address (not a loopback name) must carry it. */
  port: number
  /** Names (lowercase, IPv6 in brackets) accepted with `port` only. */
  served: ReadonlySet<string>
  /** Explicitly allowed names: `name` with any port (behind a proxy), `name:port` with that one. */
  allowed: ReadonlySet<string>
  /** Any IP literal with `port` (bound to every interface, whose addresses may change). */
  anyIpLiteral: boolean
  /** `*` was allowed: no check at all (the operator's explicit choice). */
  any: boolean
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]']
const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '[::]', ''])
/** Hostname (RFC 1123 labels), IPv4 literal or bracketed IPv6 literal, optional port. */
const HOST_PATTERN =
  /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9](?:[a-z0-9-]{0,62}))*)\.?(?::(\d{1,5}))?$/
const IPV4_PATTERN = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

/**
 * A Host header split into lowercase name and port (80 when absent, `explicitPort` false), or
 * null when malformed.
 */
export function parseHostHeader(
  value: string
): { name: string; port: number; explicitPort: boolean } | null {
  if (value.length > 300) return null
  const m = HOST_PATTERN.exec(value.toLowerCase())
  if (!m) return null
  const port = m[2] === undefined ? 80 : Number(m[2])
  if (port < 1 || port > 65535) return null
  return { name: m[1] as string, port, explicitPort: m[2] !== undefined }
}

/**
 * True for the names and addresses that only this machine can reach: `localhost`, `127.0.0.0/8`
 * and `::1` (with or without brackets, any case, with or without a trailing dot).
 */
export function isLoopbackName(host: string): boolean {
  const name = host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
  return (
    name === 'localhost' || name === '::1' || (IPV4_PATTERN.test(name) && name.startsWith('127.'))
  )
}

function isIpLiteral(name: string): boolean {
  return IPV4_PATTERN.test(name) || (name.startsWith('[') && name.endsWith(']'))
}

/** The bind address as a Host name: lowercase, IPv6 in brackets. */
function hostName(bind: string): string {
  const h = bind.trim().toLowerCase()
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h
}

/**
 * Checks one `--allow-host` entry: `*`, or a hostname / IP literal with an optional `:port`.
 * Returns the normalised entry, or null when it is not one.
 */
export function normalizeAllowedHost(entry: string): string | null {
  if (entry.trim() === '*') return '*'
  const parsed = parseHostHeader(entry.trim())
  if (!parsed) return null
  return parsed.explicitPort ? `${parsed.name}:${parsed.port}` : parsed.name
}

/**
 * The Host policy of a server bound to `bind` on `port`: the loopback names and the bound address
 * with that port; every IP literal when bound to all interfaces; plus `allowed` entries
 * (normalised with {@link normalizeAllowedHost}; invalid ones throw a RangeError).
 */
export function hostPolicy(
  bind: string,
  port: number,
  allowed: readonly string[] = []
): HostPolicy {
  const served = new Set(LOOPBACK_NAMES)
  const wildcard = WILDCARD_BINDS.has(bind.trim())
  if (!wildcard) served.add(hostName(bind))
  const allow = new Set<string>()
  for (const entry of allowed) {
    const n = normalizeAllowedHost(entry)
    if (n === null) throw new RangeError(`not a host name: ${JSON.stringify(entry.slice(0, 80))}`)
    allow.add(n)
  }
  return { port, served, allowed: allow, anyIpLiteral: wildcard, any: allow.has('*') }
}

/**
 * True when a request whose Host header is `host` may be answered under `policy`. A missing
 * header (HTTP/1.0) is refused as well: a browser always sends one, but so does every client we
 * know, and a check that can be skipped by omitting the header checks nothing.
 */
export function isAllowedHost(host: string | undefined, policy: HostPolicy): boolean {
  if (policy.any) return true
  if (host === undefined) return false
  const h = parseHostHeader(host)
  if (!h) return false
  // A loopback name on another port is this server behind a port forward (`ssh -L 9000:…`,
  // `docker run -p 9000:…`): the browser names the forwarded port. No page elsewhere can make a
  // browser send a loopback name, whatever the port, so the port is only checked for other names.
  if (isLoopbackName(h.name)) return true
  const served = policy.served.has(h.name) || (policy.anyIpLiteral && isIpLiteral(h.name))
  if (h.port === policy.port && served) return true
  return policy.allowed.has(h.name) || policy.allowed.has(`${h.name}:${h.port}`)
}

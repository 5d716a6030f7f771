/** What stands where a secret was. */
export const REDACTED = '[redacted]'

/**
 * Known secrets at least this long are removed wherever they occur (such a string is no word);
 * shorter ones only as whole occurrences, so that a short password does not cut letters out of
 * the rest of a message.
 */
const ANYWHERE_MIN_LENGTH = 8

/** Escapes `text` for use inside a RegExp. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Names whose value is a credential (`token`, `access_token`, `private_key`, `cookie`, …). */
const SECRET_NAME =
  '((?:access_|refresh_|admin[_-]?)?token|password|passwd|secret|api[_-]?key|private[_-]?key|authorization|cookie|session[_-]?id)'

/** A JSON key whose string value is a credential, whole (`access_token`, `client_secret`). */
const SECRET_KEY = new RegExp(SECRET_NAME, 'i')

/**
 * Credentials recognisable in text without knowing them: bearer/basic credentials (8 or more
 * token characters: "Basic setup" is prose), JWTs, the value of a token/password/secret/key field
 * (`key=value`, `key: value`, `key="a b"`, `"key": "a b"` — a quoted value goes whole, up to its
 * closing quote, escapes included; an unquoted one up to white space or `&`, `,`, `;`), the
 * credential after an Authorization value's scheme, whatever the scheme, and URL
 * userinfo (never across a quote, bracket or backslash). Each is linear in the text (a backend's
 * 100 KB error answer passes through them): a JWT or a URL scheme is tried only where a run of its
 * characters starts, never at every letter of a long run.
 */
const PATTERNS: ReadonlyArray<readonly [RegExp, string | ((...groups: string[]) => string)]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  [/(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
  [
    new RegExp(
      `${SECRET_NAME}(["']?\\s*[:=]\\s*)(?:"(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*')`,
      'gi'
    ),
    (match, name, sep) => `${name}${sep}${match.at(-1)}${REDACTED}${match.at(-1)}`
  ],
  // An Authorization value's credential after any scheme (`token ghp_…`, `Negotiate …`); the
  // next pattern then takes the scheme word, as for Bearer and Basic above.
  [
    /\b((?:proxy-)?authorization\s*[:=]\s*[A-Za-z][\w.+-]*\s+)(?!\[redacted\])[^\s&,;"']+/gi,
    `$1${REDACTED}`
  ],
  [new RegExp(`${SECRET_NAME}(\\s*[:=]\\s*)(?!["'])[^\\s&,;]+`, 'gi'), `$1$2${REDACTED}`],
  [
    /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/\s:@"'<>[\]{}\\]+:[^/\s@"'<>[\]{}\\]+@/g,
    `$1${REDACTED}@`
  ]
]

/**
 * The one redaction of secrets in text the console passes on: a backend's failure answers (a
 * careless backend echoes the credential it refused: "Invalid token: …", which would reach error
 * messages, the connection state and the log) and the desktop app's diagnostics and error log.
 * For a parsed JSON answer use {@link redactValue}, which keeps it a valid value.
 *
 * `secrets` are the ones this caller knows (the request's Authorization value and credential, the
 * engine's admin token…), removed as sent and as they read inside a JSON string; then anything
 * that looks like a credential is removed too (see PATTERNS), known or not.
 */
export function redactSecrets(
  text: string,
  secrets: ReadonlyArray<string | null | undefined> = []
): string {
  let result = text
  for (const secret of knownSecrets(secrets)) {
    // The JSON spelling first: the raw one may be its prefix (`a\` inside `a\\`).
    for (const spelling of new Set([JSON.stringify(secret).slice(1, -1), secret])) {
      result =
        secret.length >= ANYWHERE_MIN_LENGTH
          ? result.split(spelling).join(REDACTED)
          : result.replace(
              new RegExp(`(?<![A-Za-z0-9])${literal(spelling)}(?![A-Za-z0-9])`, 'g'),
              REDACTED
            )
    }
  }
  for (const [pattern, replacement] of PATTERNS)
    result = result.replace(pattern, replacement as (...groups: string[]) => string)
  return result
}

/**
 * {@link redactSecrets} over a parsed JSON value (a backend's failure answer): every string and
 * key is redacted as text, and the string value of a credential-named key (`access_token`,
 * `password`, …) goes whole. The result is a JSON value of the same shape: nothing a redaction
 * writes can turn into syntax, which a redaction of the serialized text could not promise.
 * The value was depth-bounded where it was parsed.
 */
export function redactValue(
  value: unknown,
  secrets: ReadonlyArray<string | null | undefined> = []
): unknown {
  const walk = (v: unknown, key: string | null): unknown => {
    if (typeof v === 'string')
      return key !== null && SECRET_KEY.test(key) ? REDACTED : redactSecrets(v, secrets)
    if (Array.isArray(v)) return v.map((item) => walk(item, null))
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v).map(([k, item]) => [redactSecrets(k, secrets), walk(item, k)])
      )
    return v
  }
  return walk(value, null)
}

/** Known secrets, without empties and repeats, longest first ("Bearer x" goes before "x"). */
function knownSecrets(secrets: ReadonlyArray<string | null | undefined>): string[] {
  const known = [...new Set(secrets)].filter((s): s is string => !!s)
  return known.sort((a, b) => b.length - a.length)
}

/** The credential in an Authorization header value: what follows the scheme (`Bearer …`). */
export function credentialOf(authorization: string): string {
  const match = /^\s*[A-Za-z][\w.+-]*\s+(.+)$/.exec(authorization)
  return (match?.[1] ?? authorization).trim()
}

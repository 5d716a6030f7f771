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

/**
 * Credentials recognisable without knowing them: bearer/basic credentials, JWTs, the value of a
 * token/password/secret/key field (`key=value`, `key: value`, `key="value"`, JSON
 * `"key":"value"`) and URL userinfo. Each replacement keeps a JSON text valid: a value is taken
 * only inside a string (a JSON key's value only when it is a string: `"secret": 5` stays, since
 * `[redacted]` is no JSON value), and never ends on a backslash that escaped the next character.
 * Each is linear in the text (a backend's 100 KB error answer passes through them): a JWT or a URL
 * scheme is tried only where a run of its characters starts, never at every letter of a long run.
 */
const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
  [
    /((?:access_|refresh_|admin[_-]?)?token|password|passwd|secret|api[_-]?key|authorization)(\s*[:=]\s*["']?|["']\s*[:=]\s*["'])[^\s"'&,;}\\]+/gi,
    `$1$2${REDACTED}`
  ],
  [/(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/g, `$1${REDACTED}@`]
]

/**
 * The one redaction of secrets in text the console passes on: a backend's failure answers (a
 * careless backend echoes the credential it refused: "Invalid token: …", which would reach error
 * messages, the connection state and the log) and the desktop app's diagnostics and error log.
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
  // Longest first: a secret that contains another ("Bearer x" and "x") goes whole.
  const known = [...new Set(secrets)].filter((s): s is string => !!s)
  known.sort((a, b) => b.length - a.length)
  for (const secret of known) {
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
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement)
  return result
}

/** The credential in an Authorization header value: what follows the scheme (`Bearer …`). */
export function credentialOf(authorization: string): string {
  const match = /^\s*[A-Za-z][\w.+-]*\s+(.+)$/.exec(authorization)
  return (match?.[1] ?? authorization).trim()
}

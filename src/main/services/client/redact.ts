/** What stands where a backend repeated a secret the console sent it. */
export const REDACTED = '[redacted]'

/**
 * Removes every secret (as sent, and as it reads inside a JSON string) from backend-supplied text.
 * A careless backend may echo the credential it refused ("Invalid token: …"); its answer then
 * reaches error messages, the connection state and the log, so the client never passes it on.
 * Only whole occurrences count (no letter or digit right before or after), so that a short
 * secret does not cut words out of the rest of the message.
 */
export function redactSecrets(
  text: string,
  secrets: ReadonlyArray<string | null | undefined>
): string {
  let result = text
  for (const secret of secrets) {
    if (!secret) continue
    for (const spelling of new Set([secret, JSON.stringify(secret).slice(1, -1)])) {
      const escaped = spelling.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      result = result.replace(
        new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, 'g'),
        REDACTED
      )
    }
  }
  return result
}

/** The credential in an Authorization header value: what follows the scheme (`Bearer …`). */
export function credentialOf(authorization: string): string {
  const match = /^\s*[A-Za-z][\w.+-]*\s+(.+)$/.exec(authorization)
  return (match?.[1] ?? authorization).trim()
}

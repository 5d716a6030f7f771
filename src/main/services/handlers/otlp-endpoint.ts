import type { environmentsMethods } from '../../../shared/console/domains/environments'
import type { DomainHandlers, ServiceContext } from '../context'
import { fail } from '../session/failures'

type OtlpEndpointHandlers = Pick<
  DomainHandlers<typeof environmentsMethods>,
  'getOtlpEndpoint' | 'copyOtlpIngestToken'
>

/**
 * The local engine's OTLP endpoint for the Environments page. The ingest token is a secret: the
 * page sees only that it exists. Copying it happens in main where there is a clipboard of the
 * user's (Electron); in browser mode the page's clipboard is the user's and the server's is not
 * (it may be reached through a tunnel), so there, and only on that explicit call, the token is
 * returned to the page.
 */
export function buildOtlpEndpointHandlers(
  ctx: Pick<ServiceContext, 'localEngine' | 'writeClipboard'>
): OtlpEndpointHandlers {
  const ingest = ctx.localEngine?.otlpIngest ?? null
  return {
    getOtlpEndpoint: async () => ({
      available: ingest !== null,
      url: ingest?.url ?? null,
      hasToken: ingest !== null,
      header: 'Authorization: Bearer <token>'
    }),
    copyOtlpIngestToken: async () => {
      if (!ingest)
        throw fail(
          'not_found',
          'No local engine runs in this launch, so there is no ingest token to copy.'
        )
      if (ctx.writeClipboard) {
        ctx.writeClipboard(ingest.token)
        return { copied: true }
      }
      return { copied: false, token: ingest.token }
    }
  }
}

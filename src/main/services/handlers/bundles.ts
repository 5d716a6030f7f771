import { MAX_BUNDLE_BYTES, readIncidentBundleText } from '../../../shared/console/bundle/schema'
import type { bundlesMethods } from '../../../shared/console/domains/bundles'
import { collectIncidentBundle } from '../bundles/collect-bundle'
import { installBundle, prepareBundle } from '../bundles/bundle-files'
import type { DomainHandlers, HandlerModule, ServiceContext } from '../context'
import { fail, withFailures } from '../session/failures'

type BundlesHandlers = DomainHandlers<typeof bundlesMethods>

/** Handlers of the bundles domain: prepare from the active environment, save/open, import. */
export function createBundlesHandlers(ctx: ServiceContext): HandlerModule<typeof bundlesMethods> {
  const { sessions } = ctx
  const dialogs = () => {
    if (!ctx.files) {
      throw fail(
        'not_supported',
        'This console has no file dialogs (browser mode): the page saves and opens the file itself.'
      )
    }
    return ctx.files
  }
  const handlers: BundlesHandlers = {
    prepareIncidentBundle: async ({ missionId, redaction }) => {
      const collected = await collectIncidentBundle(
        await sessions.active(),
        missionId,
        ctx.appVersion
      )
      return prepareBundle(collected, redaction)
    },
    saveIncidentBundle: async ({ bundle, fileName }) => {
      // Compact, as measured against MAX_BUNDLE_BYTES: the file imports wherever it was prepared.
      const safeName = fileName.replace(/[^A-Za-z0-9._-]+/g, '-')
      return { path: await dialogs().saveText(safeName, JSON.stringify(bundle)) }
    },
    openIncidentBundleFile: async () => {
      const text = await dialogs().openText(MAX_BUNDLE_BYTES)
      if (text === null) return { bundle: null }
      const read = readIncidentBundleText(text)
      if (!read.ok) throw fail('invalid_bundle', read.message)
      return { bundle: read.bundle }
    },
    importIncidentBundle: async ({ bundle, activate }) => {
      const manager = await sessions.manager()
      const profile = await installBundle(manager, bundle)
      if (activate) await manager.switchTo(profile.id)
      else manager.emitEnvironments()
      return { environment: manager.view(manager.environments.get(profile.id)) }
    }
  }
  return { handlers: withFailures(handlers) }
}

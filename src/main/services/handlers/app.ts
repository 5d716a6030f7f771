import type { appMethods } from '../../../shared/console/domains/app'
import type { HandlerModule, ServiceContext } from '../context'

/** Handlers of the app domain: facts about this console that need no backend. */
export function createAppHandlers(ctx: ServiceContext): HandlerModule<typeof appMethods> {
  let launchDeepLink = ctx.launchDeepLink
  return {
    handlers: {
      async getAppInfo() {
        return {
          name: 'ControlDeck',
          version: ctx.appVersion,
          transport: ctx.transport,
          platform: process.platform,
          dataDir: ctx.dataDir,
          localEngineUrl: ctx.localEngine?.url ?? null
        }
      },
      async takeLaunchDeepLink() {
        const path = launchDeepLink
        launchDeepLink = undefined
        return { link: path ? { path } : null }
      },
      async getUpdateState() {
        return ctx.updates.state()
      },
      async checkForUpdates() {
        return ctx.updates.check()
      },
      async installUpdate() {
        return ctx.updates.install()
      }
    }
  }
}

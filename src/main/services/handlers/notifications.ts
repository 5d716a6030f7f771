import path from 'node:path'
import { z } from 'zod'
import type { EnvironmentView } from '../../../shared/console/domains/environments'
import type {
  notificationsMethods,
  NotificationSettings
} from '../../../shared/console/domains/notifications'
import type { HandlerModule, ServiceContext } from '../context'
import { readJsonFile, writeJsonFile } from '../desktop/json-file'
import { NotificationPolicy, type NotificationLimits } from '../desktop/notification-policy'
import { fail } from '../session/failures'

/** Most environments whose notifications may be off: the file holds no more. */
export const MAX_DISABLED_ENVIRONMENTS = 1000

/** `<dataDir>/notifications.json`: environments whose notifications are off. */
const SettingsFileSchema = z.object({
  version: z.literal(1),
  disabled: z.array(z.string().max(64)).max(MAX_DISABLED_ENVIRONMENTS)
})

/** Options for tests (limits, clock). */
export interface NotificationsOptions {
  readonly limits?: NotificationLimits
  readonly now?: () => number
}

/**
 * The notifications domain: decides (NotificationPolicy) on every pushed and live event and pushes
 * `onNotification`, which the Electron main process shows natively and browser mode as a Web
 * Notification; keeps the per-environment on/off switch in the data folder.
 */
export function createNotificationsHandlers(
  ctx: ServiceContext,
  options: NotificationsOptions = {}
): HandlerModule<typeof notificationsMethods> {
  const file = path.join(ctx.dataDir, 'notifications.json')
  const disabled = new Set(
    readJsonFile(file, SettingsFileSchema, { version: 1, disabled: [] }).value.disabled
  )
  let environments: EnvironmentView[] = []

  const policy = new NotificationPolicy(
    {
      environment: (id) => environments.find((env) => env.id === id),
      enabled: (id) => !disabled.has(id)
    },
    options.limits,
    options.now
  )
  const emitAll = (list: ReturnType<NotificationPolicy['fromLiveEvents']>) => {
    for (const notification of list) ctx.events.emit('onNotification', notification)
  }

  async function refreshEnvironments(): Promise<EnvironmentView[]> {
    try {
      environments = (await ctx.sessions.manager()).views()
    } catch {
      // Shutting down, or the data folder is unreadable: keep the last list.
    }
    return environments
  }
  void refreshEnvironments()

  async function settings(): Promise<NotificationSettings> {
    const list = await refreshEnvironments()
    return {
      environments: list.map((env) => ({
        environmentId: env.id,
        name: env.name,
        enabled: !disabled.has(env.id)
      }))
    }
  }

  const offEvents = ctx.sessions.onEvents((events, environmentId) =>
    emitAll(policy.fromLiveEvents(events, environmentId))
  )

  return {
    handlers: {
      getNotificationSettings: settings,
      async setEnvironmentNotifications({ environmentId, enabled }) {
        // Past the file's bound the next start would refuse the whole file and forget every switch.
        if (!enabled && !disabled.has(environmentId) && disabled.size >= MAX_DISABLED_ENVIRONMENTS)
          throw fail(
            'invalid_input',
            `Notifications are already off for ${MAX_DISABLED_ENVIRONMENTS} environments, the most ControlDeck keeps: turn some back on first.`
          )
        if (enabled) disabled.delete(environmentId)
        else disabled.add(environmentId)
        writeJsonFile(file, { version: 1, disabled: [...disabled].sort() })
        return settings()
      }
    },
    observe(name, payload) {
      if (name === 'onEnvironmentsChanged') {
        environments = (payload as { environments: EnvironmentView[] }).environments
      }
      emitAll(policy.fromConsoleEvent(name, payload))
    },
    dispose() {
      offEvents()
    }
  }
}

import { z } from 'zod'
import { defineEvent, defineMethod, type EventDefinition, type MethodDefinition } from '../define'
import { EnvironmentIdSchema } from './environments'

/** What an operator is told about without looking at the console. */
export const NOTIFICATION_KINDS = [
  'circuit_open',
  'budget_violation',
  'run_failed',
  'connection_lost',
  'credential_refused'
] as const
export const NotificationKindSchema = z.enum(NOTIFICATION_KINDS)
export type NotificationKind = z.infer<typeof NotificationKindSchema>

/**
 * One notification, decided once on the main side (which events notify, rate limits, per-
 * environment settings) and shown by whichever transport carries the console: a native
 * notification in Electron, a Web Notification in browser mode once the user allowed them.
 */
export const ConsoleNotificationSchema = z.object({
  kind: NotificationKindSchema,
  environmentId: EnvironmentIdSchema,
  title: z.string().max(200),
  body: z.string().max(1000),
  /** Where clicking it leads, as a deep-link path (`trace/j_…`, `reflex`, `environments`). */
  path: z.string().min(1).max(2048),
  /** Same key, same subject: a newer one may replace an older one. */
  tag: z.string().max(300)
})
export type ConsoleNotification = z.infer<typeof ConsoleNotificationSchema>

/** Whether each environment notifies (on unless turned off). */
export const NotificationSettingsSchema = z.object({
  environments: z.array(
    z.object({ environmentId: EnvironmentIdSchema, name: z.string(), enabled: z.boolean() })
  )
})
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>

/** notifications domain of ConsoleApi. */
export const notificationsMethods = {
  getNotificationSettings: defineMethod({
    description:
      'Which environments notify the operator (circuit opens, budget violations, failed runs, lost production connections).',
    output: NotificationSettingsSchema
  }),
  setEnvironmentNotifications: defineMethod({
    // A setting of this console, not a change on the backend: allowed on read-only environments,
    // whose viewers may want exactly this switch.
    description: 'Turns notifications for one environment on or off (kept in the data folder).',
    input: z.object({ environmentId: EnvironmentIdSchema, enabled: z.boolean() }),
    output: NotificationSettingsSchema
  })
} satisfies Record<string, MethodDefinition>

export const notificationsEvents = {
  onNotification: defineEvent({
    description:
      'Something needs the operator: shown as a native or Web notification, rate-limited.',
    payload: ConsoleNotificationSchema
  })
} satisfies Record<string, EventDefinition>

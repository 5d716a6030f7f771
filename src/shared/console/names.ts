import type { ConsoleEventName, ConsoleMethodName } from './api'

// The contract's names without its schemas, for code that only needs names: the preload builds
// `window.controldeck` from them, and importing the zod contract there would inline all of zod
// (about 240 KB) into a bundle that never validates anything. Type-only imports keep this module
// free of zod at run time; the checks below make a name missing here, or one the contract does not
// have, fail the compiler (and names.test.ts compares the lists with the contract at run time).

/** The name of every ConsoleApi method, in contract order. */
export const CONSOLE_METHOD_NAMES = [
  'getAppInfo',
  'takeLaunchDeepLink',
  'listEnvironments',
  'getConnectionState',
  'switchEnvironment',
  'addEnvironment',
  'updateEnvironment',
  'removeEnvironment',
  'duplicateEnvironment',
  'exportEnvironments',
  'importEnvironments',
  'setCredential',
  'clearCredential',
  'getKeychainStatus',
  'getTrace',
  'getChildren',
  'getEntityDetails',
  'listMissions',
  'listJobs',
  'listAttempts',
  'queryAudit',
  'listRecentFailures',
  'getAuditStats',
  'getTelemetrySnapshot',
  'getEntityMetrics',
  'getLifecycleStats',
  'getGovernorInfo',
  'listDecisions',
  'governorDecide',
  'transitionEntity',
  'subscribeEvents',
  'unsubscribeEvents',
  'getRecentEvents',
  'getCacheStatus',
  'setCacheRetention',
  'clearCache',
  'listCircuits',
  'resetCircuit',
  'listReflexActions',
  'suspendJob',
  'resumeJob',
  'getBudgetOverview',
  'listViolations',
  'listSignals',
  'getGovernorManifests',
  'listLocalRuns',
  'startLocalRun',
  'stopLocalRun',
  'getRunOutput',
  'getUpdateState',
  'checkForUpdates',
  'installUpdate',
  'getTraceRollups',
  'getNotificationSettings',
  'setEnvironmentNotifications',
  'suggest',
  'prepareIncidentBundle',
  'saveIncidentBundle',
  'openIncidentBundleFile',
  'importIncidentBundle',
  'getOtlpEndpoint',
  'copyOtlpIngestToken'
] as const satisfies readonly ConsoleMethodName[]

/** The name of every pushed event (`onX`), in contract order. */
export const CONSOLE_EVENT_NAMES = [
  'onDeepLink',
  'onConnectionState',
  'onEnvironmentsChanged',
  'onEvents',
  'onRunOutput',
  'onRunsChanged',
  'onUpdateState',
  'onNotification'
] as const satisfies readonly ConsoleEventName[]

type Listed<T extends readonly string[]> = T[number]
/** `true` only when every name of `All` is listed; otherwise the assignment below fails. */
type Complete<All extends string, L extends string> = [Exclude<All, L>] extends [never]
  ? true
  : { missing: Exclude<All, L> }

const methodsComplete: Complete<ConsoleMethodName, Listed<typeof CONSOLE_METHOD_NAMES>> = true
const eventsComplete: Complete<ConsoleEventName, Listed<typeof CONSOLE_EVENT_NAMES>> = true
void methodsComplete
void eventsComplete

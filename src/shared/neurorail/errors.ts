import { z } from 'zod'
import { JsonObjectSchema, NullableStringSchema } from './common'

/** Error categories of the registry. */
export const ERROR_CATEGORIES = ['mechanical', 'ethical', 'system'] as const
/** mechanical = the retriable class (timeouts, upstream, resources); ethical = reserved NR-E200–299. */
export const ErrorCategorySchema = z.enum(ERROR_CATEGORIES)
export type ErrorCategory = z.infer<typeof ErrorCategorySchema>

/** Error severities, lowest to highest. */
export const ERROR_SEVERITIES = ['info', 'warning', 'error', 'critical'] as const
export const ErrorSeveritySchema = z.enum(ERROR_SEVERITIES)
export type ErrorSeverity = z.infer<typeof ErrorSeveritySchema>

/** One entry of the error-code registry. */
export interface ErrorCodeInfo {
  readonly code: string
  /** Upper-snake name, as in the backend's enum. */
  readonly name: string
  readonly category: ErrorCategory
  readonly retriable: boolean
  readonly severity: ErrorSeverity
  /** Whether the backend alerts its "immune system" for this code (absent there → false). */
  readonly immuneAlert: boolean
  /** One sentence for people; also the default error message. */
  readonly description: string
}

function entry(
  code: string,
  name: string,
  category: ErrorCategory,
  retriable: boolean,
  severity: ErrorSeverity,
  immuneAlert: boolean,
  description: string
): ErrorCodeInfo {
  return { code, name, category, retriable, severity, immuneAlert, description }
}

/**
 * The full NeuroRail error-code registry (API §5). §5 tabulates only NR-E001–E007 and gives the
 * rest as ranges with their meaning; the names, categories, retriable flags, severities and
 * immune-alert flags of the range-only codes (E100–E143, E300–E304) are taken from the BRAiN
 * source's `backend/app/modules/neurorail/errors.py` (ERROR_METADATA), so they match what a real
 * backend sends. The descriptions are ours. NR-E200–299 (ethical) are reserved and undefined.
 */
export const ERROR_CODES = {
  // Execution (mechanical)
  'NR-E001': entry(
    'NR-E001',
    'EXEC_TIMEOUT',
    'mechanical',
    false,
    'warning',
    false,
    'Execution exceeded its timeout budget.'
  ),
  'NR-E002': entry(
    'NR-E002',
    'EXEC_OVERBUDGET',
    'mechanical',
    false,
    'warning',
    false,
    'Execution exceeded its resource budget (tokens, memory or CPU).'
  ),
  'NR-E003': entry(
    'NR-E003',
    'RETRY_EXHAUSTED',
    'mechanical',
    false,
    'error',
    false,
    'All retry attempts for a mechanical failure were used up.'
  ),
  'NR-E004': entry(
    'NR-E004',
    'UPSTREAM_UNAVAILABLE',
    'mechanical',
    true,
    'warning',
    false,
    'An upstream service (LLM, tool or API) was unavailable.'
  ),
  'NR-E005': entry(
    'NR-E005',
    'BAD_RESPONSE_FORMAT',
    'mechanical',
    true,
    'warning',
    false,
    'An upstream service returned a malformed or unexpected response.'
  ),
  'NR-E006': entry(
    'NR-E006',
    'POLICY_REFLEX_COOLDOWN',
    'mechanical',
    true,
    'info',
    false,
    'The job is blocked until its reflex cooldown ends.'
  ),
  'NR-E007': entry(
    'NR-E007',
    'ORPHAN_KILLED',
    'mechanical',
    false,
    'error',
    false,
    'The job was killed because its parent context is missing.'
  ),
  // Budget / enforcement
  'NR-E100': entry(
    'NR-E100',
    'BUDGET_TIMEOUT_EXCEEDED',
    'mechanical',
    false,
    'error',
    true,
    'Execution exceeded the hard timeout of its budget.'
  ),
  'NR-E101': entry(
    'NR-E101',
    'BUDGET_RETRY_EXHAUSTED',
    'mechanical',
    false,
    'error',
    true,
    'The retry budget is exhausted (maximum retries reached).'
  ),
  'NR-E102': entry(
    'NR-E102',
    'BUDGET_PARALLELISM_EXCEEDED',
    'mechanical',
    true,
    'warning',
    false,
    'Too many concurrent executions for the parallelism budget; retry when capacity frees up.'
  ),
  'NR-E103': entry(
    'NR-E103',
    'BUDGET_COST_EXCEEDED',
    'mechanical',
    false,
    'error',
    true,
    'The cost budget (tokens or credits) is exceeded.'
  ),
  'NR-E104': entry(
    'NR-E104',
    'BUDGET_TOKEN_EXCEEDED',
    'mechanical',
    false,
    'warning',
    false,
    'The LLM token budget is exceeded.'
  ),
  // Manifest / governance
  'NR-E110': entry(
    'NR-E110',
    'MANIFEST_NOT_FOUND',
    'system',
    false,
    'error',
    true,
    'The requested governance manifest version was not found.'
  ),
  'NR-E111': entry(
    'NR-E111',
    'MANIFEST_INVALID_SCHEMA',
    'system',
    false,
    'error',
    true,
    'The governance manifest failed schema validation.'
  ),
  'NR-E112': entry(
    'NR-E112',
    'MANIFEST_HASH_MISMATCH',
    'system',
    false,
    'critical',
    true,
    'The governance manifest failed hash-chain validation.'
  ),
  'NR-E113': entry(
    'NR-E113',
    'MANIFEST_DUPLICATE_VERSION',
    'system',
    false,
    'warning',
    false,
    'A governance manifest with this version already exists.'
  ),
  'NR-E114': entry(
    'NR-E114',
    'MANIFEST_RULE_CONFLICT',
    'system',
    false,
    'error',
    false,
    'Two manifest rules conflict (duplicate priorities).'
  ),
  // Decision / resolution
  'NR-E120': entry(
    'NR-E120',
    'DECISION_NO_RULE_MATCH',
    'mechanical',
    false,
    'warning',
    false,
    'No manifest rule matched the job context.'
  ),
  'NR-E121': entry(
    'NR-E121',
    'DECISION_BUDGET_RESOLUTION_FAILED',
    'system',
    false,
    'error',
    true,
    'The budget could not be resolved from the manifest rules.'
  ),
  'NR-E122': entry(
    'NR-E122',
    'DECISION_INVALID_CONTEXT',
    'mechanical',
    false,
    'warning',
    false,
    'The job context given for a decision is invalid.'
  ),
  'NR-E123': entry(
    'NR-E123',
    'DECISION_PERSISTENCE_FAILED',
    'system',
    true,
    'error',
    true,
    'The decision could not be saved to the database.'
  ),
  // Shadowing / activation
  'NR-E130': entry(
    'NR-E130',
    'SHADOW_EVALUATION_FAILED',
    'system',
    true,
    'warning',
    false,
    'Evaluating the shadow manifest failed.'
  ),
  'NR-E131': entry(
    'NR-E131',
    'SHADOW_REPORT_INCOMPLETE',
    'system',
    false,
    'warning',
    false,
    'The shadow report has too little evaluation data.'
  ),
  'NR-E132': entry(
    'NR-E132',
    'ACTIVATION_GATE_BLOCKED',
    'system',
    false,
    'warning',
    true,
    'Manifest activation was blocked by its gate (explosion rate too high).'
  ),
  'NR-E133': entry(
    'NR-E133',
    'ACTIVATION_ALREADY_ACTIVE',
    'system',
    false,
    'info',
    false,
    'The manifest is already active.'
  ),
  'NR-E134': entry(
    'NR-E134',
    'SHADOW_MODE_REQUIRED',
    'system',
    false,
    'warning',
    false,
    'The operation requires the manifest to be in shadow mode.'
  ),
  // Reflex
  'NR-E140': entry(
    'NR-E140',
    'REFLEX_CIRCUIT_OPEN',
    'mechanical',
    true,
    'warning',
    true,
    'The circuit breaker is open; retry after its recovery timeout.'
  ),
  'NR-E141': entry(
    'NR-E141',
    'REFLEX_TRIGGER_ACTIVATED',
    'mechanical',
    false,
    'warning',
    true,
    'A reflex trigger fired (error-rate or budget-violation threshold reached).'
  ),
  'NR-E142': entry(
    'NR-E142',
    'REFLEX_ACTION_FAILED',
    'system',
    true,
    'error',
    true,
    'A reflex action (suspend, throttle, alert, cancel) failed to execute.'
  ),
  'NR-E143': entry(
    'NR-E143',
    'REFLEX_LIFECYCLE_INVALID',
    'system',
    false,
    'error',
    false,
    'The reflex job state machine refused the requested transition.'
  ),
  // System
  'NR-E300': entry(
    'NR-E300',
    'CIRCUIT_BREAKER_OPEN',
    'system',
    true,
    'warning',
    false,
    'The circuit breaker for an upstream service is open.'
  ),
  'NR-E301': entry(
    'NR-E301',
    'INVALID_STATE_TRANSITION',
    'system',
    false,
    'error',
    false,
    'The lifecycle state machine does not allow this transition.'
  ),
  'NR-E302': entry(
    'NR-E302',
    'AUDIT_LOG_FAILURE',
    'system',
    false,
    'critical',
    false,
    'Writing to the audit log failed.'
  ),
  'NR-E303': entry(
    'NR-E303',
    'TELEMETRY_FAILURE',
    'system',
    false,
    'warning',
    false,
    'Recording telemetry failed.'
  ),
  'NR-E304': entry(
    'NR-E304',
    'MISSING_TRACE_CONTEXT',
    'system',
    false,
    'error',
    false,
    'Required trace context (mission, plan, job or attempt ID) is missing.'
  )
} as const satisfies Record<string, ErrorCodeInfo>

/** A registered code, `NR-E001` … `NR-E304`. */
export type NeuroRailErrorCode = keyof typeof ERROR_CODES

/** Every registered code, in registry order. */
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as NeuroRailErrorCode[]

/** Code format `NR-E` + three digits. */
export const ERROR_CODE_PATTERN = /^NR-E\d{3}$/

/** True when `code` is in the registry. */
export function isNeuroRailErrorCode(code: unknown): code is NeuroRailErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, code)
}

/** Registry entry of a code, or null for unknown codes (a newer backend may send some). */
export function errorCodeInfo(code: string): ErrorCodeInfo | null {
  return isNeuroRailErrorCode(code) ? ERROR_CODES[code] : null
}

/**
 * A serialized NeuroRail error: `{code, category, retriable, severity, message, details}`.
 * Over HTTP it appears inside a lifecycle 400 `detail`. Tolerant: the code is any string (unknown
 * codes pass) and `details` defaults to {}.
 */
export const NeuroRailErrorSchema = z.object({
  code: z.string(),
  category: ErrorCategorySchema,
  retriable: z.boolean(),
  severity: ErrorSeveritySchema,
  message: z.string(),
  details: JsonObjectSchema
})
export type NeuroRailError = z.infer<typeof NeuroRailErrorSchema>

/** `details` of NR-E301 (invalid lifecycle transition). */
export const InvalidTransitionDetailsSchema = z.looseObject({
  entity_type: z.string(),
  entity_id: z.string(),
  current_state: NullableStringSchema,
  target_state: z.string(),
  allowed_states: z.array(z.string()).default([])
})
export type InvalidTransitionDetails = z.infer<typeof InvalidTransitionDetailsSchema>

/**
 * Builds a serialized error from the registry: category, retriable and severity come from the
 * code's entry; the message defaults to its description.
 */
export function makeNeuroRailError(
  code: NeuroRailErrorCode,
  message?: string,
  details: Record<string, unknown> = {}
): NeuroRailError {
  const info = ERROR_CODES[code]
  return {
    code,
    category: info.category,
    retriable: info.retriable,
    severity: info.severity,
    message: message ?? info.description,
    details
  }
}

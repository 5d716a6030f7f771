import type { MethodOutput } from '../../../../shared/console/api'
import { consoleCommand, noArguments } from './console-command'
import { section } from './text'

type ReflexAnswer = MethodOutput<'listCircuits'>

/** The text form of `controldeck reflex`. */
export function formatReflex(answer: ReflexAnswer): string {
  if (!answer.available) return answer.message ?? 'This backend has no reflex endpoints.'
  const held = answer.jobs.filter((j) => j.state === 'suspended' || j.state === 'throttled')
  return [
    ...section(
      'Circuits',
      answer.circuits,
      (c) =>
        `${c.circuitId.padEnd(28)} ${c.state.padEnd(9)} failures ${c.failureCount}/${c.failureThreshold ?? '?'}  opened ${c.openCount}×  calls ${c.totalCalls}${c.lastFailureAt ? `  last failure ${c.lastFailureAt}` : ''}`
    ),
    ...section(
      'Triggers',
      answer.triggers,
      (t) =>
        `${t.triggerId.padEnd(28)} error rate ${t.errorRate.toFixed(2)}${t.errorRateThreshold === null ? '' : ` / ${t.errorRateThreshold}`}  violations ${t.budgetViolations}  fired ${t.activationCount}×`
    ),
    ...section(
      'Suspended or throttled jobs',
      held,
      (j) =>
        `${j.jobId.padEnd(16)} ${j.state.padEnd(10)} ${j.cooldownUntil ? `cooldown until ${j.cooldownUntil}` : 'until resumed'}`
    )
  ].join('\n')
}

/** `controldeck reflex [--json]`: circuit breakers, triggers and suspended jobs of the active environment. */
export const reflexCommand = consoleCommand({
  name: 'reflex',
  summary: 'list circuit breakers, reflex triggers and suspended jobs',
  usage: 'reflex [--json]',
  parse: noArguments('reflex'),
  ask: (api) => api.invoke('listCircuits', {}),
  text: formatReflex
})

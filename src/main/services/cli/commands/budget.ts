import type { MethodOutput } from '../../../../shared/console/api'
import { formatCost } from '../../../../shared/neurorail/rollup'
import { consoleCommand, noArguments } from './console-command'
import { section } from './text'

type BudgetAnswer = MethodOutput<'getBudgetOverview'> & {
  violations: MethodOutput<'listViolations'>['violations']
}

/** The text form of `controldeck budget`. */
export function formatBudget(answer: BudgetAnswer): string {
  if (!answer.available) return answer.message ?? 'This backend has no budget endpoints.'
  const byType = Object.entries(answer.violationsByType)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ')
  const job = (j: BudgetAnswer['jobs'][number]): string => {
    const tokens = j.budget?.max_llm_tokens
      ? `${j.llmTokens}/${j.budget.max_llm_tokens}`
      : String(j.llmTokens)
    return `  ${j.jobId.padEnd(16)} ${(j.jobType ?? '').padEnd(16)} tokens ${tokens.padEnd(11)} credits ${formatCost(j.costCredits).padEnd(7)} attempts ${j.attempts}  violations ${j.violations}`
  }
  return [
    `Usage of the last ${answer.jobs.length} jobs: ${answer.totals.llmTokens} tokens, ${formatCost(answer.totals.costCredits)} credits`,
    `Violations: ${answer.totals.violations}${byType ? ` (${byType})` : ''}`,
    'Jobs',
    ...answer.jobs.map(job),
    ...section(
      'Recent violations',
      answer.violations,
      (v) =>
        `${v.at ?? ''}  ${v.code.padEnd(8)} ${v.violationType.padEnd(11)} ${v.jobId ?? ''}  ${v.message}`
    )
  ].join('\n')
}

/** `controldeck budget [--json]`: budget usage and violations of the active environment. */
export const budgetCommand = consoleCommand({
  name: 'budget',
  summary: 'list budget usage of recent jobs and budget violations',
  usage: 'budget [--json]',
  parse: noArguments('budget'),
  ask: async (api): Promise<BudgetAnswer> => {
    const [overview, violations] = await Promise.all([
      api.invoke('getBudgetOverview', { limit: 20 }),
      api.invoke('listViolations', { limit: 50 })
    ])
    return { ...overview, violations: violations.violations }
  },
  text: formatBudget
})

import type { ReactNode } from 'react'
import type {
  ManifestView,
  ShadowDisagreementView
} from '../../../../shared/console/domains/governance'
import { Mono, Noted } from '../../components/Mono'
import { Card } from '../../components/Card'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { ErrorNotice, Loading } from '../../components/Notices'
import { StateBadge } from '../../components/StateBadge'
import { TraceLink } from '../../components/TraceLink'
import { formatCount, formatTime } from '../../lib/format/format'

/** One rule of a manifest as the table shows it. */
export interface RuleRow {
  rule: string
  when: string
  mode: string
  priority: string
}

function conditionText(path: string, c: unknown): string {
  if (c === null || typeof c !== 'object' || Array.isArray(c))
    return `${path} = ${JSON.stringify(c)}`
  const ops: Record<string, string> = {
    eq: '=',
    ne: '≠',
    gt: '>',
    gte: '≥',
    lt: '<',
    lte: '≤',
    in: 'in',
    not_in: 'not in'
  }
  return Object.entries(c as Record<string, unknown>)
    .map(([op, v]) =>
      op === 'exists'
        ? `${path} ${v ? 'exists' : 'is absent'}`
        : `${path} ${ops[op] ?? op} ${JSON.stringify(v)}`
    )
    .join(' and ')
}

/** A rule's match (`{job_type, context}`) as a short sentence; other shapes as JSON. */
export function matchText(when: unknown): string {
  if (typeof when === 'string') return when
  if (when === null || when === undefined) return 'always'
  if (typeof when !== 'object' || Array.isArray(when)) return JSON.stringify(when)
  const { job_type: jobType, context, ...rest } = when as Record<string, unknown>
  if (Object.keys(rest).length > 0) return JSON.stringify(when)
  const parts: string[] = []
  if (typeof jobType === 'string') parts.push(`job_type = ${JSON.stringify(jobType)}`)
  else if (Array.isArray(jobType)) parts.push(`job_type in ${JSON.stringify(jobType)}`)
  if (context && typeof context === 'object') {
    for (const [path, c] of Object.entries(context as Record<string, unknown>))
      parts.push(conditionText(`context.${path}`, c))
  }
  return parts.length ? parts.join(' and ') : 'always'
}

/** Reads rules from a manifest as the backend sent it; tolerant of shapes we do not know. */
export function rulesOf(raw: Record<string, unknown>): RuleRow[] | null {
  const rules = raw.rules
  if (!Array.isArray(rules)) return null
  return rules.map((r, i) => {
    const o = (r ?? {}) as Record<string, unknown>
    const when = o.when ?? o.condition ?? o.match ?? o.conditions
    return {
      rule: String(o.rule ?? o.rule_id ?? o.id ?? o.name ?? `rule_${i}`),
      when: matchText(when),
      mode: String(o.mode ?? o.result ?? o.action ?? ''),
      priority: typeof o.priority === 'number' ? String(o.priority) : ''
    }
  })
}

const RULE_COLUMNS: readonly Column<RuleRow>[] = [
  { id: 'rule', header: 'Rule', width: 140, cell: (r) => <Mono>{r.rule}</Mono> },
  { id: 'when', header: 'When', width: 260, grow: true, cell: (r) => <Mono>{r.when}</Mono> },
  {
    id: 'mode',
    header: 'Mode',
    width: 90,
    cell: (r) => r.mode && <StateBadge state={r.mode} label={r.mode} />
  }
]

const DISAGREEMENT_COLUMNS: readonly Column<ShadowDisagreementView>[] = [
  { id: 'at', header: 'When', width: 90, cell: (d) => formatTime(d.at) },
  {
    id: 'job',
    header: 'Job',
    width: 200,
    cell: (d) => (
      <Noted note={d.jobType && `· ${d.jobType}`}>
        <TraceLink
          id={d.jobId}
          fallback={<span className="muted">{d.source === 'decide' ? 'decision' : d.source}</span>}
        />
      </Noted>
    )
  },
  { id: 'fields', header: 'Differs in', width: 110, cell: (d) => d.fields.join(', ') || '–' },
  verdictColumn('active', (d) => [d.activeMode, d.activeRule]),
  verdictColumn('shadow', (d) => [d.shadowMode, d.shadowRule])
]

/** One manifest's verdict on a disagreement: its mode and the rule that decided it. */
function verdictColumn(
  role: 'active' | 'shadow',
  verdict: (d: ShadowDisagreementView) => [mode: string | null, rule: string | null]
): Column<ShadowDisagreementView> {
  return {
    id: role,
    header: role === 'active' ? 'Active' : 'Shadow',
    width: 150,
    cell: (d) => {
      const [mode, rule] = verdict(d)
      return (
        <span data-testid={`disagreement-${role}`}>
          {mode ? <StateBadge state={mode} label={mode} /> : '–'}
          {rule && <span className="mono muted"> {rule}</span>}
        </span>
      )
    }
  }
}

export function RulesTable({
  rules,
  testId,
  label = 'Rules'
}: {
  rules: RuleRow[]
  testId?: string
  label?: string
}) {
  return (
    <DataTable<RuleRow>
      label={label}
      testId={testId}
      rows={rules}
      rowKey={(r) => `${r.rule}|${r.when}|${r.mode}`}
      columns={RULE_COLUMNS}
      height="40vh"
      empty="This manifest has no rules; every decision takes its default mode."
    />
  )
}

/** Shadow disagreements: how many in all, and the newest with what differed and both verdicts. */
export function ShadowDisagreements({
  count,
  rows
}: {
  count: number
  rows: readonly ShadowDisagreementView[]
}) {
  return (
    <div data-testid="shadow-disagreements" data-count={count} style={{ marginTop: 12 }}>
      <h3>
        Disagreements <span data-testid="shadow-disagreement-count">{formatCount(count)}</span>
      </h3>
      {rows.length === 0 ? (
        <p className="muted">
          The shadow manifest has agreed with the active one on every decision and job so far.
        </p>
      ) : (
        <>
          {count > rows.length && (
            <p className="muted">
              The newest {formatCount(rows.length)} of {formatCount(count)}.
            </p>
          )}
          <DataTable<ShadowDisagreementView>
            label="Shadow disagreements"
            testId="shadow-disagreement-table"
            rows={rows}
            rowKey={(d) => d.id}
            columns={DISAGREEMENT_COLUMNS}
            height="40vh"
          />
        </>
      )}
    </div>
  )
}

function installedAt(m: ManifestView): string | null {
  const v = m.raw.installed_at
  return typeof v === 'string' ? v : null
}

function ManifestCard({
  manifest,
  role,
  showRules,
  children
}: {
  manifest: ManifestView
  role: 'active' | 'shadow'
  showRules: boolean
  children?: ReactNode
}) {
  const rules = rulesOf(manifest.raw)
  const builtin = manifest.raw.slot === 'builtin'
  const at = installedAt(manifest)
  return (
    <Card
      className="manifest-card"
      label={`${role === 'active' ? 'Active' : 'Shadow'} manifest`}
      testId={`manifest-${role}`}
    >
      <h3>
        <span data-testid={`manifest-${role}-name`}>{manifest.name}</span>{' '}
        <span className="mono muted" data-testid={`manifest-${role}-version`}>
          v{manifest.version}
        </span>
      </h3>
      <p className="muted manifest-meta">
        {formatCount(manifest.ruleCount)} rule{manifest.ruleCount === 1 ? '' : 's'}
        {builtin
          ? ' · built in (no manifest installed)'
          : at
            ? ` · installed ${formatTime(at)}`
            : ''}
        {manifest.description ? ` · ${manifest.description}` : ''}
      </p>
      {role === 'shadow' && (
        <p className="muted">
          Evaluated beside the active manifest on every decision; it decides nothing until promoted.
        </p>
      )}
      {showRules && rules && (
        <div data-testid={role === 'active' ? 'governor-rules' : undefined}>
          {role === 'active' && <p className="muted">First match wins.</p>}
          <RulesTable
            rules={rules}
            testId={`manifest-${role}-rules`}
            label={`Rules of the ${role} manifest`}
          />
        </div>
      )}
      {children}
    </Card>
  )
}

/** The active and the shadow manifest side by side, and earlier versions. */
export function ManifestsSection({
  manifests,
  loading,
  error,
  onRetry
}: {
  manifests:
    | {
        available: boolean
        message: string | null
        manifests: ManifestView[]
        disagreementCount: number
        disagreements: ShadowDisagreementView[]
      }
    | undefined
  loading: boolean
  error: string | null
  onRetry: () => void
}) {
  if (error)
    return (
      <ErrorNotice message={`Governor manifests could not be loaded: ${error}`} onRetry={onRetry} />
    )
  if (loading && !manifests) return <Loading what="governor manifests" />
  if (!manifests) return null
  if (!manifests.available)
    return (
      <p className="notice tone-info" role="status">
        {manifests.message ?? 'This backend does not list governor manifests.'}
      </p>
    )
  const active = manifests.manifests.find((m) => m.active)
  const shadow = manifests.manifests.find((m) => m.shadow && !m.active)
  const earlier = manifests.manifests.filter(
    (m) => !m.active && !m.shadow && m.raw.slot !== 'builtin'
  )
  return (
    <>
      <div className="grid-2" data-testid="governor-manifests">
        {active ? (
          <ManifestCard manifest={active} role="active" showRules />
        ) : (
          <EmptyState title="No active manifest">
            The governor decides with its built-in rules.
          </EmptyState>
        )}
        {shadow ? (
          <ManifestCard manifest={shadow} role="shadow" showRules>
            <ShadowDisagreements
              count={manifests.disagreementCount}
              rows={manifests.disagreements}
            />
          </ManifestCard>
        ) : (
          <Card label="Shadow manifest" testId="manifest-shadow-none">
            <p className="muted">
              None installed. A shadow manifest is evaluated beside the active one without deciding
              anything, so a new rule set can be compared before it is promoted.
            </p>
            {/* Disagreements recorded under an earlier shadow stay worth reading after it is cleared. */}
            {manifests.disagreementCount > 0 && (
              <ShadowDisagreements
                count={manifests.disagreementCount}
                rows={manifests.disagreements}
              />
            )}
          </Card>
        )}
      </div>
      {earlier.length > 0 && (
        <details className="card" style={{ marginBottom: 16 }}>
          <summary>Earlier versions ({formatCount(earlier.length)})</summary>
          <ul className="plain">
            {earlier.map((m) => (
              <li key={`${m.name}@${m.version}`}>
                {m.name} <span className="mono muted">v{m.version}</span> ·{' '}
                {formatCount(m.ruleCount)} rules
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  )
}

import { useState } from 'react'
import { BUILTIN_GOVERNOR_RULES, type Decision } from '../../../../shared/neurorail/governor'
import { Mono } from '../../components/Mono'
import { Card } from '../../components/Card'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { ErrorNotice, LoadError, StaleNotice } from '../../components/Notices'
import { Page } from '../../components/Page'
import { StateBadge } from '../../components/StateBadge'
import { TraceLink } from '../../components/TraceLink'
import { formatTime } from '../../lib/format/format'
import { navigate, traceHref } from '../../lib/nav/router'
import { DecideForm } from './DecideForm'
import { ManifestsSection, rulesOf, RulesTable, type RuleRow } from './Manifests'
import { useGovernorData } from './useGovernorData'

const DECISION_COLUMNS: Column<Decision>[] = [
  { id: 'when', header: 'When', width: 120, cell: (d) => formatTime(d.timestamp) },
  { id: 'decision', header: 'Decision', width: 150, cell: (d) => <Mono>{d.decision_id}</Mono> },
  {
    id: 'mode',
    header: 'Mode',
    width: 120,
    cell: (d) => (
      <>
        <StateBadge state={d.mode} label={d.mode} />
        {d.shadow_mode && <span className="muted">&nbsp;shadow</span>}
      </>
    )
  },
  { id: 'type', header: 'Job type', width: 120, cell: (d) => d.job_type },
  {
    id: 'rules',
    header: 'Rules',
    width: 100,
    cell: (d) => <Mono>{d.matched_rules.join(', ')}</Mono>
  },
  {
    id: 'trace',
    header: 'Trace',
    width: 130,
    cell: (d) => <TraceLink id={d.job_id ?? d.mission_id} tabIndex={-1} />
  },
  {
    id: 'reason',
    header: 'Reason',
    width: 240,
    grow: true,
    cell: (d) => <span title={d.reason}>{d.reason}</span>
  }
]

/** Governor: the active and shadow manifests, the decide form, the active rules, recent decisions. */
export function GovernorPage() {
  const [nonce, setNonce] = useState(0)
  const { info, manifests, decisions } = useGovernorData(nonce)
  const active = manifests.data?.available
    ? manifests.data.manifests.find((m) => m.active)
    : undefined
  // The active manifest's card lists its rules; without one, the built-in rules are shown here.
  const activeRules = active ? rulesOf(active.raw) : null
  const rules: RuleRow[] =
    activeRules ?? BUILTIN_GOVERNOR_RULES.map((r) => ({ ...r, priority: '' }))
  const rulesSource =
    active && rulesOf(active.raw)
      ? `manifest ${active.name} ${active.version}`
      : 'built-in rules (the backend did not send its manifest)'

  return (
    <Page
      title="Governor"
      head={
        info.data && (
          <span className="muted" data-testid="governor-info">
            {info.data.name} {info.data.version} · phase {info.data.phase} · enforcement{' '}
            {info.data.enforcement_enabled ? 'on' : 'off'}
            {info.data.active_manifest &&
              ` · ${info.data.active_manifest.name} (${info.data.active_manifest.rule_count} rules)`}
          </span>
        )
      }
    >
      <StaleNotice stale={info.data?.stale} />
      <LoadError what="Governor info" load={info} />
      <ManifestsSection
        manifests={manifests.data}
        loading={manifests.loading}
        error={manifests.error}
        onRetry={manifests.reload}
      />
      {activeRules ? (
        <div style={{ marginBottom: 16 }}>
          <DecideForm onDecided={() => setNonce((n) => n + 1)} />
        </div>
      ) : (
        <div className="grid-2">
          <DecideForm onDecided={() => setNonce((n) => n + 1)} />
          <Card label="Active rules" testId="governor-rules">
            <p className="muted">From {rulesSource}. First match wins.</p>
            <RulesTable rules={rules} label="Active rules" />
          </Card>
        </div>
      )}
      <Card label="Recent decisions">
        {decisions.error && <ErrorNotice message={decisions.error} onRetry={decisions.reload} />}
        {decisions.data?.source === 'cache' && (
          <p className="muted">
            This backend cannot list decisions; these are the ones the console has seen.
          </p>
        )}
        {decisions.data && decisions.data.items.length === 0 ? (
          <EmptyState title="No decisions yet">
            Each decision the governor makes (direct or rail, with the rule that matched) is listed
            here.
          </EmptyState>
        ) : (
          <DataTable<Decision>
            label="Recent decisions"
            testId="decisions-table"
            rows={decisions.data?.items ?? []}
            rowKey={(d) => d.decision_id}
            columns={DECISION_COLUMNS}
            onOpen={(d) => {
              const id = d.job_id ?? d.mission_id
              if (id) navigate(traceHref(id))
            }}
            height="40vh"
          />
        )}
      </Card>
    </Page>
  )
}

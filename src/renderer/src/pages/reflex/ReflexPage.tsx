import { useState, type FormEvent } from 'react'
import { isEntityId } from '../../../../shared/neurorail/ids'
import { Mono, Noted } from '../../components/Mono'
import { ActionButton } from '../../components/ActionButton'
import { Card } from '../../components/Card'
import { DataTable, type Column } from '../../components/DataTable'
import { EmptyState } from '../../components/EmptyState'
import { TextField } from '../../components/Field'
import { LoadError, UnavailableNotice } from '../../components/Notices'
import { Page } from '../../components/Page'
import { StatCard } from '../../components/StatCard'
import { StateBadge } from '../../components/StateBadge'
import { TraceLink } from '../../components/TraceLink'
import { api } from '../../lib/transport/api'
import { formatCount, formatPercent, formatTime } from '../../lib/format/format'
import { useWriteGate } from '../../lib/app/permissions'
import { useNow } from '../../lib/hooks/useNow'
import { useStore } from '../../store'
import {
  mergeActions,
  mergeCircuits,
  mergeHeld,
  mergeTriggers,
  type ActionRow,
  type HeldCard,
  type TriggerRow
} from './merge'
import { useReflexData } from './useReflexData'

function countdown(until: number | null, now: number): string {
  if (until === null) return '–'
  const s = Math.ceil((until - now) / 1000)
  return s <= 0 ? 'due now' : s < 120 ? `${s} s` : `${Math.ceil(s / 60)} min`
}

const TRIGGER_COLUMNS: readonly Column<TriggerRow>[] = [
  { id: 'trigger', header: 'Trigger', width: 210, cell: (t) => <Mono>{t.triggerId}</Mono> },
  { id: 'rate', header: 'Error rate', width: 70, cell: (t) => formatPercent(t.errorRate) },
  {
    id: 'count',
    header: 'Activations',
    width: 80,
    align: 'right',
    cell: (t) => formatCount(t.activationCount)
  },
  { id: 'last', header: 'Last', width: 70, cell: (t) => formatTime(t.lastAt) },
  {
    id: 'why',
    header: 'Why',
    width: 120,
    cell: (t) => (t.reason ? t.reason.replace(/_/g, ' ') : '–')
  }
]

const ACTION_COLUMNS: readonly Column<ActionRow>[] = [
  { id: 'at', header: 'When', width: 90, cell: (a) => formatTime(a.at) },
  { id: 'action', header: 'Action', width: 90, cell: (a) => a.actionType },
  {
    id: 'job',
    header: 'Job',
    width: 130,
    cell: (a) => <TraceLink id={a.jobId} />
  },
  {
    id: 'result',
    header: 'Result',
    width: 80,
    cell: (a) => (
      <StateBadge
        state={a.success ? 'succeeded' : 'failed'}
        label={a.success ? 'done' : 'refused'}
      />
    )
  },
  { id: 'by', header: 'By', width: 190, cell: (a) => <Mono>{a.triggerId ?? a.actor ?? '–'}</Mono> },
  {
    id: 'reason',
    header: 'Reason',
    width: 240,
    cell: (a) => <Noted note={a.error && `— ${a.error}`}>{a.reason}</Noted>
  }
]

/** Reflex monitor: circuit cards, triggers, reflex actions, held jobs with cooldowns, operator actions. */
export function ReflexPage() {
  const { circuits, actions } = useReflexData()
  const live = useStore((s) => s.reflex)
  const now = useNow(1000)
  const resetGate = useWriteGate('write:reflex')
  const jobGate = useWriteGate('execute:reflex')
  const backend = circuits.data
  const cards = mergeCircuits(backend?.available ? backend.circuits : [], live.circuits)
  const held = mergeHeld(backend?.available ? backend.jobs : [], live.held)
  const backendActions = actions.data?.available ? actions.data.actions : []
  // One row per action and per trigger: the backend's and the stream's copies share their ids.
  const actionRows = mergeActions(backendActions, live.actions)
  const triggerRows = mergeTriggers(backend?.available ? backend.triggers : [], live.triggers)
  const failedActions = actionRows.filter((a) => !a.success).length
  const unavailable = backend && !backend.available ? backend.message : null

  return (
    <Page title="Reflex">
      <UnavailableNotice
        message={unavailable}
        fallback="The cards below fill from the live reflex stream instead."
      />
      <LoadError what="Circuits" load={circuits} />

      <div className="cards">
        <StatCard
          title="Circuits"
          testId="reflex-circuits"
          value={cards.length}
          sub={`${cards.filter((c) => c.state === 'open').length} open`}
        />
        <StatCard
          title="Trigger activations"
          testId="reflex-triggers"
          value={triggerRows.reduce((a, t) => a + t.activationCount, 0)}
          sub={`${formatCount(triggerRows.length)} trigger${triggerRows.length === 1 ? '' : 's'}`}
        />
        <StatCard
          title="Reflex actions"
          testId="reflex-actions"
          value={actionRows.length}
          sub={`${formatCount(failedActions)} failed${backendActions.length >= 100 ? ' among the newest' : ''}`}
        />
        <StatCard
          title="Held jobs"
          testId="reflex-held"
          value={held.length}
          sub="suspended or throttled"
        />
      </div>

      <h2>Circuit breakers</h2>
      {cards.length === 0 ? (
        <EmptyState title="No circuit breakers yet">
          Each circuit breaker appears here with its state (closed, open, half-open), its failure
          and success counts and, when open, the time until it may try again.
        </EmptyState>
      ) : (
        <div className="cards" data-testid="circuit-cards">
          {cards.map((c) => (
            <section
              key={c.circuitId}
              className="card"
              aria-label={`Circuit ${c.circuitId}`}
              data-testid={`circuit-${c.circuitId}`}
            >
              <h3 className="mono" style={{ textTransform: 'none' }}>
                {c.circuitId}
              </h3>
              <StateBadge state={c.state} />
              <dl className="kv">
                <dt>failures</dt>
                <dd data-testid="circuit-failures">{formatCount(c.failureCount)}</dd>
                <dt>successes</dt>
                <dd>{formatCount(c.successCount)}</dd>
                {c.totalsKnown && (
                  <>
                    <dt>opened</dt>
                    <dd>{formatCount(c.openCount)}×</dd>
                  </>
                )}
                {c.state === 'open' && (
                  <>
                    <dt>half-open in</dt>
                    <dd data-testid="circuit-countdown">{countdown(c.halfOpenAt, now)}</dd>
                  </>
                )}
              </dl>
              {c.state !== 'closed' && (
                <ActionButton
                  label="Reset"
                  confirmTitle={`Reset circuit ${c.circuitId}?`}
                  confirmBody="The circuit closes at once and its failure count is cleared; calls go through again."
                  gate={resetGate}
                  run={() => api().resetCircuit({ circuitId: c.circuitId })}
                  onDone={circuits.reload}
                />
              )}
            </section>
          ))}
        </div>
      )}

      <div className="grid-2">
        <Card label="Trigger activations">
          <DataTable<TriggerRow>
            label="Trigger activations"
            testId="trigger-list"
            rows={triggerRows}
            rowKey={(t) => t.triggerId}
            columns={TRIGGER_COLUMNS}
            height="30vh"
            empty={
              <>
                No trigger has fired. When an error rate or the number of budget violations crosses
                a trigger's threshold, it is listed here.
              </>
            }
          />
        </Card>

        <Card label="Held jobs" title="Suspended and throttled jobs">
          <SuspendForm gate={jobGate} onDone={circuits.reload} />
          <DataTable<HeldCard>
            label="Suspended and throttled jobs"
            testId="held-jobs"
            rows={held}
            rowKey={(h) => h.jobId}
            height="30vh"
            rowHeight={36}
            empty={
              <>
                No job is held. Jobs a reflex suspends (60 s) or throttles (30 s) appear here with
                their cooldown.
              </>
            }
            columns={heldColumns(now, jobGate, circuits.reload)}
          />
        </Card>
      </div>

      <Card label="Reflex actions">
        <DataTable<ActionRow>
          label="Reflex actions"
          testId="reflex-action-list"
          rows={actionRows.slice(0, 100)}
          rowKey={(a) => a.key}
          columns={ACTION_COLUMNS}
          height="40vh"
          empty={
            <>
              No reflex action has run. Suspend, throttle, alert and cancel actions are listed here
              as they happen.
            </>
          }
        />
      </Card>
    </Page>
  )
}

/** Held jobs: their state, the cooldown left (against `now`) and a Resume action. */
function heldColumns(
  now: number,
  gate: ReturnType<typeof useWriteGate>,
  onDone: () => void
): Column<HeldCard>[] {
  return [
    { id: 'job', header: 'Job', width: 130, cell: (h) => <TraceLink id={h.jobId} /> },
    { id: 'state', header: 'State', width: 120, cell: (h) => <StateBadge state={h.state} /> },
    {
      id: 'cooldown',
      header: 'Cooldown',
      width: 80,
      cell: (h) => countdown(h.cooldownUntil, now)
    },
    {
      id: 'resume',
      header: '',
      width: 90,
      grow: true,
      cell: (h) => (
        <ActionButton
          label="Resume"
          confirmTitle={`Resume job ${h.jobId}?`}
          confirmBody="The job may start attempts again before its cooldown ends."
          gate={gate}
          run={() => api().resumeJob({ jobId: h.jobId })}
          onDone={onDone}
        />
      )
    }
  ]
}

function SuspendForm({
  gate,
  onDone
}: {
  gate: ReturnType<typeof useWriteGate>
  onDone: () => void
}) {
  const [jobId, setJobId] = useState('')
  const valid = isEntityId(jobId.trim(), 'job')
  return (
    <form
      className="row"
      style={{ marginBottom: 8 }}
      onSubmit={(e: FormEvent) => e.preventDefault()}
      aria-label="Suspend a job"
    >
      <TextField
        id="suspend-job"
        label="Job id to suspend"
        hideLabel
        className="mono"
        placeholder="j_… to suspend"
        value={jobId}
        onChange={setJobId}
      />
      <ActionButton
        label="Suspend"
        confirmTitle={`Suspend job ${jobId.trim()}?`}
        confirmBody="Its next attempts are refused until it is resumed or its cooldown ends."
        gate={
          valid ? gate : { allowed: false, reason: 'Enter a job id (j_ and 12 hex characters).' }
        }
        run={() =>
          api().suspendJob({
            jobId: jobId.trim(),
            reason: 'suspended by an operator in ControlDeck'
          })
        }
        onDone={() => {
          setJobId('')
          onDone()
        }}
        danger
      />
    </form>
  )
}

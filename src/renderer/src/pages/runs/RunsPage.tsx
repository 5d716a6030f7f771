import { useEffect, useState, type FormEvent } from 'react'
import { DEMO_SCRIPTS, type LocalRunView } from '../../../../shared/console/domains/runs'
import { Page } from '../../components/Page'
import { ActionButton } from '../../components/ActionButton'
import { EmptyState } from '../../components/EmptyState'
import { ErrorNotice, FormError, Loading } from '../../components/Notices'
import { StateBadge } from '../../components/StateBadge'
import { api, errorMessage } from '../../lib/transport/api'
import { formatCount, formatTime } from '../../lib/format/format'
import { traceHref } from '../../lib/nav/router'
import { useAsync } from '../../lib/hooks/useAsync'
import { useBusyAction } from '../../lib/hooks/useBusyAction'
import { useStore } from '../../store'
import { OutputPane } from './OutputPane'

const SCRIPT_CHOICE = 'script'
const ALLOW = { allowed: true, reason: null }

/** Client-side check of a script path (the main side checks again, and that the file exists). */
export function scriptPathProblem(path: string): string | null {
  const p = path.trim()
  if (!p) return 'Enter the absolute path of a .js, .mjs or .ts file.'
  if (!(p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)))
    return 'The path must be absolute (start with / or a drive letter).'
  if (!/\.(js|mjs|ts)$/.test(p)) return 'The script must end in .js, .mjs or .ts.'
  return null
}

/** The state whose tone the status badge takes: green for a clean exit, red for a failure. */
function runTone(run: LocalRunView): string {
  switch (run.status) {
    case 'starting':
      return 'pending'
    case 'running':
      return 'running'
    case 'stopping':
      return 'half_open'
    case 'failed':
      return 'failed'
    case 'exited':
      // Stopped by the operator: neutral. Otherwise its exit code decides.
      return run.exitCode === 0 ? 'completed' : run.error ? 'failed' : 'cancelled'
  }
}

function exitText(run: LocalRunView): string {
  if (run.status === 'failed') return 'did not start'
  if (run.status !== 'exited') return '–'
  if (run.signal) return `signal ${run.signal}`
  return run.exitCode === null ? '–' : `code ${run.exitCode}`
}

/** Runs: start demo agents or scripts against the embedded engine, watch their output, stop them. */
export function RunsPage() {
  const info = useAsync(() => api().listLocalRuns({}), 'local-runs')
  const setRunsInfo = useStore((s) => s.setRunsInfo)
  const runs = useStore((s) => s.localRuns)
  const engineAvailable = useStore((s) => s.runsEngineAvailable)
  const activeEnvironment = useStore((s) =>
    s.environments.find((e) => e.id === s.activeEnvironmentId)
  )
  const localEnv = useStore((s) => s.environments.find((e) => e.kind === 'embedded'))
  const [open, setOpen] = useState<Set<string>>(new Set())
  const [touched, setTouched] = useState(false)

  useEffect(() => {
    if (info.data) setRunsInfo(info.data)
  }, [info.data, setRunsInfo])

  // Until the operator toggles a pane, the newest run's output is open.
  const shown = touched ? open : new Set(runs?.[0] ? [runs[0].runId] : [])
  function toggle(runId: string, want?: boolean) {
    const next = new Set(shown)
    if (want ?? !next.has(runId)) next.add(runId)
    else next.delete(runId)
    setTouched(true)
    setOpen(next)
  }

  const notLocal = activeEnvironment !== undefined && activeEnvironment.kind !== 'embedded'
  const running = (runs ?? []).filter(
    (r) => r.status === 'starting' || r.status === 'running' || r.status === 'stopping'
  ).length

  return (
    <Page
      title="Runs"
      head={
        runs && (
          <span className="muted" data-testid="runs-summary">
            {formatCount(running)} running · {formatCount(runs.length)} in this session
          </span>
        )
      }
    >
      <p className="muted">
        Run a local agent: a bundled demo or your own script starts as a child process of this
        console, wired to the embedded engine with a token of its own. Its trace, lifecycle, reflex
        and budget activity fill the dashboards as it runs.
      </p>
      {info.error && (
        <ErrorNotice
          message={`Local runs could not be listed: ${info.error}`}
          onRetry={info.reload}
        />
      )}
      {engineAvailable === false && (
        <p className="notice tone-warn" role="status" data-testid="runs-no-engine">
          This console was started without its embedded engine, so local agents have nothing to
          report to. Start ControlDeck with the Local engine to run agents here.
        </p>
      )}
      {engineAvailable !== false && notLocal && (
        <div className="notice tone-info row" role="status" data-testid="runs-not-local">
          <span style={{ flex: 1 }}>
            Local runs need the Local engine: agents started here report to the embedded engine,
            while the dashboards show “{activeEnvironment.name}”. Switch to the Local engine to
            start runs and watch them live.
          </span>
          {localEnv && <SwitchButton id={localEnv.id} name={localEnv.name} />}
        </div>
      )}

      <StartForm
        disabled={engineAvailable === false || notLocal}
        onStarted={(runId) => toggle(runId, true)}
      />

      <h2>Runs</h2>
      {runs === null ? (
        info.error ? null : (
          <Loading what="local runs" />
        )
      ) : runs.length === 0 ? (
        <EmptyState title="No local runs yet">
          Start a demo or a script above. Each run is listed here with its status, process id, exit
          code and output, and a link to its mission's trace.
        </EmptyState>
      ) : (
        <ul className="plain run-list" data-testid="run-list">
          {runs.map((run) => (
            <RunItem
              key={run.runId}
              run={run}
              open={shown.has(run.runId)}
              onToggle={() => toggle(run.runId)}
            />
          ))}
        </ul>
      )}
    </Page>
  )
}

function SwitchButton({ id, name }: { id: string; name: string }) {
  const [error, setError] = useState<string | null>(null)
  return (
    <>
      <button
        type="button"
        onClick={() => {
          setError(null)
          api()
            .switchEnvironment({ id })
            .catch((e: unknown) => setError(errorMessage(e)))
        }}
      >
        Switch to {name}
      </button>
      {error && <span role="alert">{error}</span>}
    </>
  )
}

function StartForm({
  disabled,
  onStarted
}: {
  disabled: boolean
  onStarted: (runId: string) => void
}) {
  const demos = useStore((s) => s.demos)
  const [choice, setChoice] = useState<string>(DEMO_SCRIPTS[0])
  const [path, setPath] = useState('')
  const { busy, error, run: start } = useBusyAction()
  const problem = choice === SCRIPT_CHOICE ? scriptPathProblem(path) : null
  const list = demos.length
    ? demos
    : DEMO_SCRIPTS.map((script) => ({ script, title: script, description: '' }))

  async function submit(e: FormEvent) {
    e.preventDefault()
    if (disabled || problem) return
    await start(async () => {
      const run = await api().startLocalRun({
        script: choice === SCRIPT_CHOICE ? path.trim() : choice
      })
      onStarted(run.runId)
    })
  }

  return (
    <form
      className="card run-start"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="run-start-title"
      data-testid="run-start"
    >
      <h2 id="run-start-title">Run a local agent</h2>
      <fieldset className="run-choices">
        <legend className="visually-hidden">What to run</legend>
        {list.map((d) => (
          <label key={d.script} className="run-choice">
            <input
              type="radio"
              name="run-script"
              value={d.script}
              checked={choice === d.script}
              onChange={() => setChoice(d.script)}
              data-testid={`run-choice-${d.script}`}
            />
            <span>
              <strong>{d.title}</strong> <span className="mono muted">{d.script}</span>
              {d.description && <span className="run-choice-desc">{d.description}</span>}
            </span>
          </label>
        ))}
        <label className="run-choice">
          <input
            type="radio"
            name="run-script"
            value={SCRIPT_CHOICE}
            checked={choice === SCRIPT_CHOICE}
            onChange={() => setChoice(SCRIPT_CHOICE)}
            data-testid="run-choice-script"
          />
          <span>
            <strong>A script on this machine</strong>
            <span className="run-choice-desc">
              Node runs it (.ts through tsx); it can{' '}
              <span className="mono">import {'{ connect }'} from 'controldeck/agent'</span>.
            </span>
          </span>
        </label>
      </fieldset>
      {choice === SCRIPT_CHOICE && (
        <label className="run-path">
          <span>Absolute path</span>
          <input
            className="mono"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/home/me/agents/researcher.mjs"
            aria-invalid={path !== '' && problem !== null}
            aria-describedby="run-path-help"
            data-testid="run-path"
          />
          <span id="run-path-help" className="muted">
            {path !== '' && problem
              ? problem
              : 'A .js, .mjs or .ts file on the machine this console runs on.'}
          </span>
        </label>
      )}
      <div className="row">
        <button
          type="submit"
          className="primary"
          disabled={disabled || busy || problem !== null}
          data-testid="run-start-button"
        >
          {busy ? 'Starting…' : 'Start'}
        </button>
        {disabled && (
          <span className="muted">Starting is off until the Local engine is active.</span>
        )}
      </div>
      <FormError error={error} />
    </form>
  )
}

function RunItem({
  run,
  open,
  onToggle
}: {
  run: LocalRunView
  open: boolean
  onToggle: () => void
}) {
  const live = run.status === 'starting' || run.status === 'running'
  const paneId = `run-pane-${run.runId}`
  return (
    <li
      className="card run-item"
      data-testid={`run-${run.runId}`}
      data-status={run.status}
      aria-label={`Run ${run.label}`}
    >
      <div className="run-head">
        <strong className="mono">{run.label}</strong>
        <StateBadge
          state={runTone(run)}
          label={
            run.status === 'exited' && run.error === null && run.exitCode !== 0
              ? 'stopped'
              : run.status
          }
        />
        <dl className="run-facts">
          <dt>pid</dt>
          <dd className="mono">{run.pid ?? '–'}</dd>
          <dt>exit</dt>
          <dd data-testid="run-exit">{exitText(run)}</dd>
          <dt>started</dt>
          <dd>{formatTime(run.startedAt)}</dd>
          <dt>lines</dt>
          <dd>{formatCount(run.outputLines)}</dd>
        </dl>
        <span className="spacer" />
        {run.missionId ? (
          <a className="mono" href={traceHref(run.missionId)} data-testid="run-trace">
            trace {run.missionId}
          </a>
        ) : (
          <span className="muted">no mission yet</span>
        )}
        <button
          type="button"
          aria-expanded={open}
          aria-controls={paneId}
          onClick={onToggle}
          data-testid="run-toggle-output"
        >
          {open ? 'Hide output' : 'Show output'}
        </button>
        {(live || run.status === 'stopping') && (
          <ActionButton
            label={run.status === 'stopping' ? 'Stopping…' : 'Stop'}
            confirmTitle={`Stop ${run.label}?`}
            confirmBody={`The agent (pid ${run.pid ?? 'not yet known'}) gets SIGTERM, then SIGKILL after 3 s if it is still running. Its open attempts are failed and its mission is cancelled.`}
            gate={
              run.status === 'stopping'
                ? { allowed: false, reason: 'The run is already stopping.' }
                : ALLOW
            }
            run={() => api().stopLocalRun({ runId: run.runId })}
            danger
            testId="run-stop"
          />
        )}
      </div>
      {run.error && (
        <p className="notice tone-bad" role="status">
          {run.error}
        </p>
      )}
      {open && (
        <div id={paneId}>
          <OutputPane runId={run.runId} label={run.label} />
        </div>
      )}
    </li>
  )
}

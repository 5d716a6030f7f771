import { useCallback, useEffect, useRef, useState } from 'react'
import { formatRollup } from '../../../../shared/neurorail/rollup'
import { EmptyState } from '../../components/EmptyState'
import { ErrorNotice, Loading, StaleNotice } from '../../components/Notices'
import { formatCount } from '../../lib/format/format'
import { downloadText } from '../../lib/actions/bundleFiles'
import { recordTraceOpen } from '../../lib/app/perfProbe'
import { traceHref } from '../../lib/nav/router'
import { countNodes, treeToJson } from '../../lib/traces/traceTree'
import { CompareDialog } from './compare/CompareDialog'
import { CompareView } from './compare/CompareView'
import type { CompareSource } from './compare/compareSides'
import { ExportBundleDialog } from './compare/ExportBundleDialog'
import { DetailsPanel } from './DetailsPanel'
import { TreeWaterfall } from './TreeWaterfall'
import { useTraceTree } from './useTraceTree'

const CHAIN_LEVELS = [
  ['mission', 'mission_id'],
  ['plan', 'plan_id'],
  ['job', 'job_id'],
  ['attempt', 'attempt_id'],
  ['resource', 'resource_uuid']
] as const

/** One entity's trace: chain breadcrumb, tree + waterfall, details of the selected node, export. */
export function TraceView({ entityId }: { entityId: string }) {
  const { trace, root, expanded, loaded, toggle, setAllExpanded, loadMore, pageError, rollups } =
    useTraceTree(entityId)
  const [byCost, setByCost] = useState(false)
  const [selected, setSelected] = useState<{ for: string; id: string } | null>(null)
  const selectedId = selected?.for === entityId ? selected.id : entityId
  // TraceView is keyed by id, so its first render is when this trace was asked for.
  const [openedAt] = useState(() => performance.now())
  const recorded = useRef(false)

  const [dialog, setDialog] = useState<'compare' | 'bundle' | null>(null)
  const [compare, setCompare] = useState<CompareSource | null>(null)

  const selectNode = useCallback((id: string) => setSelected({ for: entityId, id }), [entityId])

  const onRendered = useCallback(
    (rows: number) => {
      if (!recorded.current && rows > 0) {
        recorded.current = true
        recordTraceOpen(entityId, openedAt, rows)
      }
    },
    [entityId, openedAt]
  )

  const rootRollup = root ? rollups.data?.rollups[root.entityId] : undefined

  useEffect(() => {
    const el = document.querySelector<HTMLElement>('[data-testid="trace-tree"]')
    el?.focus({ preventScroll: true })
  }, [root])

  function exportJson() {
    if (!trace.data) return
    const payload = {
      exportedAt: new Date().toISOString(),
      entityId: trace.data.entityId,
      entityType: trace.data.entityType,
      chain: trace.data.chain,
      tree: root ? treeToJson(root, loaded) : null,
      stale: trace.data.stale
    }
    downloadText(`trace-${trace.data.entityId}.json`, JSON.stringify(payload, null, 2))
  }

  if (trace.loading && !trace.data) return <Loading what={`the trace of ${entityId}`} />
  if (trace.error && !trace.data)
    return (
      <ErrorNotice
        message={`The trace of ${entityId} could not be loaded: ${trace.error}`}
        onRetry={trace.reload}
      />
    )
  if (!trace.data) return null
  const chain = trace.data.chain as Record<string, Record<string, unknown> | null>
  const missionId = (chain.mission?.mission_id as string | undefined) ?? null

  return (
    <>
      <StaleNotice stale={trace.data.stale} />
      <nav className="chain" aria-label="Trace chain" data-testid="trace-chain">
        {CHAIN_LEVELS.map(([level, key], i) => {
          const rec = chain[level]
          const id = rec ? (rec[key] as string | undefined) : undefined
          if (!id) return null
          return (
            <span key={level} className="row">
              {i > 0 && <span aria-hidden="true">→</span>}
              <span className="muted">{level}</span>
              <a
                className="mono"
                href={traceHref(id)}
                aria-current={id === entityId ? 'page' : undefined}
              >
                {id}
              </a>
            </span>
          )
        })}
      </nav>
      {pageError && <ErrorNotice message={`More children could not be loaded: ${pageError}`} />}
      {!root ? (
        <EmptyState title="No tree for this entity">
          The backend returned the chain above but cannot list children of {entityId}. On a backend
          without list endpoints only entities the console has already seen appear here.
        </EmptyState>
      ) : (
        <>
          {compare && <CompareView root={root} source={compare} onClose={() => setCompare(null)} />}
          <div className="trace-layout">
            <div>
              <div className="row" style={{ marginBottom: 8 }}>
                <span className="muted" data-testid="trace-count">
                  {formatCount(countNodes(root, loaded))} entities loaded
                </span>
                <label className="row" style={{ gap: 4 }}>
                  <input
                    type="checkbox"
                    checked={byCost}
                    onChange={(e) => setByCost(e.target.checked)}
                    data-testid="critical-by-cost"
                  />
                  Critical path by cost
                </label>
                <span className="spacer" style={{ flex: 1 }} />
                <button type="button" onClick={() => setAllExpanded(true)}>
                  Expand all
                </button>
                <button type="button" onClick={() => setAllExpanded(false)}>
                  Collapse all
                </button>
                <button type="button" onClick={exportJson} data-testid="trace-export">
                  Export JSON
                </button>
                {missionId && root.entityType === 'mission' && (
                  <button
                    type="button"
                    onClick={() => setDialog('compare')}
                    data-testid="trace-compare"
                  >
                    Compare…
                  </button>
                )}
                {missionId && (
                  <button
                    type="button"
                    onClick={() => setDialog('bundle')}
                    data-testid="trace-bundle"
                  >
                    Export incident bundle…
                  </button>
                )}
              </div>
              {rootRollup && (
                <p className="muted" style={{ margin: '0 0 8px' }} data-testid="trace-rollup">
                  In all ({root.entityType} and everything below it): {formatRollup(rootRollup)}
                  {rollups.data?.partial ? ' (part of the tree only: lower bounds)' : ''}
                </p>
              )}
              {dialog === 'compare' && missionId && (
                <CompareDialog
                  missionId={missionId}
                  onCancel={() => setDialog(null)}
                  onPick={(source) => {
                    setDialog(null)
                    setCompare(source)
                  }}
                />
              )}
              {dialog === 'bundle' && missionId && (
                <ExportBundleDialog missionId={missionId} onClose={() => setDialog(null)} />
              )}
              <TreeWaterfall
                rollups={rollups.data?.rollups ?? null}
                pathMode={byCost ? 'cost' : 'time'}
                root={root}
                expanded={expanded}
                loaded={loaded}
                selectedId={selectedId}
                onSelect={selectNode}
                onToggle={toggle}
                onLoadMore={loadMore}
                onRendered={onRendered}
              />
              <p className="muted" style={{ fontSize: 12 }}>
                Bars show each entity's states over time (from its transitions), coloured by state;
                a job's return to running after a failure is a retry; a failed bar ends at its
                failure. Outlined rows are the critical path:{' '}
                {byCost
                  ? 'where the tokens and credits went (the costliest child at each level)'
                  : 'the chain that decided when the mission ended (the last child to finish at each level)'}
                . Durations and figures of missions, plans and jobs include everything below them.
                Keys: arrows move, Right/Left expand and collapse, Enter selects; + and − zoom the
                time axis, Shift+arrows pan, 0 shows all (Ctrl+wheel zooms, Shift+wheel pans, drag
                the ruler); / searches, n and N step through matches.
              </p>
            </div>
            <DetailsPanel entityId={selectedId} />
          </div>
        </>
      )}
    </>
  )
}

/**
 * Opt-in measurement hooks for `npm run bench:ui` (enabled by `?perf=1` in the page URL). When off,
 * every function here is a no-op so production pays one boolean check per frame.
 */
export interface PerfProbe {
  /** Event-to-screen latencies in ms (paint time minus the event's own timestamp). */
  latencies: number[]
  /** Event-to-renderer latencies in ms (arrival in the page minus the event's timestamp). */
  arrivals: number[]
  /** Renderer-only latencies in ms: paint time minus each push's arrival in the page. */
  renders: number[]
  /** Wall time (ms) of each trace open, from request to the tree on screen. */
  traceOpens: Array<{ id: string; ms: number; nodes: number }>
  /** Events ingested. */
  events: number
}

declare global {
  interface Window {
    __controldeckPerf?: PerfProbe
  }
}

function enabled(): boolean {
  try {
    return new URLSearchParams(window.location.search).get('perf') === '1'
  } catch {
    return false
  }
}

const probe: PerfProbe | null =
  typeof window !== 'undefined' && enabled()
    ? { latencies: [], arrivals: [], renders: [], traceOpens: [], events: 0 }
    : null
if (probe) window.__controldeckPerf = probe

/** Whether measurements are on. */
export function perfEnabled(): boolean {
  return probe !== null
}

/**
 * Called inside the rAF flush with the batch's event timestamps (Unix seconds). A message posted
 * from a rAF callback is handled after that frame is painted, which is when the events are on screen.
 */
export function recordFlush(
  timestampsSec: readonly number[],
  arrivedAtMs: readonly number[] = []
): void {
  if (!probe || timestampsSec.length === 0) return
  const channel = new MessageChannel()
  channel.port1.onmessage = () => {
    const now = Date.now()
    for (const a of arrivedAtMs) probe.renders.push(now - a)
    // Keep the sample bounded: every event when few, a stride when the stream is heavy.
    const stride = Math.max(1, Math.floor(timestampsSec.length / 50))
    for (let i = 0; i < timestampsSec.length; i += stride)
      probe.latencies.push(now - timestampsSec[i]! * 1000)
    probe.events += timestampsSec.length
    channel.port1.close()
  }
  channel.port2.postMessage(0)
}

/** Called when a push of events reaches the page, before any buffering. */
export function recordArrival(timestampsSec: readonly number[]): void {
  if (!probe || timestampsSec.length === 0) return
  const now = Date.now()
  const stride = Math.max(1, Math.floor(timestampsSec.length / 20))
  for (let i = 0; i < timestampsSec.length; i += stride)
    probe.arrivals.push(now - timestampsSec[i]! * 1000)
}

/** Records a trace open once it has been painted. */
export function recordTraceOpen(id: string, startedAt: number, nodes: number): void {
  if (!probe) return
  requestAnimationFrame(() => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      probe.traceOpens.push({ id, ms: performance.now() - startedAt, nodes })
      channel.port1.close()
    }
    channel.port2.postMessage(0)
  })
}

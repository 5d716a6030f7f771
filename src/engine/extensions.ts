import type { LifecycleStats, TelemetryReportRequest } from '../shared/neurorail'
import type { GovernorPolicy } from './governor/service'
import type { JobCreatedHook } from './identity/service'
import type { TransitionGuard, TransitionListener } from './lifecycle/service'
import type { EngineServices } from './services'

/**
 * Every point where a module (governance, OTLP ingest…) plugs into the engine's core, by name.
 * One shape for all: `extend(point, fn)` returns the function that takes it out again.
 */
export interface ExtensionPoints {
  /** Inside the job-creating transaction; throwing a DomainError refuses the creation. */
  jobCreated: JobCreatedHook
  /** Inside a transition's transaction, before anything is written; may refuse it. */
  transitionGuard: TransitionGuard
  /** After a transition committed. */
  transitionCommitted: TransitionListener
  /** After a telemetry report committed. */
  telemetryReported: (req: TelemetryReportRequest) => void
  /** Adds fields to `GET /lifecycle/stats`. */
  lifecycleStats: (stats: LifecycleStats) => void
  /** Decides governor requests (one at a time: the last one extended wins). */
  governorPolicy: GovernorPolicy
}

/** Name of an extension point. */
export type ExtensionPoint = keyof ExtensionPoints

/** Plugs `fn` into `point`; the returned function unplugs it (idempotent). */
export type Extend = <K extends ExtensionPoint>(point: K, fn: ExtensionPoints[K]) => () => void

/**
 * The `extend` of one engine's services. Registrations the services keep for good are forwarded
 * through a switch, so unplugging never depends on each service offering a remove.
 */
export function extender(s: EngineServices): Extend {
  return <K extends ExtensionPoint>(point: K, fn: ExtensionPoints[K]): (() => void) => {
    let on = true
    const off = (): void => {
      on = false
    }
    switch (point) {
      case 'jobCreated': {
        const hook = fn as JobCreatedHook
        s.identity.addJobCreatedHook((job, missionId) => (on ? hook(job, missionId) : undefined))
        return off
      }
      case 'transitionGuard': {
        const remove = s.lifecycle.addGuard(fn as TransitionGuard)
        return () => {
          off()
          remove()
        }
      }
      case 'transitionCommitted': {
        const remove = s.lifecycle.onTransition(fn as TransitionListener)
        return () => {
          off()
          remove()
        }
      }
      case 'telemetryReported': {
        const listener = fn as ExtensionPoints['telemetryReported']
        s.telemetry.onReport((req) => (on ? listener(req) : undefined))
        return off
      }
      case 'lifecycleStats': {
        const add = fn as ExtensionPoints['lifecycleStats']
        s.lifecycle.extendStats((stats) => (on ? add(stats) : undefined))
        return off
      }
      case 'governorPolicy': {
        const policy = fn as GovernorPolicy
        s.governor.setPolicy(policy)
        return () => {
          if (!on) return
          off()
          s.governor.setPolicy(null)
        }
      }
    }
    throw new Error(`Unknown extension point ${String(point)}`)
  }
}

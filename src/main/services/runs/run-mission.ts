import { HttpClient } from '../../../agent/http'

/** Mission states with no way out. */
const TERMINAL = new Set(['completed', 'failed', 'timeout', 'cancelled'])

/**
 * Creates the mission a run's agent will adopt (through CONTROLDECK_MISSION_ID), so the console
 * and `controldeck run` know its id before the child prints anything. It is left `pending`.
 */
export async function createRunMission(
  target: { url: string; token: string },
  tags: Record<string, string>
): Promise<string> {
  const http = new HttpClient({ url: target.url, token: target.token, requestTimeoutMs: 10_000 })
  try {
    const record = await http.post<{ mission_id: string }>('/identity/mission', {
      parent_mission_id: null,
      tags
    })
    await http.post(`/lifecycle/mission/${record.mission_id}/transition`, {
      entity_id: record.mission_id,
      transition: 'create',
      metadata: { source: tags.source ?? 'controldeck' }
    })
    return record.mission_id
  } finally {
    http.close()
  }
}

/**
 * Closes a run's mission when the child left it open: an executing mission completes on exit
 * code 0 and fails otherwise; a mission that never got going is cancelled. Returns the final
 * state, or null when the engine could not be asked (the run's record says so; nothing throws).
 */
export async function finalizeRunMission(
  target: { url: string; token: string },
  missionId: string,
  exit: { code: number | null; signal: string | null; stopped: boolean }
): Promise<string | null> {
  const http = new HttpClient({ url: target.url, token: target.token, requestTimeoutMs: 10_000 })
  try {
    const state = await http
      .get<{ current_state?: unknown }>(`/lifecycle/mission/${missionId}/state`)
      .then((s) => (typeof s.current_state === 'string' ? s.current_state : null))
    if (state === null || TERMINAL.has(state)) return state
    const action = exit.stopped
      ? 'cancel'
      : state !== 'executing'
        ? 'cancel'
        : exit.code === 0
          ? 'complete'
          : 'fail'
    const event = await http.post<{ to_state?: unknown }>(
      `/lifecycle/mission/${missionId}/transition`,
      {
        entity_id: missionId,
        transition: action,
        metadata: {
          reason: exit.stopped
            ? 'run stopped'
            : `agent exited (code ${exit.code ?? 'none'}, signal ${exit.signal ?? 'none'})`
        }
      }
    )
    return typeof event.to_state === 'string' ? event.to_state : null
  } catch {
    return null
  } finally {
    http.close()
  }
}

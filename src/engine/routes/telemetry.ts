import { TelemetryReportRequestSchema } from '../../shared/neurorail'
import type { Router } from '../http/router'
import { parseOr422 } from '../http/validation'
import type { EngineServices } from '../services'

/** Telemetry routes (API §3) plus the `POST /telemetry/report` extension. */
export function registerTelemetryRoutes(router: Router, s: EngineServices): void {
  const { telemetry } = s
  router.get('/telemetry/metrics/:entity_id', { permission: 'read:metrics' }, (c) =>
    telemetry.metrics(c.params.entity_id as string)
  )
  router.get('/telemetry/snapshot', { permission: 'read:metrics' }, () => telemetry.snapshot())
  router.post('/telemetry/report', { permission: 'execute:job' }, (c) =>
    telemetry.report(parseOr422(TelemetryReportRequestSchema, c.body))
  )
}

/**
 * OpenTelemetry for governed runs, without depending on OpenTelemetry: the SDK never imports
 * `@opentelemetry/api`. The agent passes its own `api` module (and optionally a tracer) in
 * `connect({ otel })`, so its spans go through the TracerProvider its pipeline registered, with
 * the same context the rest of its code uses. The types below are the small structural part of
 * `@opentelemetry/api` 1.x the SDK calls; the real module satisfies them.
 */

/** Attribute values as OpenTelemetry takes them. */
export type OtelAttributeValue = string | number | boolean | string[] | number[] | boolean[]
/** Attributes as OpenTelemetry takes them. */
export type OtelAttributes = Record<string, OtelAttributeValue | undefined>

/** The part of an OpenTelemetry `Span` the SDK uses. */
export interface OtelSpan {
  setAttribute(key: string, value: OtelAttributeValue): unknown
  setAttributes(attributes: OtelAttributes): unknown
  addEvent(name: string, attributes?: OtelAttributes): unknown
  setStatus(status: { code: number; message?: string }): unknown
  recordException(exception: Error | string): unknown
  end(): void
}

/** The part of an OpenTelemetry `Tracer` the SDK uses. */
export interface OtelTracer {
  startSpan(
    name: string,
    options?: { kind?: number; attributes?: OtelAttributes },
    context?: unknown
  ): OtelSpan
}

/** The part of the `@opentelemetry/api` module the SDK uses (`import * as api from '@opentelemetry/api'`). */
export interface OtelApi {
  trace: {
    getTracer(name: string, version?: string): OtelTracer
    setSpan(context: unknown, span: OtelSpan): unknown
  }
  context: {
    active(): unknown
    with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
      context: unknown,
      fn: F,
      thisArg?: unknown,
      ...args: A
    ): ReturnType<F>
  }
}

/** `connect({ otel })`: emit a span per mission and per job, with the GenAI attributes. */
export interface OtelOptions {
  /** The agent's `@opentelemetry/api` module. */
  api: OtelApi
  /** A tracer of the agent's choice; default `api.trace.getTracer('controldeck-agent')`. */
  tracer?: OtelTracer
}

/** What a job says about itself in GenAI terms (`JobOptions.genAi`). */
export interface GenAiInfo {
  /** `gen_ai.operation.name`: `chat`, `execute_tool`, `embeddings`… Default `execute_tool` with `tool`, else `invoke_agent`. */
  operation?: string
  /** `gen_ai.request.model`, e.g. `gpt-4o-mini`. */
  model?: string
  /** `gen_ai.provider.name`, e.g. `openai`. */
  provider?: string
}

// SpanStatusCode and SpanKind of @opentelemetry/api, by value: the enums are not imported.
const STATUS_OK = 1
const STATUS_ERROR = 2
const KIND_INTERNAL = 0
const KIND_CLIENT = 2

/** A span the SDK holds, or nothing when OTel is not configured. */
export interface HeldSpan {
  span: OtelSpan
  context: unknown
}

/**
 * The agent's spans. Every method is a no-op without `otel`, and an exception from the agent's
 * OpenTelemetry (its provider, tracer, spans or context manager) never fails a governed run:
 * telemetry must not change the outcome. A provider that cannot give a tracer means no spans.
 */
export class AgentTracing {
  private readonly tracer: OtelTracer | null

  constructor(private readonly otel: OtelOptions | undefined) {
    this.tracer = otel
      ? (otel.tracer ?? this.safely(() => otel.api.trace.getTracer('controldeck-agent')) ?? null)
      : null
  }

  /** `invoke_agent {name}`, the root span of a mission. */
  mission(missionId: string, tags: Record<string, string>): HeldSpan | null {
    const agent = tags.agent ?? tags.agent_name
    return this.start(agent ? `invoke_agent ${agent}` : 'invoke_agent', null, KIND_INTERNAL, {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': agent,
      'gen_ai.conversation.id': tags.conversation_id,
      'controldeck.mission_id': missionId
    })
  }

  /** `{operation} {model | tool}`, a job's span, child of its mission's. */
  job(
    parent: HeldSpan | null,
    jobType: string,
    tool: string | undefined,
    info: GenAiInfo | undefined
  ): HeldSpan | null {
    const operation = info?.operation ?? (tool ? 'execute_tool' : 'invoke_agent')
    const subject = operation === 'execute_tool' ? tool : info?.model
    return this.start(
      subject ? `${operation} ${subject}` : operation,
      parent,
      operation === 'execute_tool' ? KIND_INTERNAL : KIND_CLIENT,
      {
        'gen_ai.operation.name': operation,
        'gen_ai.request.model': info?.model,
        'gen_ai.provider.name': info?.provider,
        'gen_ai.tool.name': tool,
        'controldeck.job_type': jobType
      }
    )
  }

  /**
   * Runs `fn` with `held` as the active span, so the agent's own spans nest under the job. `fn`
   * runs exactly once and its outcome is returned or thrown as is; a context manager that fails
   * around it only costs the nesting.
   */
  run<T>(held: HeldSpan | null, fn: () => T): T {
    if (!held || !this.otel) return fn()
    const ran: { outcome?: { value: T } | { error: unknown } } = {}
    try {
      this.otel.api.context.with(held.context, () => {
        try {
          ran.outcome = { value: fn() }
        } catch (error) {
          ran.outcome = { error }
        }
      })
    } catch {
      // The agent's context manager failed, before or after `fn`: telemetry only.
    }
    if (!ran.outcome) return fn()
    if ('error' in ran.outcome) throw ran.outcome.error
    return ran.outcome.value
  }

  /** Adds attributes (ids, usage) to a held span. */
  annotate(held: HeldSpan | null, attributes: OtelAttributes): void {
    this.safely(() => held?.span.setAttributes(attributes))
  }

  /** Adds an event (an attempt's start and end, a refusal). */
  event(held: HeldSpan | null, name: string, attributes: OtelAttributes): void {
    this.safely(() => held?.span.addEvent(name, attributes))
  }

  /** Ends a span: OK, or ERROR with `error.type` and the message (GenAI conventions). */
  end(held: HeldSpan | null, error?: unknown): void {
    if (!held) return
    this.safely(() => {
      if (error === undefined) held.span.setStatus({ code: STATUS_OK })
      else {
        const e = error instanceof Error ? error : new Error(String(error))
        held.span.setAttribute(
          'error.type',
          (e as { code?: unknown }).code !== undefined
            ? String((e as { code?: unknown }).code)
            : e.name
        )
        held.span.recordException(e)
        held.span.setStatus({ code: STATUS_ERROR, message: e.message.slice(0, 500) })
      }
      held.span.end()
    })
  }

  private start(
    name: string,
    parent: HeldSpan | null,
    kind: number,
    attributes: OtelAttributes
  ): HeldSpan | null {
    const { tracer, otel } = this
    if (!tracer || !otel) return null
    return (
      this.safely(() => {
        const parentContext = parent?.context ?? otel.api.context.active()
        const clean = Object.fromEntries(
          Object.entries(attributes).filter(([, v]) => v !== undefined)
        ) as OtelAttributes
        const span = tracer.startSpan(name, { kind, attributes: clean }, parentContext)
        return { span, context: otel.api.trace.setSpan(parentContext, span) }
      }) ?? null
    )
  }

  private safely<T>(fn: () => T): T | undefined {
    try {
      return fn()
    } catch {
      return undefined
    }
  }
}

/**
 * OpenTelemetry tracing, as this code base sees it: a small interface the HTTP layer, the database and the
 * delivery engine call where a span begins, and `startTracing`, which loads the SDK only when the OTEL_*
 * settings ask for tracing. Off (the default), nothing of OpenTelemetry is imported and callers hold
 * `undefined`: the cost is one `if` where a span would begin. The spans themselves are made in
 * otel-tracing.ts and the files it names, one kind of span per file.
 */
import type { FastifyInstance } from 'fastify'
import type { Dialect } from 'kysely'
import type { TracingSettings } from '../config.js'
import type { Engine } from '../db/database.js'
import type { DispatchSummary } from '../delivery/dispatch-events.js'
import type { SentAttempt } from '../delivery/sender.js'

/** What a delivery attempt's span says about where it went. */
export interface AttemptTarget {
  url: string
  tenant: string
  configCode: string
  targetId: string
  /** The attempt's number over the delivery's whole life (1: the first). */
  attempt: number
  eventId: string
  eventType: string
  /** The `traceparent` of the request whose transaction wrote the event, when it was traced. */
  eventTraceparent?: string
}

export interface DeliveryTracing {
  /** A dispatch batch that took events, from `startedAt` (ms since the epoch) until now. */
  dispatched(startedAt: number, summary: DispatchSummary): void
  /**
   * One attempt as an HTTP client span: `traceparent` is added to `headers` before `send` runs, and the
   * span ends with the attempt's outcome.
   */
  attempt(target: AttemptTarget, headers: Record<string, string>, send: () => Promise<SentAttempt>): Promise<SentAttempt>
}

export interface Tracing {
  /** A server span per request of `app`, named by method and route pattern; handlers run in its context. */
  traceRequests(app: FastifyInstance): void
  /** `dialect` with a span for each statement made inside a traced operation (a request, say). */
  traceStatements(dialect: Dialect, engine: Engine): Dialect
  readonly delivery: DeliveryTracing
  /** Exports the spans still buffered, then stops. */
  shutdown(): Promise<void>
}

/** The process's tracing when the settings ask for it; undefined otherwise, without loading the SDK. */
export async function startTracing(settings: TracingSettings): Promise<Tracing | undefined> {
  if (!settings.enabled) return undefined
  const { startOtelTracing } = await import('./otel-tracing.js')
  return startOtelTracing(settings)
}

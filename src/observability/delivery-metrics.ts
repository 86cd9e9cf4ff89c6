/**
 * What the delivery worker does, counted where it happens: each attempt by its outcome, each delivery
 * that reached a final state by state and config code, the time from an event's commit to its receiver's
 * successful answer, and the sends under way. The worker tells these as plain facts (an attempt was made,
 * an outcome was written); the words of the labels are decided here. Counters only move when the worker
 * of this process works: a `segments worker` process serves its own (METRICS_PORT).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import { boundedLabels, CONFIG_LABEL_LIMIT } from './bounded-labels.js'

/** An attempt as the worker saw it. */
export interface AttemptFacts {
  status?: number
  /** The SSRF guard refused the address: no request was made. */
  blocked?: boolean
  /** The receiver did not answer within the attempt's deadline. */
  timedOut?: boolean
}

/** A delivery whose final outcome was written (a claimed delivery is one). */
export interface FinishedDelivery {
  configCode: string
  /** The attempt that ended it, counted over the delivery's whole life (1: the first). */
  attempt: number
  /** When the event's transaction wrote it. */
  event: { publishedAt: Date }
}

const OUTCOMES = ['success', 'redirect', 'client_error', 'server_error', 'timeout', 'connection_error', 'blocked', 'target_gone'] as const
export type AttemptOutcome = (typeof OUTCOMES)[number]

export interface DeliveryMetrics {
  /** An attempt ended (`targetGone`: no request was made, the target left the configuration). */
  attempted(facts: AttemptFacts, targetGone: boolean): void
  /** A delivery's final outcome was written; `answeredAt` is when its last attempt ended (ms since the epoch). */
  finished(delivery: FinishedDelivery, state: 'delivered' | 'failed', answeredAt: number): void
  /** Adds a worker's count of sends under way to the in-flight gauge; returns the function that removes it. */
  countInFlight(read: () => number): () => void
}

export function attemptOutcome(facts: AttemptFacts, targetGone: boolean): AttemptOutcome {
  if (targetGone) return 'target_gone'
  if (facts.blocked) return 'blocked'
  if (facts.timedOut) return 'timeout'
  const { status } = facts
  if (status === undefined) return 'connection_error'
  if (status >= 200 && status < 300) return 'success'
  if (status >= 300 && status < 400) return 'redirect'
  if (status >= 400 && status < 500) return 'client_error'
  return 'server_error'
}

/** From milliseconds (a receiver on the same host) to the last retry of the schedule, days later. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1_800, 7_200, 36_000, 86_400, 259_200]

export function deliveryMetrics(registry: Registry): DeliveryMetrics {
  const registers = [registry]
  const attempts = new Counter({
    name: 'segments_delivery_attempts_total',
    help: 'Delivery attempts made by this process, by outcome',
    labelNames: ['outcome'] as const,
    registers,
  })
  const deliveries = new Counter({
    name: 'segments_deliveries_total',
    help: `Deliveries that reached a final state in this process, by state and webhook config code (the first ${CONFIG_LABEL_LIMIT} codes seen; the rest as _other)`,
    labelNames: ['state', 'config'] as const,
    registers,
  })
  const latency = new Histogram({
    name: 'segments_delivery_latency_seconds',
    help: "Time from an event's commit to its receiver's successful answer, by whether the first attempt succeeded",
    labelNames: ['attempt'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  })
  const readers = new Set<() => number>()
  new Gauge({
    name: 'segments_delivery_sends_in_flight',
    help: 'Webhook requests this process has under way',
    registers,
    collect() {
      let total = 0
      for (const read of readers) total += read()
      this.set(total)
    },
  })
  // Every outcome has a series from the start, so rate() and alerts see zeros rather than nothing.
  for (const outcome of OUTCOMES) attempts.inc({ outcome }, 0)
  const configs = boundedLabels(CONFIG_LABEL_LIMIT)
  const byOutcome = new Map<AttemptOutcome, ReturnType<typeof attempts.labels>>()

  return {
    attempted(facts, targetGone) {
      const outcome = attemptOutcome(facts, targetGone)
      let counter = byOutcome.get(outcome)
      if (!counter) {
        counter = attempts.labels(outcome)
        byOutcome.set(outcome, counter)
      }
      counter.inc()
    },
    finished(delivery, state, answeredAt) {
      deliveries.inc({ state, config: configs.of(delivery.configCode) })
      if (state === 'delivered') {
        const seconds = Math.max(0, answeredAt - delivery.event.publishedAt.getTime()) / 1_000
        latency.observe({ attempt: delivery.attempt === 1 ? 'first' : 'retry' }, seconds)
      }
    },
    countInFlight(read) {
      readers.add(read)
      return () => readers.delete(read)
    },
  }
}

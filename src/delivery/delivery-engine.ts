/**
 * The delivery engine of one process: a dispatcher and a worker over one database, woken by NOTIFY
 * (outbox events for the dispatcher, due deliveries for the worker) with a short poll as the fallback.
 * `segments serve` runs it beside the API; `segments worker` runs it alone. Any number of engines can
 * share a PostgreSQL database.
 */
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import type { DeliveryConfig } from '../config.js'
import type { Database } from '../db/database.js'
import { OUTBOX_CHANNEL } from '../events/outbox.js'
import type { DeliveryMetrics } from '../observability/delivery-metrics.js'
import type { DeliveryTracing } from '../observability/tracing.js'
import { DELIVERY_CHANNEL, readDueNotice } from './delivery-channel.js'
import { startDispatcher } from './dispatcher.js'
import { startPruner } from './retention/pruner.js'
import { DEFAULT_RETRY_DELAYS_MS } from './retry-policy.js'
import { ATTEMPT_TIMEOUT_MS, createSender } from './sender.js'
import { type DeliveryLog, startWorker } from './worker.js'

export type { DeliveryLog } from './worker.js'

export interface DeliveryEngineOptions {
  database: Database
  delivery: DeliveryConfig
  /** Successful deliveries a tenant may have per UTC month; absent means no limit. */
  monthlyLimit?: number
  log: DeliveryLog
  /** Delays after failed attempts (tests shorten them); their count + 1 is the number of attempts. */
  retryDelaysMs?: readonly number[]
  /** How long a claim holds a delivery; must outlast an attempt. */
  leaseMs?: number
  attemptTimeoutMs?: number
  /** The fallback poll, for notifications lost while a connection was down. */
  pollMs?: number
  /** Events per dispatch transaction. */
  batchSize?: number
  /** How often retention runs (when `delivery.retentionMs` is set). */
  retentionIntervalMs?: number
  /** The time each range of the attempt log covers (a day; tests shorten it). */
  attemptPartitionMs?: number
  /** Where attempts, outcomes and sends under way are counted. */
  metrics?: DeliveryMetrics
  /** Spans of dispatch batches and attempts, and `traceparent` sent to receivers (tracing on). */
  tracing?: DeliveryTracing
}

export interface DeliveryEngine {
  readonly workerId: string
  /**
   * Stops dispatching and claiming, lets sends under way finish for up to `graceMs`, abandons the rest
   * to their leases, and writes the outcomes it has. The database stays open.
   */
  stop(graceMs?: number): Promise<void>
}

const DEFAULT_LEASE_MS = 60_000
const DEFAULT_POLL_MS = 1_000
const DEFAULT_BATCH_SIZE = 500
const DEFAULT_GRACE_MS = 5_000
const SUMMARY_EVERY_MS = 60_000

export async function startDeliveryEngine(options: DeliveryEngineOptions): Promise<DeliveryEngine> {
  const { database, delivery, log } = options
  const attemptTimeoutMs = options.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS
  if (leaseMs <= attemptTimeoutMs) throw new RangeError(`the lease (${leaseMs} ms) must outlast an attempt (${attemptTimeoutMs} ms)`)
  const workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`

  const worker = startWorker({
    db: database.db,
    availability: database.availability,
    sender: createSender({ allowPrivate: delivery.allowPrivate, timeoutMs: attemptTimeoutMs }),
    log,
    workerId,
    concurrency: delivery.concurrency,
    targetConcurrency: delivery.targetConcurrency,
    leaseMs,
    retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    pollMs,
    secretGraceMs: delivery.secretGraceMs,
    metrics: options.metrics,
    tracing: options.tracing,
  })
  const uncount = options.metrics?.countInFlight(() => worker.inFlight())
  const dispatcher = startDispatcher({
    db: database.db,
    availability: database.availability,
    log,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    monthlyLimit: options.monthlyLimit,
    source: workerId,
    // New deliveries go straight to this worker as far as it has room; the rest it claims, woken here
    // after the commit (the NOTIFY, which names this engine, is for the others).
    handover: worker.handover,
    onDispatched: (summary) => {
      if (summary.waiting > 0) worker.wakeFirstLane()
    },
    tracing: options.tracing,
  })

  const pruner =
    delivery.retentionMs > 0
      ? startPruner({
          db: database.db,
          log,
          retentionMs: delivery.retentionMs,
          intervalMs: options.retentionIntervalMs,
          partitionMs: options.attemptPartitionMs,
        })
      : undefined

  const onDue = (payload: string) => {
    const notice = readDueNotice(payload)
    if (notice.source === workerId) return
    if (notice.firstOnly) worker.wakeFirstLane()
    else worker.wake()
  }
  const unlisten = await Promise.all([database.listen(OUTBOX_CHANNEL, dispatcher.wake), database.listen(DELIVERY_CHANNEL, onDue)])
  const wake = () => {
    dispatcher.wake()
    worker.wake()
  }
  // Not unref'd: a `segments worker` process lives for its engine, also while its connections are down.
  const poll = setInterval(wake, pollMs)

  const summarize = (final: boolean) => {
    const dispatched = dispatcher.takeCounts()
    const worked = worker.takeCounts()
    if (!final && dispatched.events === 0 && worked.claimed === 0) return
    log.info(
      {
        workerId,
        events: dispatched.events,
        created: dispatched.pending,
        refused: dispatched.refused,
        deferred: dispatched.deferred,
        ...worked,
        inFlight: worker.inFlight(),
      },
      final ? 'delivery engine stopped' : 'delivery summary',
    )
  }
  const summary = setInterval(() => summarize(false), SUMMARY_EVERY_MS)
  summary.unref()

  log.debug(
    { workerId, concurrency: delivery.concurrency, targetConcurrency: delivery.targetConcurrency, allowPrivate: delivery.allowPrivate },
    'delivery engine started',
  )
  wake()

  let stopped: Promise<void> | undefined
  return {
    workerId,
    stop(graceMs = DEFAULT_GRACE_MS) {
      stopped ??= (async () => {
        clearInterval(poll)
        clearInterval(summary)
        await pruner?.stop()
        await Promise.all(unlisten.map((stop) => stop().catch(() => {})))
        await dispatcher.stop()
        await worker.stop(graceMs)
        uncount?.()
        summarize(true)
      })()
      return stopped
    },
  }
}

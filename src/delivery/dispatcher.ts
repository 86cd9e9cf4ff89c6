/**
 * The dispatcher loop: when woken (an event committed, or the poll), dispatches batches of events until
 * none is left. Wake-ups during a run are coalesced into one more run. A failed batch is retried after a
 * pause: until the database is back when it was unreachable, else after a capped backoff.
 * A trickle of events is dispatched optimistically (two statements a batch, or one when the notifications
 * carried the events); after a batch that found a
 * backlog, lost events to another dispatcher or failed, batches lock what they take until one finds the
 * backlog gone, so that dispatchers sharing a backlog each take a different part of it.
 */
import type { Kysely } from 'kysely'
import type { DatabaseAvailability } from '../db/availability.js'
import type { DB } from '../db/schema.js'
import type { DeliveryTracing } from '../observability/tracing.js'
import { routingCache } from '../webhooks/routing-cache.js'
import { type DispatchOptions, type DispatchSummary, dispatchEvents, notifiedEvents, type UndispatchedEvent } from './dispatch-events.js'
import { failurePause } from './failure-pause.js'
import type { DeliveryLog } from './worker.js'

export interface DispatcherOptions extends DispatchOptions {
  db: Kysely<DB>
  availability: DatabaseAvailability
  log: DeliveryLog
  /** Told after each batch that created due deliveries (a worker in the same process can start at once). */
  onDispatched?: (summary: DispatchSummary) => void
  /** Told of each batch that took events (a span), when tracing is on. */
  tracing?: DeliveryTracing
}

export interface Dispatcher {
  /**
   * Something may wait: a batch runs now, or after the one under way. With an outbox notification's
   * payload that carries its events, those need not be read: while every wake-up since the last batch
   * carried its events, the next batch is those events, one statement. (A new dispatcher is woken
   * without a payload first, to read what waits already; the poll's wake-ups read too.)
   */
  wake(payload?: string): void
  /** Events dispatched and deliveries created since the last call. */
  takeCounts(): DispatchCounts
  /** Lets a batch under way finish; dispatches nothing after. */
  stop(): Promise<void>
}

export type DispatchCounts = Omit<DispatchSummary, 'more' | 'waiting' | 'lost'>

const noCounts = (): DispatchCounts => ({ events: 0, pending: 0, refused: 0, deferred: 0 })

export function startDispatcher({ db, availability, log, onDispatched, tracing, ...batchOptions }: DispatcherOptions): Dispatcher {
  const options = { ...batchOptions, routing: batchOptions.routing ?? routingCache() }
  let running: Promise<void> | undefined
  let again = false
  let stopping = false
  let counts = noCounts()
  let backlog = false
  // The events of the notifications since the last batch began, and whether a wake-up did not name its events.
  let notified: UndispatchedEvent[] = []
  let unnamed = false
  const pause = failurePause(availability, log)

  async function run(): Promise<void> {
    do {
      again = false
      const named = !unnamed && !backlog && notified.length > 0 && notified.length <= options.batchSize ? notified : undefined
      notified = []
      unnamed = false
      let summary: DispatchSummary
      const startedAt = Date.now()
      try {
        summary = await dispatchEvents(db, { ...options, optimistic: !backlog, events: named })
        pause.succeeded()
      } catch (error) {
        backlog = true
        await pause.after(error, 'dispatching events')
        again = true
        continue
      }
      // Named events another dispatcher took were its to take: they say nothing of a backlog.
      backlog = summary.more || (named === undefined && summary.lost > 0)
      counts = {
        events: counts.events + summary.events,
        pending: counts.pending + summary.pending,
        refused: counts.refused + summary.refused,
        deferred: counts.deferred + summary.deferred,
      }
      if (summary.pending > 0) onDispatched?.(summary)
      // Empty batches (the poll's, every second) are not worth a span each.
      if (summary.events + summary.deferred > 0) tracing?.dispatched(startedAt, summary)
      // Events committed since this batch was taken woke this loop again (`again`) by their notification.
      if (summary.more) again = true
    } while (again && !stopping)
  }

  function wake(payload = ''): void {
    if (stopping) return
    const events = notifiedEvents(payload)
    if (events) notified.push(...events)
    else unnamed = true
    if (running) {
      again = true
      return
    }
    running = run()
      .catch((error) => log.error({ err: error }, 'dispatching events failed'))
      .finally(() => {
        running = undefined
        if (again) wake()
      })
  }

  return {
    wake,
    takeCounts() {
      const taken = counts
      counts = noCounts()
      return taken
    },
    async stop() {
      stopping = true
      pause.cancel()
      await running
    },
  }
}

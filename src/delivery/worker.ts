/**
 * The delivery worker: claims due deliveries, sends each one outside any transaction, and records the
 * outcomes in batches.
 *
 * - Sends are bounded in total (`concurrency`) and per target (`targetConcurrency`). Claimed rows wait
 *   in a short queue per target (at most twice as many as the target may send at once), so a target's
 *   next send starts as soon as one ends, without a round trip to the database. A claim skips targets
 *   whose queue is full: a slow receiver holds only its own rows while the others keep flowing.
 * - Each round claims the first-attempt lane before the retry lane, so retries never hold up new events;
 *   they keep a quarter of the room for themselves, in all and at each target, and go to the front of
 *   their target's queue: a due retry is sent on time even behind a backlog of first attempts. The retry
 *   lane is looked at when something may be due there: on a wake-up, when a retry this worker scheduled
 *   comes due, and at most every 250 ms.
 * - A claim holds a row for a lease longer than any attempt takes; a worker that dies simply lets its
 *   leases run out. On stop, queued rows are handed back at once and sends still under way after the
 *   grace period are abandoned to their leases.
 * - Outcomes of sends that end within a few milliseconds of each other are written together (an outcome
 *   waits up to 10 ms for others): one statement for the attempt log and
 *   the deliveries, one for the targets' failure clocks (which also brings forward the waiting retries
 *   of a target that recovered).
 * - Targets are resolved from a routing cache (configs, subscriptions) checked against the tenant's
 *   routing version that each claim reads: a configuration change applies to every later claim.
 * - A failed database call pauses the loop that made it: until the database is back when it could not
 *   be reached, else for a capped backoff. Outcomes wait in memory meanwhile and are written after.
 * - A worker sends no more than it can record: while as many outcomes wait to be written as it may hold
 *   rows, it claims nothing and takes nothing from the dispatcher. A send whose outcome is not written
 *   before its lease ends is sent again by the next claim, so outcomes written late (a slow or failing
 *   write) must not pile up behind ever more sends.
 * - The metrics hear of each attempt as it is judged and of each final outcome once it is written.
 */
import type { Kysely } from 'kysely'
import type { BaseLogger } from 'pino'
import type { DatabaseAvailability } from '../db/availability.js'
import type { DB } from '../db/schema.js'
import type { DeliveryMetrics } from '../observability/delivery-metrics.js'
import type { AttemptTarget, DeliveryTracing } from '../observability/tracing.js'
import { type ResolvedTarget, resolveTarget } from '../webhooks/routing.js'
import { routingCache } from '../webhooks/routing-cache.js'
import type { HeaderMap } from '../webhooks/stored-config.js'
import { secretsInGrace } from '../webhooks/secret-rotation.js'
import { type ClaimedDelivery, claimDeliveries, type Lane, releaseDeliveries, releaseOrphans } from './claim-deliveries.js'
import { notifyWorkers } from './delivery-channel.js'
import type { Handover, Reservation } from './dispatch-events.js'
import { failurePause } from './failure-pause.js'
import { type AttemptOutcome, recordAttempts } from './record-attempts.js'
import { judgeAttempt, type Verdict } from './retry-policy.js'
import type { SentAttempt, Sender } from './sender.js'
import { canonicalJson, deliveryHeaders, withoutFields } from './sign.js'
import { disableTarget, type HealthUpdate, recordTargetHealth, type TargetRef, type TargetReport, targetKey } from './target-health.js'

export type DeliveryLog = Pick<BaseLogger, 'debug' | 'info' | 'warn' | 'error'>

export interface WorkerOptions {
  db: Kysely<DB>
  availability: DatabaseAvailability
  sender: Sender
  log: DeliveryLog
  /** Written to `delivery.locked_by`; unique per running worker. */
  workerId: string
  concurrency: number
  targetConcurrency: number
  /** How long a claim holds a row; longer than any attempt takes. */
  leaseMs: number
  retryDelaysMs: readonly number[]
  /** Longest wait before looking for due retries this worker scheduled itself. */
  pollMs: number
  /** How long a replaced secret still signs deliveries, beside the new one. */
  secretGraceMs: number
  random?: () => number
  metrics?: DeliveryMetrics
  /** A client span per attempt, whose context goes to the receiver as `traceparent` (tracing on). */
  tracing?: DeliveryTracing
}

export interface WorkerCounts {
  claimed: number
  delivered: number
  retrying: number
  failed: number
  /** Outcomes that found their row claimed again by someone else (their lease had run out). */
  stale: number
}

export interface Worker {
  /** Looks for due deliveries in both lanes now (coalesced with a look already under way). */
  wake(): void
  /** Looks for new deliveries now; the retry lane only if it is time to look there anyway. */
  wakeFirstLane(): void
  /** Takes new deliveries from the dispatcher beside it, claimed for it as they are created. */
  readonly handover: Handover
  /** Sends under way. */
  inFlight(): number
  /** Counts since the last call. */
  takeCounts(): WorkerCounts
  /**
   * Stops claiming, hands back queued rows, waits up to `graceMs` for sends under way, abandons the rest
   * to their leases, and writes the outcomes it has.
   */
  stop(graceMs: number): Promise<void>
}

interface Queued {
  delivery: ClaimedDelivery
  lane: Lane
  /** Where it goes, as configured when it was claimed; undefined when the target no longer takes deliveries. */
  target: ResolvedTarget | undefined
}

/** What a claim gave: `full` when it gave all it was asked for; `more` when more may be due in its lane. */
interface Claimed {
  rows: ClaimedDelivery[]
  full: boolean
  more: boolean
}

/** A target's rows in this worker: waiting to be sent, being sent, and room reserved for the dispatcher's. */
interface TargetSlots {
  target: TargetRef
  queue: Queued[]
  sending: number
  reserved: number
}

interface Finished {
  delivery: ClaimedDelivery
  outcome: AttemptOutcome
  /** No request was made (the target is gone from the config): says nothing of the receiver's health. */
  unsent: boolean
  disableReason?: string
  /** When the outcome was judged (performance.now()): a retry is due its delay after this, not after the write. */
  judgedAt: number
}

/** What an attempt's span tells of where it went. */
function attemptTarget(delivery: ClaimedDelivery, url: string): AttemptTarget {
  const { tenant, configCode, targetId, attempt, event } = delivery
  return { url, tenant, configCode, targetId, attempt, eventId: event.id, eventType: event.type, eventTraceparent: event.traceparent }
}

/**
 * Rows a worker may hold per send slot: the one being sent and two waiting. A target's queue is refilled
 * when it is half a round of sends from empty, so each claim takes at least that many rows of a busy
 * target (claims cost PostgreSQL about the same for one row as for a dozen). A queued row waits for at
 * most two attempts before its own: three attempt timeouts are well within a lease.
 */
const HOLD_FACTOR = 3
const RETRY_LANE_IDLE_MS = 250
/**
 * An outcome waits this long for others before it is written, unless a batch's worth is waiting: a busy
 * worker writes its outcomes in fewer, larger statements. Nothing waits on the write but the log's view.
 */
const FLUSH_DELAY_MS = 10
const FLUSH_BATCH = 64
/** A success is reported to a target's failure clock at most this often (unless this worker saw it fail). */
const SUCCESS_REPORT_MS = 1_000
/** A target whose address the SSRF guard refuses is warned about at most this often. */
const BLOCKED_WARNING_MS = 60_000

const noCounts = (): WorkerCounts => ({ claimed: 0, delivered: 0, retrying: 0, failed: 0, stale: 0 })
const refOf = ({ tenant, configCode, targetId }: TargetRef): TargetRef => ({ tenant, configCode, targetId })

function gone(delivery: ClaimedDelivery): string {
  const which = delivery.targetId === 'default' ? 'destination' : `entry ${delivery.targetId}`
  return `target no longer takes deliveries: config '${delivery.configCode}' ${which} was removed or made inactive`
}

/**
 * The headers of an attempt as the log keeps them: configured headers (an API key, a bearer token) show
 * their names only; what the service itself sends (ids, times, signatures) shows whole.
 */
function loggedHeaders(sent: Record<string, string>, configured: HeaderMap): Record<string, string> {
  const values = new Map(Object.entries(configured).map(([name, { value }]) => [name.toLowerCase(), value]))
  return Object.fromEntries(Object.entries(sent).map(([name, value]) => [name, values.get(name) === value ? '(configured value)' : value]))
}

export function startWorker(options: WorkerOptions): Worker {
  const { db, availability, sender, log, workerId, concurrency, targetConcurrency, leaseMs, retryDelaysMs, pollMs, secretGraceMs, metrics, tracing } = options
  const random = options.random ?? Math.random
  const holdLimit = HOLD_FACTOR * concurrency
  const targetHoldLimit = HOLD_FACTOR * targetConcurrency
  const retryShare = Math.max(1, Math.floor(holdLimit / 4))
  /** Rows of one target the first lane may fill; the rest are kept for its retries. */
  const firstLaneTargetLimit = Math.max(1, targetHoldLimit - Math.max(1, Math.floor(targetHoldLimit / 4)))
  const claimPause = failurePause(availability, log)
  const flushPause = failurePause(availability, log)

  const targets = new Map<string, TargetSlots>()
  let held = 0
  let sending = 0
  let retriesHeld = 0
  const sends = new Set<Promise<void>>()
  let counts = noCounts()

  let stopping = false
  let claiming: Promise<void> | undefined
  let claimAgain = false
  /** Neither lane had more for this worker than it took: completions need not look again until woken. */
  let drained = false
  let retryLookAt = 0
  let wakeTimer: NodeJS.Timeout | undefined
  let wakeAt = Number.POSITIVE_INFINITY
  const routing = routingCache()

  /** A claim failed after it may have committed: rows may be ours without our knowing. */
  let orphansPossible = false
  /** Ids of the rows this worker has claimed and not yet recorded or handed back. */
  const mine = new Set<number>()
  /** Rows the dispatcher's batches gave whose targets are being resolved. */
  const adopting = new Set<Promise<void>>()
  /** Rows this worker holds without knowing are being handed back: the dispatcher gets no room meanwhile. */
  let releasing = false

  let finished: Finished[] = []
  /** Outcomes in the write under way. */
  let recording = 0
  /** Claims stopped because outcomes waited to be written; a write that catches up starts them again. */
  let heldBack = false
  let flushing: Promise<void> | undefined
  let flushTimer: NodeJS.Timeout | undefined
  const failing = new Set<string>()
  const successReportedAt = new Map<string, number>()
  const blockedWarnedAt = new Map<string, number>()

  // ---- claiming -------------------------------------------------------------------------------

  function wake(): void {
    retryLookAt = 0
    wakeFirstLane()
  }

  function wakeFirstLane(): void {
    drained = false
    refill()
  }

  function refill(): void {
    if (stopping) return
    if (claiming) {
      claimAgain = true
      return
    }
    claiming = claimLoop()
      .catch((error) => {
        log.error({ err: error }, 'claiming deliveries failed')
        wakeIn(pollMs)
      })
      .finally(() => {
        claiming = undefined
        if (claimAgain) refill()
      })
  }

  /** Wakes (both lanes) after `ms` unless a wake-up is already due sooner. */
  function wakeIn(ms: number): void {
    const at = Date.now() + ms
    if (stopping || at >= wakeAt) return
    clearTimeout(wakeTimer)
    wakeAt = at
    wakeTimer = setTimeout(() => {
      wakeAt = Number.POSITIVE_INFINITY
      wake()
    }, ms)
    wakeTimer.unref()
  }

  async function claimLoop(): Promise<void> {
    do {
      claimAgain = false
      try {
        // Not while the dispatcher's batches are under way, and none starts meanwhile: their rows are this
        // worker's before it knows their ids.
        if (orphansPossible && !reserving()) {
          releasing = true
          try {
            await releaseLostClaims()
          } finally {
            releasing = false
          }
        }
        if (await claimRound()) claimAgain = true
        claimPause.succeeded()
      } catch (error) {
        orphansPossible = true
        await claimPause.after(error, 'claiming deliveries')
        // Whatever was due then is still due; the retry lane too.
        retryLookAt = 0
        claimAgain = true
      }
    } while (claimAgain && !stopping && held < holdLimit)
  }

  /** Hands back the rows a lost claim answer gave this worker, so they need not wait out their lease. */
  async function releaseLostClaims(): Promise<void> {
    const released = await releaseOrphans(db, workerId, [...mine])
    orphansPossible = false
    if (released > 0) log.info({ released }, 'handed back deliveries claimed while the connection was lost')
  }

  /** As many outcomes wait to be written as this worker may hold rows: no more sends until they are. */
  function behindOnOutcomes(): boolean {
    if (finished.length + recording < holdLimit) return false
    heldBack = true
    return true
  }

  /** One look in both lanes; true when a lane gave all it was asked for (more may be due). */
  async function claimRound(): Promise<boolean> {
    const room = holdLimit - held
    if (room <= 0 || behindOnOutcomes()) return false
    const firstLimit = Math.max(1, room - Math.max(0, retryShare - retriesHeld))
    const first = await claim('first', firstLimit)
    let retries: Claimed = { rows: [], full: false, more: false }
    if (!stopping && Date.now() >= retryLookAt) {
      retries = await claim('retry', holdLimit - held)
      // A lane that gave rows may hold more (a recovered target's backlog): look again as sends end.
      retryLookAt = retries.rows.length > 0 ? 0 : Date.now() + RETRY_LANE_IDLE_MS
    }
    drained = !first.more && !retries.more
    return first.full || retries.full
  }

  async function claim(lane: Lane, limit: number): Promise<Claimed> {
    if (limit <= 0) return { rows: [], full: false, more: true }
    const busy = [...targets.values()].map(({ target, queue, sending: n, reserved }) => ({ ...target, inFlight: queue.length + n + reserved }))
    const perTargetLimit = lane === 'first' ? firstLaneTargetLimit : targetHoldLimit
    const claimed = await claimDeliveries(db, { lane, limit, workerId, leaseMs, perTargetLimit, busy })
    const full = claimed.length === limit
    // Fewer rows than asked means none more were due, except at a target given all the room it had.
    const room = new Map(busy.map((load) => [targetKey(load), perTargetLimit - load.inFlight]))
    const given = new Map<string, number>()
    for (const delivery of claimed) given.set(targetKey(delivery), (given.get(targetKey(delivery)) ?? 0) + 1)
    const more = full || [...room.values()].some((left) => left <= 0) || [...given].some(([key, n]) => n >= (room.get(key) ?? perTargetLimit))
    await take(claimed, lane)
    return { rows: claimed, full, more }
  }

  /** Queues rows claimed for this worker at their targets and starts what can be sent. */
  async function take(claimed: ClaimedDelivery[], lane: Lane): Promise<void> {
    if (claimed.length === 0) return
    counts.claimed += claimed.length
    held += claimed.length
    for (const delivery of claimed) mine.add(delivery.id)
    if (lane === 'retry') retriesHeld += claimed.length
    let resolved: (ResolvedTarget | undefined)[]
    try {
      resolved = await resolveTargets(claimed)
    } catch (error) {
      // The rows stay claimed by this worker, which hands them back once the database answers again.
      held -= claimed.length
      if (lane === 'retry') retriesHeld -= claimed.length
      for (const delivery of claimed) mine.delete(delivery.id)
      throw error
    }
    claimed.forEach((delivery, i) => {
      // A retry is due already, often overdue: it goes before the first attempts waiting at its target.
      const slots = slotsOf(delivery)
      const queued = { delivery, lane, target: resolved[i] }
      if (lane === 'retry') slots.queue.unshift(queued)
      else slots.queue.push(queued)
    })
    startSends()
  }

  function slotsOf(target: TargetRef): TargetSlots {
    const key = targetKey(target)
    let slots = targets.get(key)
    if (!slots) {
      slots = { target: refOf(target), queue: [], sending: 0, reserved: 0 }
      targets.set(key, slots)
    }
    return slots
  }

  function forgetIfIdle(slots: TargetSlots): void {
    if (slots.sending === 0 && slots.queue.length === 0 && slots.reserved === 0) targets.delete(targetKey(slots.target))
  }

  // ---- taking new deliveries from the dispatcher ---------------------------------------------

  /**
   * Reserves room for new rows, as a claim of the first lane would: within what this worker may hold of
   * each target and in all, leaving the retries their share.
   */
  function reserve(wanted: ReadonlyMap<string, TargetRef & { count: number }>): Reservation {
    const room = new Map<string, number>()
    let left = stopping || releasing || behindOnOutcomes() ? 0 : holdLimit - held - Math.max(0, retryShare - retriesHeld)
    for (const [key, { count, ...target }] of wanted) {
      if (left <= 0) break
      const slots = targets.get(key)
      const atTarget = slots ? slots.queue.length + slots.sending + slots.reserved : 0
      const n = Math.min(count, firstLaneTargetLimit - atTarget, left)
      if (n <= 0) continue
      slotsOf(target).reserved += n
      room.set(key, n)
      left -= n
    }
    const total = [...room.values()].reduce((sum, n) => sum + n, 0)
    held += total
    let ended = false
    const end = () => {
      if (ended) return false
      ended = true
      held -= total
      for (const [key, n] of room) {
        const slots = targets.get(key)
        if (!slots) continue
        slots.reserved -= n
        forgetIfIdle(slots)
      }
      return true
    }
    return {
      room,
      adopt(rows) {
        if (!end()) return
        const adopted = take(rows, 'first').catch((error) => {
          // Claimed for this worker, which hands them back once the database answers again.
          if (!availability.report(error)) log.error({ err: error }, 'resolving the targets of new deliveries failed')
          lostClaim()
        })
        adopting.add(adopted)
        void adopted.finally(() => adopting.delete(adopted))
      },
      abandon() {
        if (end()) lostClaim()
      },
    }
  }

  /** Room is reserved for a dispatcher's batch under way (a target is forgotten only once it has none). */
  function reserving(): boolean {
    for (const slots of targets.values()) if (slots.reserved > 0) return true
    return false
  }

  /** Rows may have been claimed for this worker without its knowing: hand them back at the next claim. */
  function lostClaim(): void {
    orphansPossible = true
    refill()
  }

  /**
   * Each delivery's target, from the routing cache when the cached routing has the version the claim
   * read, else from the routing loaded afresh: at least as new as any change committed before the claim.
   */
  async function resolveTargets(claimed: ClaimedDelivery[]): Promise<(ResolvedTarget | undefined)[]> {
    const routings = await routing.routingOf(db, new Map(claimed.map((delivery) => [delivery.tenant, delivery.routingVersion])))
    return claimed.map((delivery) => resolveTarget(routings.get(delivery.tenant), delivery, delivery.event.type))
  }

  // ---- sending --------------------------------------------------------------------------------

  /** Starts queued sends while slots are free, the target that just freed one first. */
  function startSends(first?: TargetSlots): void {
    const order = first ? [first, ...targets.values()] : targets.values()
    for (const slots of order) {
      while (slots.queue.length > 0 && slots.sending < targetConcurrency && sending < concurrency) {
        start(slots, slots.queue.shift() as Queued)
      }
      if (sending >= concurrency) return
    }
  }

  function start(slots: TargetSlots, { delivery, lane, target }: Queued): void {
    slots.sending += 1
    sending += 1
    const send = deliver(delivery, target).finally(() => {
      sends.delete(send)
      slots.sending -= 1
      sending -= 1
      held -= 1
      if (lane === 'retry') retriesHeld -= 1
      forgetIfIdle(slots)
      if (stopping) return
      startSends(slots)
      if (!drained && slots.queue.length <= targetConcurrency / 2 && held < holdLimit) refill()
    })
    sends.add(send)
  }

  async function deliver(delivery: ClaimedDelivery, target: ResolvedTarget | undefined): Promise<void> {
    let sent: SentAttempt
    if (!target) {
      sent = { startedAt: new Date(), durationMs: 0, error: gone(delivery) }
    } else {
      try {
        const body = canonicalJson(withoutFields(delivery.event.payload, target.excludedFields))
        const now = new Date()
        const previousSecretKeys = secretsInGrace(target.previousSecrets, now, secretGraceMs)
        const headers = deliveryHeaders({ event: delivery.event, body, secretKey: target.secretKey, previousSecretKeys, headers: target.headers, now, svix: target.svix })
        const send = () => sender.send({ url: target.url, headers, body })
        // Tracing adds `traceparent` to the headers before the request; the log keeps them as sent.
        const answer = tracing ? await tracing.attempt(attemptTarget(delivery, target.url), headers, send) : await send()
        sent = { ...answer, requestHeaders: loggedHeaders(headers, target.headers) }
      } catch (error) {
        sent = { startedAt: new Date(), durationMs: 0, error: `could not prepare the request: ${(error as Error).message}` }
      }
      if (sent.abandoned) return
      if (sent.blocked) warnBlocked(delivery, sent.error as string)
    }
    finish(delivery, sent, target === undefined)
  }

  /** A refused address is the operator's to fix (a URL, DNS, DELIVERY_ALLOW_PRIVATE): said in the log too. */
  function warnBlocked(delivery: ClaimedDelivery, reason: string): void {
    const key = targetKey(delivery)
    const now = Date.now()
    if (now - (blockedWarnedAt.get(key) ?? 0) < BLOCKED_WARNING_MS) return
    blockedWarnedAt.set(key, now)
    log.warn({ ...refOf(delivery), reason }, 'delivery refused: the target resolves to an address deliveries may not go to')
  }

  // ---- recording ------------------------------------------------------------------------------

  function finish(delivery: ClaimedDelivery, sent: SentAttempt, targetGone: boolean): void {
    const verdict: Verdict = targetGone
      ? { state: 'failed', error: sent.error as string }
      : judgeAttempt({ result: sent, attempt: delivery.attempt - delivery.attemptBase, delaysMs: retryDelaysMs, now: new Date(), random: random() })
    const retryInMs = verdict.state === 'pending' ? Math.max(0, verdict.nextAttemptAt.getTime() - Date.now()) : null
    metrics?.attempted(sent, targetGone)
    if (retryInMs !== null && retryInMs < pollMs) wakeIn(retryInMs)
    finished.push({
      delivery,
      outcome: {
        deliveryId: delivery.id,
        attempt: delivery.attempt,
        claimedAt: delivery.claimedAt,
        startedAt: sent.startedAt,
        durationMs: sent.durationMs,
        status: sent.status ?? null,
        excerpt: sent.excerpt ?? null,
        error: verdict.state === 'delivered' ? null : verdict.error,
        requestHeaders: sent.requestHeaders ? JSON.stringify(sent.requestHeaders) : null,
        state: verdict.state,
        retryInMs,
      },
      unsent: targetGone,
      disableReason: verdict.state === 'failed' ? verdict.disableTarget : undefined,
      judgedAt: performance.now(),
    })
    scheduleFlush()
  }

  function scheduleFlush(): void {
    // Outcomes that arrive while a flush is under way are taken by its next round.
    if (flushing) return
    const full = finished.length >= FLUSH_BATCH
    if (flushTimer && !full) return
    clearTimeout(flushTimer)
    flushTimer = setTimeout(
      () => {
        flushTimer = undefined
        flushing = flush().finally(() => {
          flushing = undefined
          if (finished.length > 0 && !stopping) scheduleFlush()
        })
      },
      full ? 0 : FLUSH_DELAY_MS,
    )
  }

  /** Until the oldest outcome waiting has waited its `FLUSH_DELAY_MS`, or a batch's worth is waiting. */
  async function gatherOutcomes(): Promise<void> {
    const wait = (finished[0]?.judgedAt ?? 0) + FLUSH_DELAY_MS - performance.now()
    if (wait <= 0 || stopping || finished.length >= FLUSH_BATCH) return
    await new Promise((resolve) => setTimeout(resolve, wait))
  }

  /**
   * Writes the outcomes waiting, batch after batch, until none is left. A failed write keeps its batch
   * and is tried again after a pause (until the database is back, when it was away); once stopping,
   * it is tried once, and what cannot be written is left to the leases.
   */
  async function flush(): Promise<void> {
    while (finished.length > 0) {
      await gatherOutcomes()
      const batch = finished
      finished = []
      recording = batch.length
      let applied: Set<number>
      try {
        // The database dates a retry from the moment it writes the outcome, which a busy database may
        // reach seconds after the attempt was judged: the time already waited is taken off.
        const now = performance.now()
        applied = await recordAttempts(
          db,
          workerId,
          batch.map(({ outcome, judgedAt }) =>
            outcome.retryInMs === null ? outcome : { ...outcome, retryInMs: Math.max(0, outcome.retryInMs - (now - judgedAt)) },
          ),
        )
      } catch (error) {
        finished = batch.concat(finished)
        recording = 0
        if (stopping) {
          log.warn({ outcomes: finished.length, err: error }, 'could not record delivery outcomes at shutdown; their leases will run out')
          return
        }
        await flushPause.after(error, 'recording delivery attempts')
        continue
      }
      flushPause.succeeded()
      recording = 0
      if (heldBack && !stopping && finished.length < holdLimit) {
        heldBack = false
        wake()
      }
      for (const { delivery, outcome } of batch) {
        mine.delete(outcome.deliveryId)
        if (!applied.has(outcome.deliveryId)) counts.stale += 1
        else if (outcome.state === 'pending') counts.retrying += 1
        else {
          if (outcome.state === 'delivered') counts.delivered += 1
          else counts.failed += 1
          metrics?.finished(delivery, outcome.state, outcome.startedAt.getTime() + outcome.durationMs)
        }
      }
      // Only now: a recovered target's waiting retries are revived once the failures of this very batch
      // are written (else those would wait out their retry).
      let health: HealthUpdate
      try {
        health = await recordHealth(batch)
      } catch (error) {
        // The next outcome for these targets brings their clocks up to date.
        if (!availability.report(error)) log.error({ err: error }, 'updating delivery targets failed')
        continue
      }
      if (health.revived > 0) {
        // This worker and the others: the recovered targets' retries are due now.
        wake()
        await notifyWorkers(db).catch((error) => availability.report(error))
      }
      await disableTargets(batch, health.failingTooLong)
    }
  }

  /** Starts or stops the failure clocks of the batch's targets (reviving the retries of recovered ones). */
  async function recordHealth(batch: Finished[]): Promise<HealthUpdate> {
    const reports = new Map<string, TargetReport>()
    const now = Date.now()
    const sent = batch.filter((f) => !f.unsent).sort((a, b) => a.outcome.startedAt.getTime() - b.outcome.startedAt.getTime())
    // In the order the attempts started: the last outcome decides whether the target is failing.
    for (const { delivery, outcome } of sent) {
      const key = targetKey(delivery)
      const previous = reports.get(key)
      const ok = outcome.state === 'delivered'
      reports.set(key, { ...refOf(delivery), failingSince: ok ? null : (previous?.failingSince ?? outcome.startedAt) })
    }
    for (const [key, report] of reports) {
      if (report.failingSince !== null) {
        failing.add(key)
        continue
      }
      // Another worker may have started the clock; a success tells it so, but not on every delivery.
      if (!failing.delete(key) && now - (successReportedAt.get(key) ?? 0) < SUCCESS_REPORT_MS) reports.delete(key)
      else successReportedAt.set(key, now)
    }
    // An outage is a run of failures longer than the first retry delay: shorter ones heal on schedule.
    return recordTargetHealth(db, [...reports.values()], { reviveAfterMs: retryDelaysMs[0] ?? 0 })
  }

  async function disableTargets(batch: Finished[], failedTooLong: TargetRef[]): Promise<void> {
    const toDisable = new Map<string, { target: TargetRef; reason: string }>()
    for (const target of failedTooLong) toDisable.set(targetKey(target), { target, reason: 'the target failed continuously for 5 days' })
    for (const { delivery, disableReason } of batch) {
      if (disableReason) toDisable.set(targetKey(delivery), { target: refOf(delivery), reason: disableReason })
    }
    for (const { target, reason } of toDisable.values()) {
      try {
        const failed = await disableTarget(db, target, reason)
        if (failed !== undefined) log.warn({ ...target, reason, failedDeliveries: failed }, 'delivery target disabled')
      } catch (error) {
        if (!availability.report(error)) log.error({ err: error, ...target }, 'disabling a delivery target failed')
      }
    }
  }

  return {
    wake,
    wakeFirstLane,
    handover: { workerId, leaseMs, reserve },
    inFlight: () => sending,
    takeCounts() {
      const taken = counts
      counts = noCounts()
      return taken
    },
    async stop(graceMs) {
      stopping = true
      clearTimeout(wakeTimer)
      claimPause.cancel()
      flushPause.cancel()
      await claiming
      await Promise.allSettled([...adopting])
      const queued = [...targets.values()].flatMap((slots) => slots.queue.splice(0).map((q) => q.delivery))
      for (const delivery of queued) mine.delete(delivery.id)
      held -= queued.length
      try {
        await releaseDeliveries(db, workerId, queued)
      } catch (error) {
        log.warn({ err: error, deliveries: queued.length }, 'could not hand back queued deliveries; their leases will run out')
      }
      if (sends.size > 0) {
        let timer: NodeJS.Timeout | undefined
        const expired = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs)
        })
        await Promise.race([Promise.allSettled([...sends]), expired])
        clearTimeout(timer)
      }
      if (sends.size > 0) log.info({ abandoned: sends.size }, 'abandoning deliveries under way; their leases will run out')
      await sender.destroy()
      await Promise.allSettled([...sends])
      clearTimeout(flushTimer)
      flushTimer = undefined
      await flushing
      await flush()
    },
  }
}

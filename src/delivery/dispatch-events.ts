/**
 * The dispatcher's statement family: turn committed events into delivery rows, one per target they are
 * routed to. A batch of a backlog is one short transaction whose events are taken `for update skip
 * locked`, so any number of dispatchers share a backlog without waiting on each other. A batch of a
 * trickle reads its events without a lock and takes them in the statement that writes their deliveries:
 * two statements instead of four, on the way from every commit to its receivers. Either way an event is
 * dispatched once, and the unique (event, config, target) key makes a replay harmless.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely'
import { PREPARED } from '../db/prepared-statement.js'
import type { DB } from '../db/schema.js'
import { FILTER_LIMITS } from '../webhooks/event-filter.js'
import { type ClaimedDelivery, claimedDelivery } from './claim-deliveries.js'
import { type TargetRef, targetKey } from './target-health.js'
import { routeEvent } from '../webhooks/routing.js'
import { type RoutingCache, routingCache } from '../webhooks/routing-cache.js'
import { DELIVERY_CHANNEL, firstAttemptsDue } from './delivery-channel.js'
import { deliveredThisMonth } from './log/monthly-statistics.js'

export interface DispatchOptions {
  /** Events taken per transaction. */
  batchSize: number
  /** Successful deliveries a tenant may have per UTC calendar month; absent means no limit. */
  monthlyLimit?: number
  /** Work (values read by filters) one tenant's events may take of a batch before the rest wait. */
  tenantFilterBudget?: number
  /** Tenants' routing kept across batches; without it, each batch loads what it needs. */
  routing?: RoutingCache
  /** Named in the notification to workers, so the worker beside this dispatcher (woken directly) can skip it. */
  source?: string
  /** The worker beside this dispatcher, which takes new deliveries as they are created. */
  handover?: Handover
  /**
   * Read the events without locking them and take them in the write, outside a transaction: for a batch
   * that is not part of a backlog. Events another dispatcher takes in between are left to it (`lost`).
   */
  optimistic?: boolean
  /**
   * The events to dispatch, as their commit's notification carried them (`notifiedEvents`): not read again,
   * and taken in the write as an optimistic batch's are.
   */
  events?: UndispatchedEvent[]
}

/**
 * A worker that takes new deliveries straight from the dispatcher: the statement that creates them also
 * claims them for it (the first attempt counted, its lease started), so they need no claim of their own.
 * The worker says how many rows of each target it has room for; the rest wait for a claim as always.
 */
export interface Handover {
  workerId: string
  leaseMs: number
  /** Reserves room for up to `wanted` new rows per target (by target key); returns how many it takes. */
  reserve(wanted: ReadonlyMap<string, TargetRef & { count: number }>): Reservation
}

export interface Reservation {
  /** Rows per target (by target key) the worker takes. */
  readonly room: ReadonlyMap<string, number>
  /** After the commit: the rows claimed for the worker. Ends the reservation. */
  adopt(rows: ClaimedDelivery[]): void
  /** The batch failed, perhaps after it committed: rows may be the worker's without its knowing. */
  abandon(): void
}

/** Ten evaluations at the filter budget: far beyond any ordinary filter on any ordinary event. */
const TENANT_FILTER_BUDGET = 10 * FILTER_LIMITS.budget

export interface DispatchSummary {
  /** Events marked dispatched (including those routed nowhere). */
  events: number
  /** Deliveries created pending. */
  pending: number
  /** Of those, the ones left for workers to claim (the rest went straight to the worker beside this dispatcher). */
  waiting: number
  /** Deliveries created already failed: target disabled, the tenant's monthly limit reached, or its filter failed. */
  refused: number
  /** Events left for a later batch: their tenant's filters had used their share of this one. */
  deferred: number
  /** Events another dispatcher took between this one's read and its write (optimistic batches only). */
  lost: number
  /** The batch was cut short (full, a tenant's share taken, or events deferred): more may be waiting. */
  more: boolean
}

export interface PlannedDelivery {
  tenant: string
  sequence: number
  configCode: string
  targetId: string
  /** Why it is created failed, when its filter failed. */
  refusal: string | null
  /** Why it is created failed, unless its target is disabled: the tenant's monthly limit. */
  limitRefusal: string | null
  /** Claimed for the worker beside the dispatcher as it is created (if it is created pending). */
  handOver: boolean
}

export interface CreatedClaimed {
  /** Events marked dispatched by this statement. */
  taken: number
  pending: number
  refused: number
  waiting: number
  /** One row per delivery claimed for the worker as it was created; its columns null when there is none. */
  id: number | null
  event_sequence: number | null
  config_code: string | null
  target_id: string | null
  attempts: number | null
  attempt_base: number | null
  locked_at: Date | null
}

/** The tenants among `tenants` that have had `limit` successful deliveries this UTC month (retention's included). */
async function tenantsAtLimit(db: Kysely<DB>, tenants: string[], limit: number): Promise<Set<string>> {
  const rows = await deliveredThisMonth(db, tenants)
  return new Set(rows.filter((row) => row.delivered >= limit).map((row) => row.tenant))
}

/**
 * The statement that writes a batch: creates the targets that do not exist yet (in key order, so that two
 * dispatchers creating the same new targets cannot deadlock), the deliveries (failed at once when their
 * filter failed, their target is disabled or the monthly limit is reached; a replay is harmless; those
 * marked for the handover claimed for its worker), marks the events dispatched, and wakes the workers when
 * something is left for them to claim. Returns the counts, and one row per delivery claimed as created.
 * When `optimistic`, the events were read without a lock: the statement first takes those still
 * undispatched and not locked by another dispatcher, and writes only theirs.
 */
export function batchWrite(
  planned: readonly PlannedDelivery[],
  dispatched: readonly number[],
  source: string,
  handover: Pick<Handover, 'workerId' | 'leaseMs'> | undefined,
  optimistic: boolean,
): RawBuilder<CreatedClaimed> {
  const column = <T>(pick: (p: PlannedDelivery) => T) => planned.map(pick)
  const taking = optimistic
    ? sql`won as materialized (
        select sequence from outbox_event where sequence = any(${dispatched}::bigint[]) and dispatched_at is null
        order by sequence for update skip locked
      ), batch as (select * from planned where sequence in (select sequence from won)),`
    : sql`batch as (select * from planned),`
  const taken = optimistic ? sql`in (select sequence from won)` : sql`= any(${dispatched}::bigint[])`
  return sql<CreatedClaimed>`${PREPARED}
    with planned as (
      select * from unnest(${column((p) => p.tenant)}::text[], ${column((p) => p.sequence)}::bigint[],
                           ${column((p) => p.configCode)}::text[], ${column((p) => p.targetId)}::text[],
                           ${column((p) => p.refusal)}::text[], ${column((p) => p.limitRefusal)}::text[],
                           ${column((p) => (p.handOver ? 1 : 0))}::int[])
        as p (tenant, sequence, config_code, target_id, refusal, limit_refusal, hand_over)
    ), ${taking} created_target as (
      insert into delivery_target (tenant, config_code, target_id)
      select distinct tenant, config_code, target_id from batch order by 1, 2, 3
      on conflict do nothing
    ), created as (
      -- A target created by this statement is not seen here, and is not disabled.
      insert into delivery (tenant, event_sequence, config_code, target_id, state, attempts, locked_by, locked_at,
                            next_attempt_at, created_at, finished_at, last_error)
      select p.tenant, p.sequence, p.config_code, p.target_id,
             case when r.refusal is null then 'pending' else 'failed' end,
             case when c.claimed then 1 else 0 end,
             case when c.claimed then ${handover?.workerId ?? null}::text end,
             case when c.claimed then now() end,
             case when c.claimed then now() + ${handover?.leaseMs ?? 0}::double precision * interval '1 millisecond' else now() end,
             now(), case when r.refusal is null then null else now() end, r.refusal
      from batch p
      left join delivery_target t using (tenant, config_code, target_id)
      cross join lateral (
        select coalesce(p.refusal,
                        case when t.disabled_at is not null then 'target disabled: ' || coalesce(t.disabled_reason, 'disabled') end,
                        p.limit_refusal) as refusal
      ) r
      cross join lateral (select r.refusal is null and p.hand_over = 1 as claimed) c
      on conflict (event_sequence, config_code, target_id) do nothing
      returning id, event_sequence, tenant, config_code, target_id, state, attempts, attempt_base, locked_by, locked_at
    ), marked as (
      update outbox_event set dispatched_at = now() where sequence ${taken} returning sequence
    ), counted as (
      select count(*) filter (where state = 'pending')::int as pending, count(*) filter (where state = 'failed')::int as refused,
             count(*) filter (where state = 'pending' and locked_by is null)::int as waiting,
             (select count(*) from marked)::int as taken
      from created
    ), notified as (
      select case when waiting > 0 then pg_notify(${DELIVERY_CHANNEL}, ${firstAttemptsDue(source)}) end from counted
    )
    select c.taken, c.pending, c.refused, c.waiting, h.id, h.event_sequence, h.config_code, h.target_id, h.attempts,
           h.attempt_base, h.locked_at
    from counted c cross join notified
    left join created h on h.locked_by is not null`
}

/** The most events one tenant has in a batch. */
const perTenantShare = (batchSize: number) => Math.max(1, Math.ceil(batchSize / 2))

export interface UndispatchedEvent {
  sequence: number
  id: string
  tenant: string
  type: string
  subject: string
  payload: Record<string, unknown>
  published_at: Date
  traceparent: string | null
  /** The tenant's routing version (null: never configured). */
  routing_version: number | null
}

/**
 * The events an outbox notification carries (outbox.ts), as `takeEvents` reads them; undefined when it
 * carries none (too many for a notification, or a wake-up of another kind).
 */
export function notifiedEvents(payload: string): UndispatchedEvent[] | undefined {
  if (payload === '') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(payload)
  } catch {
    return undefined
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return undefined
  const events: UndispatchedEvent[] = []
  for (const e of parsed as Record<string, unknown>[]) {
    const publishedAt = new Date(e.published_at as string)
    if (!Number.isSafeInteger(e.sequence) || typeof e.id !== 'string' || typeof e.tenant !== 'string' || Number.isNaN(publishedAt.getTime())) return undefined
    events.push({
      sequence: e.sequence as number,
      id: e.id,
      tenant: e.tenant,
      type: e.type as string,
      subject: e.subject as string,
      payload: e.payload as Record<string, unknown>,
      published_at: publishedAt,
      traceparent: (e.traceparent as string | null) ?? null,
      routing_version: (e.routing_version as number | null) ?? null,
    })
  }
  return events
}

/**
 * The oldest undispatched events, locked unless `optimistic`: up to `batchSize`, of which one tenant's
 * take at most half, so that a tenant with a backlog (or costly filters) leaves room for everyone else's
 * events in every batch. The tenants with undispatched events are found by a skip scan, one index probe each.
 */
async function takeEvents(db: Kysely<DB>, batchSize: number, optimistic: boolean): Promise<UndispatchedEvent[]> {
  const perTenant = perTenantShare(batchSize)
  const { rows } = await sql<UndispatchedEvent>`
    with recursive tenant as (
      (select e.tenant from outbox_event e where e.dispatched_at is null order by e.tenant limit 1)
      union all
      select next.tenant from tenant t cross join lateral (
        select e.tenant from outbox_event e where e.dispatched_at is null and e.tenant > t.tenant order by e.tenant limit 1
      ) next
    ), candidate as (
      select oldest.sequence
      from (select tenant from tenant limit ${batchSize}::int) t
      cross join lateral (
        select e.sequence from outbox_event e
        where e.dispatched_at is null and e.tenant = t.tenant
        order by e.sequence limit ${perTenant}::int
      ) oldest
    )
    select e.sequence, e.id, e.tenant, e.type, e.subject, e.payload, e.published_at, e.traceparent,
           (select v.version from webhook_routing_version v where v.tenant = e.tenant) as routing_version
    from outbox_event e
    where e.sequence = any(array(select sequence from candidate order by sequence limit ${batchSize}::int))
      and e.dispatched_at is null
    order by e.sequence
    ${optimistic ? sql`` : sql`for update skip locked`}`.execute(db)
  return rows.map((row) => ({ ...row, sequence: Number(row.sequence), routing_version: row.routing_version === null ? null : Number(row.routing_version) }))
}

/**
 * Marks the planned deliveries the handover's worker takes: of each target, the oldest that are not
 * refused already, as many as it has room for.
 */
function reserveHandover(handover: Handover, planned: PlannedDelivery[]): Reservation | undefined {
  const wanted = new Map<string, TargetRef & { count: number }>()
  for (const p of planned) {
    if (p.refusal !== null || p.limitRefusal !== null) continue
    const key = targetKey(p)
    const entry = wanted.get(key)
    if (entry) entry.count += 1
    else wanted.set(key, { tenant: p.tenant, configCode: p.configCode, targetId: p.targetId, count: 1 })
  }
  if (wanted.size === 0) return undefined
  const reservation = handover.reserve(wanted)
  const left = new Map(reservation.room)
  for (const p of planned) {
    if (p.refusal !== null || p.limitRefusal !== null) continue
    const key = targetKey(p)
    const room = left.get(key) ?? 0
    if (room <= 0) continue
    p.handOver = true
    left.set(key, room - 1)
  }
  return reservation
}

/** The deliveries claimed for the handover's worker, each with its event. */
function handedOver(rows: CreatedClaimed[], events: Map<number, UndispatchedEvent>): ClaimedDelivery[] {
  const handed: ClaimedDelivery[] = []
  for (const row of rows) {
    if (row.id === null) continue
    const event = events.get(Number(row.event_sequence)) as UndispatchedEvent
    handed.push(
      claimedDelivery({
        id: row.id,
        tenant: event.tenant,
        config_code: row.config_code as string,
        target_id: row.target_id as string,
        attempts: row.attempts as number,
        attempt_base: row.attempt_base as number,
        locked_at: row.locked_at as Date,
        routing_version: event.routing_version,
        event_id: event.id,
        type: event.type,
        subject: event.subject,
        sequence: event.sequence,
        payload: event.payload,
        published_at: event.published_at,
        traceparent: event.traceparent,
      }),
    )
  }
  return handed
}

/**
 * Dispatches the oldest undispatched events (up to a batch) and wakes the workers if any delivery is left
 * for them to claim: four statements (begin, take, write, commit), two when `optimistic` (read, then a
 * write that takes the events), one when the events are given as their notification carried them, and one more for the routing of a tenant whose configuration changed since
 * the last batch. With a handover, the write also claims new deliveries for the worker beside the
 * dispatcher, which gets them once the batch has committed.
 * A tenant whose filters have used their share of the batch's work has its remaining events left for the
 * next batch: its filters can slow its own events, never anyone else's.
 */
export async function dispatchEvents(db: Kysely<DB>, options: DispatchOptions): Promise<DispatchSummary> {
  const { batchSize, monthlyLimit, tenantFilterBudget = TENANT_FILTER_BUDGET, routing = routingCache(), source = '', handover } = options
  const given = options.events
  const optimistic = given !== undefined || (options.optimistic ?? false)
  let reservation: Reservation | undefined
  let handed: ClaimedDelivery[] = []

  const batch = async (db: Kysely<DB>): Promise<DispatchSummary> => {
    const events = given ?? (await takeEvents(db, batchSize, optimistic))
    if (events.length === 0) return { events: 0, pending: 0, waiting: 0, refused: 0, deferred: 0, lost: 0, more: false }

    const routings = await routing.routingOf(db, new Map(events.map((event) => [event.tenant, event.routing_version])))
    const planned: PlannedDelivery[] = []
    const work = new Map<string, number>()
    const perTenant = new Map<string, number>()
    const dispatched: number[] = []
    for (const event of events) {
      perTenant.set(event.tenant, (perTenant.get(event.tenant) ?? 0) + 1)
      const spent = work.get(event.tenant) ?? 0
      if (spent >= tenantFilterBudget) continue
      const { routes, cost } = routeEvent(routings.get(event.tenant), event)
      work.set(event.tenant, spent + cost)
      dispatched.push(event.sequence)
      for (const { filterError, ...route } of routes) {
        // A filter that fails counts as not matching; the failed delivery records why, once, for the operator.
        const refusal = filterError === undefined ? null : `filter failed, counted as not matching: ${filterError}`
        planned.push({ tenant: event.tenant, sequence: event.sequence, ...route, refusal, limitRefusal: null, handOver: false })
      }
    }

    if (monthlyLimit !== undefined && planned.length > 0) {
      const atLimit = await tenantsAtLimit(db, [...new Set(planned.map((p) => p.tenant))], monthlyLimit)
      const refusal = `monthly delivery limit reached: ${monthlyLimit} successful deliveries this month (UTC)`
      for (const p of planned) if (atLimit.has(p.tenant)) p.limitRefusal = refusal
    }
    if (handover) reservation = reserveHandover(handover, planned)
    const { rows } = await batchWrite(planned, dispatched, source, handover, optimistic).execute(db)
    handed = handedOver(rows, new Map(events.map((event) => [event.sequence, event])))
    const { taken, pending, refused, waiting } = rows[0]
    const deferred = events.length - dispatched.length
    const more = events.length >= batchSize || deferred > 0 || [...perTenant.values()].some((n) => n >= perTenantShare(batchSize))
    return { events: taken, pending, waiting, refused, deferred, lost: dispatched.length - taken, more }
  }

  let summary: DispatchSummary
  try {
    summary = optimistic ? await batch(db) : await db.transaction().execute(batch)
  } catch (error) {
    reservation?.abandon()
    throw error
  }
  reservation?.adopt(handed)
  return summary
}

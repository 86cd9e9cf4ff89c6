/**
 * The dispatcher's statement family: turn committed events into delivery rows, one per target they are
 * routed to, in one short transaction per batch. Events are taken `for update skip locked`, so any number
 * of dispatchers can share one database; the unique (event, config, target) key makes a replay harmless.
 */
import { type Kysely, sql } from 'kysely'
import { PREPARED } from '../db/prepared-statement.js'
import type { DB } from '../db/schema.js'
import { FILTER_LIMITS } from '../webhooks/event-filter.js'
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
}

/** Ten evaluations at the filter budget: far beyond any ordinary filter on any ordinary event. */
const TENANT_FILTER_BUDGET = 10 * FILTER_LIMITS.budget

export interface DispatchSummary {
  /** Events marked dispatched (including those routed nowhere). */
  events: number
  /** Deliveries created pending. */
  pending: number
  /** Deliveries created already failed: target disabled, the tenant's monthly limit reached, or its filter failed. */
  refused: number
  /** Events left for a later batch: their tenant's filters had used their share of this one. */
  deferred: number
  /** The batch was cut short (full, a tenant's share taken, or events deferred): more may be waiting. */
  more: boolean
}

interface PlannedDelivery {
  tenant: string
  sequence: number
  configCode: string
  targetId: string
  /** Why it is created failed, when its filter failed. */
  refusal: string | null
  /** Why it is created failed, unless its target is disabled: the tenant's monthly limit. */
  limitRefusal: string | null
}

/** The tenants among `tenants` that have had `limit` successful deliveries this UTC month (retention's included). */
async function tenantsAtLimit(db: Kysely<DB>, tenants: string[], limit: number): Promise<Set<string>> {
  const rows = await deliveredThisMonth(db, tenants)
  return new Set(rows.filter((row) => row.delivered >= limit).map((row) => row.tenant))
}

/**
 * Writes a batch in one statement: creates the targets that do not exist yet (in key order, so that two
 * dispatchers creating the same new targets cannot deadlock), the deliveries (failed at once when their
 * filter failed, their target is disabled or the monthly limit is reached; a replay is harmless), marks
 * the events dispatched, and wakes the workers when something is due. Returns the deliveries created
 * pending and failed.
 */
async function writeBatch(db: Kysely<DB>, planned: PlannedDelivery[], dispatched: number[], source: string): Promise<{ pending: number; refused: number }> {
  const column = <T>(pick: (p: PlannedDelivery) => T) => planned.map(pick)
  const { rows } = await sql<{ pending: number; refused: number }>`${PREPARED}
    with planned as (
      select * from unnest(${column((p) => p.tenant)}::text[], ${column((p) => p.sequence)}::bigint[],
                           ${column((p) => p.configCode)}::text[], ${column((p) => p.targetId)}::text[],
                           ${column((p) => p.refusal)}::text[], ${column((p) => p.limitRefusal)}::text[])
        as p (tenant, sequence, config_code, target_id, refusal, limit_refusal)
    ), created_target as (
      insert into delivery_target (tenant, config_code, target_id)
      select distinct tenant, config_code, target_id from planned order by 1, 2, 3
      on conflict do nothing
    ), created as (
      -- A target created by this statement is not seen here, and is not disabled.
      insert into delivery (tenant, event_sequence, config_code, target_id, state, next_attempt_at, created_at, finished_at, last_error)
      select p.tenant, p.sequence, p.config_code, p.target_id,
             case when r.refusal is null then 'pending' else 'failed' end,
             now(), now(), case when r.refusal is null then null else now() end, r.refusal
      from planned p
      left join delivery_target t using (tenant, config_code, target_id)
      cross join lateral (
        select coalesce(p.refusal,
                        case when t.disabled_at is not null then 'target disabled: ' || coalesce(t.disabled_reason, 'disabled') end,
                        p.limit_refusal) as refusal
      ) r
      on conflict (event_sequence, config_code, target_id) do nothing
      returning state
    ), marked as (
      update outbox_event set dispatched_at = now() where sequence = any(${dispatched}::bigint[])
    ), counted as (
      select count(*) filter (where state = 'pending')::int as pending, count(*) filter (where state = 'failed')::int as refused
      from created
    )
    select pending, refused, case when pending > 0 then pg_notify(${DELIVERY_CHANNEL}, ${firstAttemptsDue(source)}) end
    from counted`.execute(db)
  return rows[0]
}

/** The most events one tenant has in a batch. */
const perTenantShare = (batchSize: number) => Math.max(1, Math.ceil(batchSize / 2))

interface UndispatchedEvent {
  sequence: number
  tenant: string
  type: string
  payload: Record<string, unknown>
  /** The tenant's routing version (null: never configured). */
  routing_version: number | null
}

/**
 * The oldest undispatched events, locked: up to `batchSize`, of which one tenant's take at most half, so
 * that a tenant with a backlog (or costly filters) leaves room for everyone else's events in every batch.
 * The tenants with undispatched events are found by a skip scan, one index probe each.
 */
async function takeEvents(db: Kysely<DB>, batchSize: number): Promise<UndispatchedEvent[]> {
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
    select e.sequence, e.tenant, e.type, e.payload,
           (select v.version from webhook_routing_version v where v.tenant = e.tenant) as routing_version
    from outbox_event e
    where e.sequence = any(array(select sequence from candidate order by sequence limit ${batchSize}::int))
      and e.dispatched_at is null
    order by e.sequence
    for update skip locked`.execute(db)
  return rows.map((row) => ({ ...row, sequence: Number(row.sequence), routing_version: row.routing_version === null ? null : Number(row.routing_version) }))
}

/**
 * Dispatches the oldest undispatched events (up to a batch) and wakes the workers if any delivery is due:
 * four statements (begin, take, write, commit), and one more for the routing of a tenant whose
 * configuration changed since the last batch.
 * A tenant whose filters have used their share of the batch's work has its remaining events left for the
 * next batch: its filters can slow its own events, never anyone else's.
 */
export async function dispatchEvents(db: Kysely<DB>, options: DispatchOptions): Promise<DispatchSummary> {
  const { batchSize, monthlyLimit, tenantFilterBudget = TENANT_FILTER_BUDGET, routing = routingCache(), source = '' } = options
  return db.transaction().execute(async (tx) => {
    const events = await takeEvents(tx, batchSize)
    if (events.length === 0) return { events: 0, pending: 0, refused: 0, deferred: 0, more: false }

    const routings = await routing.routingOf(tx, new Map(events.map((event) => [event.tenant, event.routing_version])))
    const planned: PlannedDelivery[] = []
    const work = new Map<string, number>()
    const taken = new Map<string, number>()
    const dispatched: number[] = []
    for (const event of events) {
      taken.set(event.tenant, (taken.get(event.tenant) ?? 0) + 1)
      const spent = work.get(event.tenant) ?? 0
      if (spent >= tenantFilterBudget) continue
      const { routes, cost } = routeEvent(routings.get(event.tenant), event)
      work.set(event.tenant, spent + cost)
      dispatched.push(event.sequence)
      for (const { filterError, ...route } of routes) {
        // A filter that fails counts as not matching; the failed delivery records why, once, for the operator.
        const refusal = filterError === undefined ? null : `filter failed, counted as not matching: ${filterError}`
        planned.push({ tenant: event.tenant, sequence: event.sequence, ...route, refusal, limitRefusal: null })
      }
    }

    if (monthlyLimit !== undefined && planned.length > 0) {
      const atLimit = await tenantsAtLimit(tx, [...new Set(planned.map((p) => p.tenant))], monthlyLimit)
      const refusal = `monthly delivery limit reached: ${monthlyLimit} successful deliveries this month (UTC)`
      for (const p of planned) if (atLimit.has(p.tenant)) p.limitRefusal = refusal
    }
    const { pending, refused } = await writeBatch(tx, planned, dispatched, source)
    const deferred = events.length - dispatched.length
    const more = events.length >= batchSize || deferred > 0 || [...taken.values()].some((n) => n >= perTenantShare(batchSize))
    return { events: dispatched.length, pending, refused, deferred, more }
  })
}

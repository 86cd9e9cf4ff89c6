/**
 * The dispatcher's statement family: turn committed events into delivery rows, one per target they are
 * routed to, in one short transaction per batch. Events are taken `for update skip locked`, so any number
 * of dispatchers can share one database; the unique (event, config, target) key makes a replay harmless.
 */
import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.js'
import { FILTER_LIMITS } from '../webhooks/event-filter.js'
import { loadRouting, routeEvent } from '../webhooks/routing.js'
import { notifyWorkers } from './delivery-channel.js'
import { deliveredThisMonth } from './log/monthly-statistics.js'
import { byTargetKey, type TargetRef, targetKey } from './target-health.js'

export interface DispatchOptions {
  /** Events taken per transaction. */
  batchSize: number
  /** Successful deliveries a tenant may have per UTC calendar month; absent means no limit. */
  monthlyLimit?: number
  /** Work (values read by filters) one tenant's events may take of a batch before the rest wait. */
  tenantFilterBudget?: number
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
}

interface PlannedDelivery {
  tenant: string
  sequence: number
  configCode: string
  targetId: string
  refusal: string | null
}

/**
 * Creates the batch's targets that do not exist yet and returns why each disabled one is disabled.
 * Inserted in key order, so two dispatchers creating the same new targets cannot deadlock.
 */
async function ensureTargets(db: Kysely<DB>, unsorted: readonly TargetRef[]): Promise<Map<string, string>> {
  const targets = byTargetKey(unsorted)
  const { rows } = await sql<{ tenant: string; config_code: string; target_id: string; disabled_reason: string | null }>`
    with wanted as (
      select * from unnest(${targets.map((t) => t.tenant)}::text[], ${targets.map((t) => t.configCode)}::text[], ${targets.map((t) => t.targetId)}::text[])
        as w (tenant, config_code, target_id)
    ), created as (
      insert into delivery_target (tenant, config_code, target_id)
      select tenant, config_code, target_id from wanted
      on conflict do nothing
    )
    select t.tenant, t.config_code, t.target_id, t.disabled_reason
    from delivery_target t join wanted using (tenant, config_code, target_id)
    where t.disabled_at is not null`.execute(db)
  return new Map(rows.map((row) => [targetKey({ tenant: row.tenant, configCode: row.config_code, targetId: row.target_id }), row.disabled_reason ?? 'disabled']))
}

/** The tenants among `tenants` that have had `limit` successful deliveries this UTC month (retention's included). */
async function tenantsAtLimit(db: Kysely<DB>, tenants: string[], limit: number): Promise<Set<string>> {
  const rows = await deliveredThisMonth(db, tenants)
  return new Set(rows.filter((row) => row.delivered >= limit).map((row) => row.tenant))
}

async function insertDeliveries(db: Kysely<DB>, planned: PlannedDelivery[]): Promise<void> {
  await sql`
    insert into delivery (tenant, event_sequence, config_code, target_id, state, next_attempt_at, created_at, finished_at, last_error)
    select tenant, sequence, config_code, target_id,
           case when refusal is null then 'pending' else 'failed' end,
           now(), now(), case when refusal is null then null else now() end, refusal
    from unnest(${planned.map((p) => p.tenant)}::text[], ${planned.map((p) => p.sequence)}::bigint[],
                ${planned.map((p) => p.configCode)}::text[], ${planned.map((p) => p.targetId)}::text[],
                ${planned.map((p) => p.refusal)}::text[])
      as p (tenant, sequence, config_code, target_id, refusal)
    on conflict (event_sequence, config_code, target_id) do nothing`.execute(db)
}

interface UndispatchedEvent {
  sequence: number
  tenant: string
  type: string
  payload: Record<string, unknown>
}

/**
 * The oldest undispatched events, locked: up to `batchSize`, of which one tenant's take at most half, so
 * that a tenant with a backlog (or costly filters) leaves room for everyone else's events in every batch.
 * The tenants with undispatched events are found by a skip scan, one index probe each.
 */
async function takeEvents(db: Kysely<DB>, batchSize: number): Promise<UndispatchedEvent[]> {
  const perTenant = Math.max(1, Math.ceil(batchSize / 2))
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
    select e.sequence, e.tenant, e.type, e.payload
    from outbox_event e
    where e.sequence = any(array(select sequence from candidate order by sequence limit ${batchSize}::int))
      and e.dispatched_at is null
    order by e.sequence
    for update skip locked`.execute(db)
  return rows.map((row) => ({ ...row, sequence: Number(row.sequence) }))
}

/**
 * Dispatches the oldest undispatched events (up to a batch) and wakes the workers if any delivery is due.
 * A tenant whose filters have used their share of the batch's work has its remaining events left for the
 * next batch: its filters can slow its own events, never anyone else's.
 */
export async function dispatchEvents(db: Kysely<DB>, { batchSize, monthlyLimit, tenantFilterBudget = TENANT_FILTER_BUDGET }: DispatchOptions): Promise<DispatchSummary> {
  return db.transaction().execute(async (tx) => {
    const events = await takeEvents(tx, batchSize)
    if (events.length === 0) return { events: 0, pending: 0, refused: 0, deferred: 0 }

    const routing = await loadRouting(tx, [...new Set(events.map((event) => event.tenant))])
    const planned: PlannedDelivery[] = []
    const work = new Map<string, number>()
    const dispatched: number[] = []
    for (const event of events) {
      const spent = work.get(event.tenant) ?? 0
      if (spent >= tenantFilterBudget) continue
      const { routes, cost } = routeEvent(routing.get(event.tenant), event)
      work.set(event.tenant, spent + cost)
      dispatched.push(event.sequence)
      for (const { filterError, ...route } of routes) {
        // A filter that fails counts as not matching; the failed delivery records why, once, for the operator.
        const refusal = filterError === undefined ? null : `filter failed, counted as not matching: ${filterError}`
        planned.push({ tenant: event.tenant, sequence: event.sequence, ...route, refusal })
      }
    }

    let pending = 0
    if (planned.length > 0) {
      const targets = new Map(planned.map((p) => [targetKey(p), p]))
      const disabled = await ensureTargets(tx, [...targets.values()])
      const atLimit =
        monthlyLimit === undefined ? new Set<string>() : await tenantsAtLimit(tx, [...new Set(planned.map((p) => p.tenant))], monthlyLimit)
      for (const p of planned) {
        if (p.refusal !== null) continue
        const reason = disabled.get(targetKey(p))
        if (reason !== undefined) p.refusal = `target disabled: ${reason}`
        else if (atLimit.has(p.tenant)) p.refusal = `monthly delivery limit reached: ${monthlyLimit} successful deliveries this month (UTC)`
        else pending += 1
      }
      await insertDeliveries(tx, planned)
    }

    await tx
      .updateTable('outbox_event')
      .set({ dispatched_at: sql<Date>`now()` })
      .where(sql<boolean>`sequence = any(${dispatched}::bigint[])`)
      .execute()
    if (pending > 0) await notifyWorkers(tx)
    return { events: dispatched.length, pending, refused: planned.length - pending, deferred: events.length - dispatched.length }
  })
}

/**
 * Claiming due deliveries: one statement (its own short transaction) that locks due rows
 * `for update skip locked`, counts the attempt and moves `next_attempt_at` past a lease, so the row is
 * this worker's until the lease ends and due again by itself if the worker dies. A row claimed again that
 * way still names the lost worker: the attempt that worker may have made is logged then, outcome unknown.
 * The claim also reads each tenant's routing version, so the worker knows whether its cached
 * configuration is still current.
 *
 * First attempts and retries are separate lanes (each with its own partial index), claimed separately,
 * so a backlog of retries cannot hold up new events. The lane is walked target by target (see the
 * lane indexes): no target is given more rows than the worker has room for at it, and a target with a long
 * backlog the worker cannot take yet costs one index probe, so the rows of other targets are found at once.
 */
import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.js'
import { heldBy } from './record-attempts.js'

export type Lane = 'first' | 'retry'

export interface TargetLoad {
  tenant: string
  configCode: string
  targetId: string
  /** Rows of this target the claiming worker holds (queued or being sent). */
  inFlight: number
}

export interface ClaimRequest {
  lane: Lane
  limit: number
  workerId: string
  leaseMs: number
  perTargetLimit: number
  /** The claiming worker's targets with sends under way. */
  busy: readonly TargetLoad[]
}

export interface ClaimedEvent {
  id: string
  type: string
  tenant: string
  subject: string
  sequence: number
  payload: Record<string, unknown>
  publishedAt: Date
  /** The `traceparent` of the traced request that wrote the event, if any. */
  traceparent?: string
}

export interface ClaimedDelivery {
  id: number
  tenant: string
  configCode: string
  targetId: string
  /** The tenant's routing version as of the claim (null: never configured). */
  routingVersion: number | null
  /** `delivery.attempts` after this claim: the number of the attempt about to be made. */
  attempt: number
  /** When this claim took the delivery: the attempt is filed in the log under this time. */
  claimedAt: Date
  /** Attempts before the last resend or recovery; the retry schedule counts from here. */
  attemptBase: number
  event: ClaimedEvent
}

/** A claimed delivery as the database gives it, with its event. */
export interface ClaimedRow {
  id: number
  tenant: string
  config_code: string
  target_id: string
  attempts: number
  attempt_base: number
  locked_at: Date
  routing_version: number | null
  event_id: string
  type: string
  subject: string
  sequence: number
  payload: Record<string, unknown>
  published_at: Date
  traceparent: string | null
}

export async function claimDeliveries(db: Kysely<DB>, request: ClaimRequest): Promise<ClaimedDelivery[]> {
  const { lane, limit, workerId, leaseMs, perTargetLimit, busy } = request
  if (limit <= 0) return []
  // The lane test is spelled out (not a parameter) so each lane's query uses its partial index. Not a
  // prepared statement: the generic plan PostgreSQL settles on after a few runs kept one backend busy
  // at every claim under a backlog (measured), where the plan for the values at hand probes by target.
  const inLane = lane === 'first' ? sql`d.attempts = 0` : sql`d.attempts > 0`
  const { rows } = await sql<ClaimedRow>`
    with recursive busy as (
      select * from unnest(${busy.map((b) => b.tenant)}::text[], ${busy.map((b) => b.configCode)}::text[],
                           ${busy.map((b) => b.targetId)}::text[], ${busy.map((b) => b.inFlight)}::int[])
        as b (tenant, config_code, target_id, in_flight)
    ), target as (
      -- The targets with rows in the lane, one index probe each.
      (select d.tenant, d.config_code, d.target_id from delivery d
       where d.state = 'pending' and ${inLane}
       order by d.tenant, d.config_code, d.target_id limit 1)
      union all
      select next.tenant, next.config_code, next.target_id
      from target t cross join lateral (
        select d.tenant, d.config_code, d.target_id from delivery d
        where d.state = 'pending' and ${inLane}
          and (d.tenant, d.config_code, d.target_id) > (t.tenant, t.config_code, t.target_id)
        order by d.tenant, d.config_code, d.target_id limit 1
      ) next
    ), candidate as (
      -- Each target's due rows, oldest first, as many as the worker has room for at that target.
      select due.id, due.next_attempt_at
      from target t
      left join busy b using (tenant, config_code, target_id)
      cross join lateral (
        select d.id, d.next_attempt_at from delivery d
        where d.tenant = t.tenant and d.config_code = t.config_code and d.target_id = t.target_id
          and d.state = 'pending' and ${inLane} and d.next_attempt_at <= now()
        order by d.next_attempt_at
        limit greatest(0, ${perTargetLimit}::int - coalesce(b.in_flight, 0))
      ) due
    ), picked as (
      -- By id alone (an array, so that no plan can turn this into a scan of every due row). The locked
      -- rows' values are their latest: a previous claim that was never reported shows here.
      select d.id, d.locked_by, d.locked_at, d.attempts
      from delivery d
      where d.id = any(array(select id from candidate order by next_attempt_at limit ${limit}::int))
      for update skip locked
    ), claimed as (
      update delivery d
      set attempts = d.attempts + 1,
          locked_by = ${workerId},
          locked_at = now(),
          next_attempt_at = now() + ${leaseMs}::double precision * interval '1 millisecond'
      from picked, outbox_event e
      -- Rechecked on the row's latest version: another worker may have claimed it (and moved it past its
      -- lease) since the scan. The lane is left out on purpose: it would let the planner reach for the
      -- lane's index instead of the rows already picked.
      where d.id = picked.id and e.sequence = d.event_sequence
        and d.state = 'pending' and d.next_attempt_at <= now()
      returning d.id, d.tenant, d.config_code, d.target_id, d.attempts, d.attempt_base, d.locked_at,
                (select v.version from webhook_routing_version v where v.tenant = d.tenant) as routing_version,
                e.id as event_id, e.type, e.subject, e.sequence, e.payload, e.published_at, e.traceparent
    ), lost as (
      -- Filed under the earlier claim's time, as that claim's worker files its report.
      insert into delivery_attempt (delivery_id, attempt, claimed_at, started_at, duration_ms, status, error)
      select p.id, p.attempts, coalesce(p.locked_at, now()), coalesce(p.locked_at, now()), null, null,
             'outcome unknown: worker ' || p.locked_by || ' did not report this attempt before its lease ran out'
      from picked p join claimed c using (id)
      where p.locked_by is not null and p.attempts > 0
      on conflict (delivery_id, attempt, claimed_at) do nothing
    )
    select * from claimed`.execute(db)
  return rows.map(claimedDelivery)
}

export function claimedDelivery(row: ClaimedRow): ClaimedDelivery {
  return {
    id: Number(row.id),
    tenant: row.tenant,
    configCode: row.config_code,
    targetId: row.target_id,
    routingVersion: row.routing_version === null ? null : Number(row.routing_version),
    attempt: row.attempts,
    claimedAt: row.locked_at,
    attemptBase: row.attempt_base,
    event: {
      id: row.event_id,
      type: row.type,
      tenant: row.tenant,
      subject: row.subject,
      sequence: Number(row.sequence),
      payload: row.payload,
      publishedAt: row.published_at,
      ...(row.traceparent ? { traceparent: row.traceparent } : {}),
    },
  }
}

/**
 * Gives back the rows claimed by `workerId` that it does not know it holds: a claim can commit and its
 * answer be lost with the connection. They are due again at once, the attempt their claim counted taken
 * back. Returns how many.
 */
export async function releaseOrphans(db: Kysely<DB>, workerId: string, held: readonly number[]): Promise<number> {
  const { rows } = await sql<{ released: number }>`
    with released as (
      update delivery d
      set locked_by = null, locked_at = null, attempts = d.attempts - 1, next_attempt_at = now()
      where d.locked_by = ${workerId} and d.state = 'pending' and d.id <> all(${held}::bigint[])
      returning 1
    )
    select count(*)::int as released from released`.execute(db)
  return rows[0].released
}

/**
 * Gives back claimed rows that were never sent (a worker stopping with rows still queued): they are due
 * again at once, and the attempt their claim counted is taken back.
 */
export async function releaseDeliveries(db: Kysely<DB>, workerId: string, claimed: readonly ClaimedDelivery[]): Promise<void> {
  if (claimed.length === 0) return
  await sql`
    update delivery d
    set locked_by = null, locked_at = null, attempts = d.attempts - 1, next_attempt_at = now()
    from unnest(${claimed.map((c) => c.id)}::bigint[], ${claimed.map((c) => c.attempt)}::int[]) as r (id, attempt)
    where d.id = r.id and ${heldBy(workerId)} and d.attempts = r.attempt and d.state = 'pending'`.execute(db)
}

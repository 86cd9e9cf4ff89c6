/**
 * Recording attempts: one statement per batch writes every attempt to the log and applies each outcome
 * to its delivery. An outcome applies only while the row is still locked by this worker for this very
 * attempt: a row whose lease ran out and was claimed again is left to its new owner (the attempt is
 * still logged, since it happened, replacing the "outcome unknown" entry the new claim made for it).
 *
 * The statement reaches each delivery by its id, whatever the table holds: the worker's id is a test
 * on the row, never a way in (see {@link heldBy}). And it is planned at every write, not prepared: a
 * plan PostgreSQL keeps for a prepared statement is made for the table as it was then, and one made
 * while the table was small went on reading it all (or every row version this worker ever claimed) at
 * every write once it had grown.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { DB, DeliveryState } from '../db/schema.js'

export interface AttemptOutcome {
  deliveryId: number
  /** The attempt number the claim gave (`delivery.attempts` after it). */
  attempt: number
  /** When the claim that made this attempt took the delivery (the log's partition key). */
  claimedAt: Date
  startedAt: Date
  durationMs: number
  status: number | null
  excerpt: string | null
  error: string | null
  /** The headers sent (configured values masked), as JSON; null when nothing was sent. */
  requestHeaders: string | null
  state: DeliveryState
  /** For `pending`: milliseconds from now until the next attempt. */
  retryInMs: number | null
}

/** Returns the ids of the deliveries the outcomes were applied to. */
export async function recordAttempts(db: Kysely<DB>, workerId: string, outcomes: readonly AttemptOutcome[]): Promise<Set<number>> {
  if (outcomes.length === 0) return new Set()
  const { rows } = await attemptsRecord(workerId, outcomes).execute(db)
  return new Set(rows.map((row) => Number(row.id)))
}

/** The statement that records `outcomes` (non-empty), returning the ids of the deliveries it applied them to. */
export function attemptsRecord(workerId: string, outcomes: readonly AttemptOutcome[]): RawBuilder<{ id: number }> {
  const column = <T>(pick: (o: AttemptOutcome) => T) => outcomes.map(pick)
  return sql<{ id: number }>`
    with outcome as (
      select * from unnest(
        ${column((o) => o.deliveryId)}::bigint[], ${column((o) => o.attempt)}::int[],
        ${column((o) => o.claimedAt.toISOString())}::timestamptz[], ${column((o) => o.startedAt.toISOString())}::timestamptz[],
        ${column((o) => o.durationMs)}::int[],
        ${column((o) => o.status)}::int[], ${column((o) => o.excerpt)}::text[], ${column((o) => o.error)}::text[],
        ${column((o) => o.state)}::text[], ${column((o) => o.retryInMs)}::double precision[], ${column((o) => o.requestHeaders)}::text[])
        as o (delivery_id, attempt, claimed_at, started_at, duration_ms, status, response_excerpt, error, state, retry_in_ms, request_headers)
    ), logged as (
      insert into delivery_attempt (delivery_id, attempt, claimed_at, started_at, duration_ms, status, response_excerpt, error, request_headers)
      select delivery_id, attempt, claimed_at, started_at, duration_ms, status, response_excerpt, error, request_headers::jsonb from outcome
      on conflict (delivery_id, attempt, claimed_at) do update
        set started_at = excluded.started_at, duration_ms = excluded.duration_ms, status = excluded.status,
            response_excerpt = excluded.response_excerpt, error = excluded.error, request_headers = excluded.request_headers
        where delivery_attempt.duration_ms is null
    )
    update delivery d
    set state = o.state,
        next_attempt_at = case when o.state = 'pending' then now() + o.retry_in_ms * interval '1 millisecond' else d.next_attempt_at end,
        finished_at = case when o.state = 'pending' then null else now() end,
        locked_by = null,
        locked_at = null,
        last_status = o.status,
        last_error = o.error
    from outcome o
    where d.id = o.delivery_id and ${heldBy(workerId)} and d.attempts = o.attempt and d.state = 'pending'
    returning d.id`
}

/**
 * `d.locked_by` names `workerId`, as a test PostgreSQL cannot turn into a lookup of the `locked_by`
 * index (`is not distinct from` is not an indexable operator; with a worker id never null it means `=`).
 * That index holds an entry for every row version the worker's claims wrote until a vacuum removes the
 * dead ones, and a plan that starts there reads a worker's whole history at every statement: under a
 * long backlog, writes that took seconds, hit the statement timeout, and let the leases of sends already
 * made run out, so those deliveries were sent again.
 */
export const heldBy = (workerId: string) => sql`d.locked_by is not distinct from ${workerId}`

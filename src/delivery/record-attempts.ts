/**
 * Recording attempts: one statement per batch writes every attempt to the log and applies each outcome
 * to its delivery. An outcome applies only while the row is still locked by this worker for this very
 * attempt: a row whose lease ran out and was claimed again is left to its new owner (the attempt is
 * still logged, since it happened, replacing the "outcome unknown" entry the new claim made for it).
 */
import { type Kysely, sql } from 'kysely'
import { PREPARED } from '../db/prepared-statement.js'
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
  const column = <T>(pick: (o: AttemptOutcome) => T) => outcomes.map(pick)
  const { rows } = await sql<{ id: number }>`${PREPARED}
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
    where d.id = o.delivery_id and d.locked_by = ${workerId} and d.attempts = o.attempt and d.state = 'pending'
    returning d.id`.execute(db)
  return new Set(rows.map((row) => Number(row.id)))
}

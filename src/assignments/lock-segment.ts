/**
 * Assignments hang off a segment: writing one first locks the segment row, so the segment cannot be
 * deleted under it (and a missing segment answers 404 before anything is written).
 *
 * The lock is FOR NO KEY UPDATE, not a key-share lock: it also makes the assignment writes of one
 * segment take turns. A shared lock let two transactions both find no row for a new key, both insert
 * (the second as an ON CONFLICT update), and both answer 201 with a `created` event and version 1.
 * Taking turns, each write reads the state the previous one committed. Segment updates (FOR UPDATE)
 * waited for assignment writes before as well.
 */
import { sql, type Transaction } from 'kysely'
import { PREPARED } from '../db/prepared-statement.js'
import type { DB } from '../db/schema.js'
import { errors } from '../errors.js'
import { membershipLockKey } from '../rules/rule-locks.js'

export async function lockSegment(tx: Transaction<DB>, tenant: string, segmentId: string): Promise<void> {
  lockedSegment(await segmentLock(tx, tenant, segmentId).execute(), segmentId)
}

/** The statement {@link lockSegment} runs, to send with the reads behind it (send-together.ts). */
export function segmentLock(tx: Transaction<DB>, tenant: string, segmentId: string) {
  return tx.selectFrom('segment').select('id').where('tenant', '=', tenant).where('id', '=', segmentId).forNoKeyUpdate()
}

/**
 * The segment's membership lock, exclusive (rule-locks.ts), then its row as `lockSegment` locks it, in one
 * statement: the advisory lock is a one-time filter, which PostgreSQL evaluates before it reads the row,
 * so the order every transaction keeps (advisory locks first) holds. What a manual assignment write or a
 * rule change of one segment takes first.
 */
export async function lockSegmentMembership(tx: Transaction<DB>, tenant: string, segmentId: string): Promise<void> {
  const { rows } = await membershipLock(tenant, segmentId).execute(tx)
  lockedSegment(rows, segmentId)
}

/** The statement {@link lockSegmentMembership} runs, to send with the reads behind it (send-together.ts). */
export function membershipLock(tenant: string, segmentId: string) {
  return sql<{ id: string }>`${PREPARED}
    select s.id from segment s
    where s.tenant = ${tenant} and s.id = ${segmentId}
      and (select pg_advisory_xact_lock(${membershipLockKey(tenant, segmentId)})::text) is not null
    for no key update of s`
}

/** The 404 when the lock found no segment. */
export function lockedSegment(rows: unknown[], segmentId: string): void {
  if (rows.length === 0) throw errors.notFound(segmentId)
}

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
import type { Transaction } from 'kysely'
import type { DB } from '../db/schema.js'
import { errors } from '../errors.js'

export async function lockSegment(tx: Transaction<DB>, tenant: string, segmentId: string): Promise<void> {
  const row = await tx
    .selectFrom('segment')
    .select('id')
    .where('tenant', '=', tenant)
    .where('id', '=', segmentId)
    .forNoKeyUpdate()
    .executeTakeFirst()
  if (!row) throw errors.notFound(segmentId)
}

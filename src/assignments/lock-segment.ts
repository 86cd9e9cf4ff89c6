/**
 * Assignments hang off a segment: writing one first takes a key-share lock on the segment row, so the
 * segment cannot be deleted under it (and a missing segment answers 404 before anything is written).
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
    .forKeyShare()
    .executeTakeFirst()
  if (!row) throw errors.notFound(segmentId)
}

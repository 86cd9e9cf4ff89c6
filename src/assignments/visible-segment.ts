/** A segment as a reader may address it: it exists and, for a customer, is one of their effective segments. */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { errors } from '../errors.js'
import { isEffective } from '../segments/effective.js'
import { isMemberOf, type Membership } from './membership.js'

export async function requireVisibleSegment(
  db: Kysely<DB>,
  tenant: string,
  segmentId: string,
  view: { member?: Membership; onlyEffective: boolean } = { onlyEffective: false },
): Promise<void> {
  let query = db.selectFrom('segment').select('id').where('tenant', '=', tenant).where('id', '=', segmentId)
  if (view.onlyEffective) query = query.where(isEffective('segment'))
  if (view.member) query = query.where(isMemberOf('segment.tenant', 'segment.id', view.member))
  // A segment the reader may not see answers like one that does not exist.
  if (!(await query.executeTakeFirst())) throw errors.notFound(segmentId)
}

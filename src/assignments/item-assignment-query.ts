/**
 * Listing item assignments: of one segment, or across all segments (`/segments/items`) filtered by
 * site, by effective segments, and by membership for a customer's view.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { FieldMap } from '../query/field-map.js'
import { parsePaging } from '../query/paging.js'
import { compileQ } from '../query/q-compiler.js'
import { compileSort, sortBy } from '../query/sort.js'
import { isEffective } from '../segments/effective.js'
import { type ItemAssignment, enrichItemAssignments } from './item-assignments.js'
import { isMemberOf, type Membership } from './membership.js'

export const itemAssignmentFields: FieldMap = {
  type: { type: 'enum', column: 'ia.type', values: ['PRODUCT', 'CATEGORY'] },
  'item.id': { type: 'string', column: 'ia.item_id' },
  itemId: { type: 'string', column: 'ia.item_id' },
  segmentId: { type: 'string', column: 'ia.segment_id' },
  'metadata.createdAt': { type: 'date', column: 'ia.created_at' },
  'metadata.modifiedAt': { type: 'date', column: 'ia.modified_at' },
  'metadata.version': { type: 'number', column: 'ia.version' },
  'mixins.*': { type: 'json', column: 'ia.mixins' },
}

export interface ItemListQuery {
  q?: string
  sort?: string
  pageNumber?: string
  pageSize?: string
  withTotal: boolean
  segmentId?: string
  siteCode?: string
  /** Only assignments of effective segments. */
  onlyActive?: boolean
  member?: Membership
}

export async function listItemAssignments(db: Kysely<DB>, tenant: string, query: ItemListQuery): Promise<{ items: ItemAssignment[]; total?: number }> {
  const paging = parsePaging(query)
  const order = compileSort(query.sort, itemAssignmentFields)
  let matching = db
    .selectFrom('item_assignment as ia')
    .innerJoin('segment as s', (join) => join.onRef('s.tenant', '=', 'ia.tenant').onRef('s.id', '=', 'ia.segment_id'))
    .where('ia.tenant', '=', tenant)
    .where(compileQ(query.q, itemAssignmentFields))
  if (query.segmentId !== undefined) matching = matching.where('ia.segment_id', '=', query.segmentId)
  if (query.siteCode !== undefined) matching = matching.where('s.site_code', '=', query.siteCode)
  if (query.onlyActive) matching = matching.where(isEffective('s'))
  if (query.member) matching = matching.where(isMemberOf('ia.tenant', 'ia.segment_id', query.member))
  const rows = await matching
    .selectAll('ia')
    .$call(sortBy(order))
    .orderBy('ia.segment_id')
    .orderBy('ia.type')
    .orderBy('ia.item_id')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute()
  const items = await enrichItemAssignments(db, tenant, rows)
  if (!query.withTotal) return { items }
  const { count } = await matching.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()
  return { items, total: Number(count) }
}

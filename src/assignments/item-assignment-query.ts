/**
 * Listing item assignments: of one segment, or across all segments (`/segments/items`) filtered by
 * site, by effective segments, and by membership for a customer's view.
 */
import { type AliasedRawBuilder, type Kysely, sql } from 'kysely'
import { PREPARED } from '../db/prepared-statement.js'
import type { DB } from '../db/schema.js'
import type { FieldMap } from '../query/field-map.js'
import { fetchPage, type PageRequest } from '../query/list-page.js'
import { compileQ } from '../query/q-compiler.js'
import { isEffective } from '../segments/effective.js'
import { type ItemAssignment, type ItemAssignmentRow, itemAssignmentColumns, itemAssignmentOf, itemAssignmentText } from './item-assignments.js'
import { isMemberOf, type Membership } from './membership.js'

const itemAssignmentFields: FieldMap = {
  type: { type: 'enum', column: 'ia.type', values: ['PRODUCT', 'CATEGORY'] },
  'item.id': { type: 'string', column: 'ia.item_id' },
  itemId: { type: 'string', column: 'ia.item_id' },
  segmentId: { type: 'string', column: 'ia.segment_id' },
  'metadata.createdAt': { type: 'date', column: 'ia.created_at' },
  'metadata.modifiedAt': { type: 'date', column: 'ia.modified_at' },
  'metadata.version': { type: 'number', column: 'ia.version' },
  'mixins.*': { type: 'json', column: 'ia.mixins' },
}

export interface ItemListQuery extends PageRequest {
  q?: string
  segmentId?: string
  siteCode?: string
  /** Only assignments of effective segments. */
  onlyActive?: boolean
  member?: Membership
}

export async function listItemAssignments(db: Kysely<DB>, tenant: string, query: ItemListQuery): Promise<{ items: ItemAssignment[]; total?: number }> {
  const { rows, total } = await pageOf(db, tenant, query, itemAssignmentColumns)
  return { items: (rows as ItemAssignmentRow[]).map(itemAssignmentOf), total }
}

/**
 * The same page as {@link listItemAssignments}, each assignment as the JSON text of its whole object: for
 * a reader who takes the assignments as they are, the page goes out without being parsed and serialized.
 */
export async function listItemAssignmentTexts(db: Kysely<DB>, tenant: string, query: ItemListQuery): Promise<{ texts: string[]; total?: number }> {
  const { rows, total } = await pageOf(db, tenant, query, itemAssignmentText)
  return { texts: rows.map((row) => (row as { assignment: string }).assignment), total }
}

function pageOf(db: Kysely<DB>, tenant: string, query: ItemListQuery, columns: AliasedRawBuilder<unknown, 'assignment'>) {
  let matching = db
    .selectFrom('item_assignment as ia')
    .innerJoin('segment as s', (join) => join.onRef('s.tenant', '=', 'ia.tenant').onRef('s.id', '=', 'ia.segment_id'))
    .where('ia.tenant', '=', tenant)
    .where(compileQ(query.q, itemAssignmentFields))
  if (query.segmentId !== undefined) matching = matching.where('ia.segment_id', '=', query.segmentId)
  if (query.siteCode !== undefined) matching = matching.where('s.site_code', '=', query.siteCode)
  if (query.onlyActive) matching = matching.where(isEffective('s'))
  if (query.member) matching = matching.where(isMemberOf('ia.tenant', 'ia.segment_id', query.member))
  return fetchPage(
    matching,
    // The storefront's listing comes in a few shapes (paging and filters are parameters): prepared. A
    // client's q or sort makes a text of its own, each time different.
    (q) => (query.q === undefined && query.sort === undefined ? q.modifyFront(PREPARED) : q).select(columns),
    itemAssignmentFields,
    ['ia.segment_id', 'ia.type', 'ia.item_id'],
    query,
    sql<number>`octet_length(ia::text)`,
  )
}

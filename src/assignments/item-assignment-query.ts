/**
 * Listing item assignments: of one segment, or across all segments (`/segments/items`) filtered by
 * site, by effective segments, and by membership for a customer's view.
 */
import { type AliasedRawBuilder, type CompiledQuery, type Kysely, sql } from 'kysely'
import { PREPARED } from '../db/prepared-statement.js'
import { StatementTemplates } from '../db/statement-template.js'
import type { DB } from '../db/schema.js'
import type { FieldMap } from '../query/field-map.js'
import { fetchPage, needsSizeCheck, orderedPage, type PageRequest } from '../query/list-page.js'
import { type Paging, parsePaging } from '../query/paging.js'
import { compileQ } from '../query/q-compiler.js'
import { isEffective } from '../segments/effective.js'
import { type ItemAssignment, type ItemAssignmentRow, itemAssignmentColumns, itemAssignmentOf, itemAssignmentText } from './item-assignments.js'
import { actsIn, type Membership } from './membership.js'

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
  const { rows, total } = await pageOf(db, tenant, query, 'objects')
  return { items: (rows as ItemAssignmentRow[]).map(itemAssignmentOf), total }
}

/**
 * The same page as {@link listItemAssignments}, each assignment as the JSON text of its whole object: for
 * a reader who takes the assignments as they are, the page goes out without being parsed and serialized.
 */
export async function listItemAssignmentTexts(db: Kysely<DB>, tenant: string, query: ItemListQuery): Promise<{ texts: string[]; total?: number }> {
  const { rows, total } = await pageOf(db, tenant, query, 'texts')
  return { texts: rows.map((row) => (row as { assignment: string }).assignment), total }
}

export type Columns = 'objects' | 'texts'
const COLUMNS: Record<Columns, AliasedRawBuilder<unknown, 'assignment'>> = { objects: itemAssignmentColumns, texts: itemAssignmentText }
const TIE_BREAKERS = ['ia.segment_id', 'ia.type', 'ia.item_id']

function matchingOf(db: Kysely<DB>, tenant: string, query: Omit<ItemListQuery, keyof PageRequest>) {
  let matching = db.selectFrom('item_assignment as ia').where('ia.tenant', '=', tenant).where(compileQ(query.q, itemAssignmentFields))
  if (query.segmentId !== undefined) matching = matching.where('ia.segment_id', '=', query.segmentId)
  if (query.member) return matching.where('ia.segment_id', 'in', memberSegments(db, tenant, query.member, query))
  let segments = matching.innerJoin('segment as s', (join) => join.onRef('s.tenant', '=', 'ia.tenant').onRef('s.id', '=', 'ia.segment_id'))
  if (query.siteCode !== undefined) segments = segments.where('s.site_code', '=', query.siteCode)
  if (query.onlyActive) segments = segments.where(isEffective('s'))
  return segments
}

/**
 * The segments a member's assignments are read from: the member's own, of the site and effective when
 * asked. Their assignments are then read segment by segment through the primary key. (Joining the
 * segments to the assignments instead let a prepared statement's generic plan read every segment of the
 * tenant in id order, to save sorting a page it has to sort anyway.)
 */
function memberSegments(db: Kysely<DB>, tenant: string, member: Membership, query: Pick<ItemListQuery, 'siteCode' | 'onlyActive'>) {
  let segments = db
    .selectFrom('customer_assignment as m')
    .innerJoin('segment as s', (join) => join.onRef('s.tenant', '=', 'm.tenant').onRef('s.id', '=', 'm.segment_id'))
    .select('m.segment_id')
    .where('m.tenant', '=', tenant)
    .where('m.customer_id', '=', member.customerId)
    .where(actsIn('m', member))
  if (query.siteCode !== undefined) segments = segments.where('s.site_code', '=', query.siteCode)
  if (query.onlyActive) segments = segments.where(isEffective('s'))
  return segments
}

/** The storefront's pages (no client-written q or sort, no total): per database, built once per shape. */
const storefrontPages = new WeakMap<Kysely<DB>, StatementTemplates<Record<string, string | number>>>()

async function pageOf(db: Kysely<DB>, tenant: string, query: ItemListQuery, columns: Columns): Promise<{ rows: unknown[]; total?: number }> {
  const paging = parsePaging(query)
  if (query.q === undefined && query.sort === undefined && !query.withTotal && !needsSizeCheck(query.budget, paging)) {
    return { rows: (await db.executeQuery(storefrontPage(db, tenant, query, columns, paging))).rows }
  }
  return fetchPage(
    matchingOf(db, tenant, query),
    // A client's q or sort makes a text of its own, each time different: not prepared. Without them (a
    // total, or a page that needs its size checked) the text comes in a few shapes: prepared.
    (q) => (query.q === undefined && query.sort === undefined ? q.modifyFront(PREPARED) : q).select(COLUMNS[columns]),
    itemAssignmentFields,
    TIE_BREAKERS,
    query,
    sql<number>`octet_length(ia::text)`,
  )
}

/**
 * The statement of a storefront page. Its text comes in a few shapes (which filters are present, how the
 * member's legal entity counts), so it is prepared, and built by the query builder once per shape. The
 * values given say the shape: which are present, and whether the member's legal entity is one.
 */
export function storefrontPage(db: Kysely<DB>, tenant: string, query: ItemListQuery, columns: Columns, paging: Pick<Paging, 'limit' | 'offset'>): CompiledQuery {
  const { segmentId, siteCode, onlyActive, member } = query
  const values: Record<string, string | number> = { tenant, limit: paging.limit, offset: paging.offset }
  if (segmentId !== undefined) values.segmentId = segmentId
  if (siteCode !== undefined) values.siteCode = siteCode
  if (member) {
    values.customerId = member.customerId
    // Every legal entity counts (no condition), or one (its own, or B2C alone: '').
    if (member.legalEntityId !== undefined || !member.anyLegalEntity) values.legalEntityId = member.legalEntityId ?? ''
  }
  let templates = storefrontPages.get(db)
  if (!templates) storefrontPages.set(db, (templates = new StatementTemplates()))
  return templates.compile(`${columns} ${onlyActive === true} ${Object.keys(values).join(',')}`, values, (p) => {
    const customerId = p.customerId as string | undefined
    const legalEntityId = p.legalEntityId as string | undefined
    const filters = {
      segmentId: p.segmentId as string | undefined,
      siteCode: p.siteCode as string | undefined,
      onlyActive,
      member: customerId === undefined ? undefined : legalEntityId === undefined ? { customerId, anyLegalEntity: true } : { customerId, legalEntityId },
    }
    return storefrontPageQuery(db, p.tenant as string, filters, columns, { limit: p.limit as number, offset: p.offset as number })
  })
}

/** What {@link storefrontPage} compiles, built by the query builder. */
export function storefrontPageQuery(
  db: Kysely<DB>,
  tenant: string,
  filters: Omit<ItemListQuery, keyof PageRequest>,
  columns: Columns,
  paging: Pick<Paging, 'limit' | 'offset'>,
) {
  return orderedPage(matchingOf(db, tenant, filters).modifyFront(PREPARED).select(COLUMNS[columns]), [], TIE_BREAKERS, paging.limit, paging.offset)
}

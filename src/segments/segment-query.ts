/** Listing and searching segments: `q`, sort and paging compiled to one parameterized query (+ count). */
import type { Kysely } from 'kysely'
import { isMemberOf, type Membership } from '../assignments/membership.js'
import type { DB } from '../db/schema.js'
import type { FieldMap } from '../query/field-map.js'
import { parsePaging } from '../query/paging.js'
import { compileQ } from '../query/q-compiler.js'
import { compileSort, sortBy } from '../query/sort.js'
import { isEffective } from './effective.js'
import { rowToSegment } from './segment-rows.js'
import type { Segment } from './segment-schemas.js'

/** The fields clients may query and sort segments by. */
export const segmentFields: FieldMap = {
  id: { type: 'string', column: 'id' },
  'name.*': { type: 'localized', column: 'name' },
  'description.*': { type: 'localized', column: 'description' },
  status: { type: 'enum', column: 'status', values: ['ACTIVE', 'INACTIVE'] },
  siteCode: { type: 'string', column: 'site_code' },
  'validity.from': { type: 'date', column: 'validity_from' },
  'validity.to': { type: 'date', column: 'validity_to' },
  'metadata.createdAt': { type: 'date', column: 'created_at' },
  'metadata.modifiedAt': { type: 'date', column: 'modified_at' },
  'metadata.version': { type: 'number', column: 'version' },
  'mixins.*': { type: 'json', column: 'mixins' },
}

export interface SegmentListQuery {
  q?: string
  sort?: string
  pageNumber?: string
  pageSize?: string
  /** Count all matches too (X-Total-Count). */
  withTotal: boolean
  /** Language for a localized sort key written without one. */
  language?: string
  /** Only segments this customer is assigned to. */
  member?: Membership
  /** Only effective segments. */
  onlyEffective?: boolean
}

export async function listSegments(db: Kysely<DB>, tenant: string, query: SegmentListQuery): Promise<{ items: Segment[]; total?: number }> {
  const where = compileQ(query.q, segmentFields)
  const order = compileSort(query.sort, segmentFields, { defaultLanguage: query.language })
  const paging = parsePaging(query)
  let matching = db.selectFrom('segment').where('tenant', '=', tenant).where(where)
  if (query.member) matching = matching.where(isMemberOf('segment.tenant', 'segment.id', query.member))
  if (query.onlyEffective) matching = matching.where(isEffective('segment'))
  const rows = await matching
    .selectAll()
    .$call(sortBy(order))
    // The id makes the order total, so pages neither repeat nor skip rows.
    .orderBy('id')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute()
  const items = rows.map(rowToSegment)
  if (!query.withTotal) return { items }
  const { count } = await matching.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()
  return { items, total: Number(count) }
}

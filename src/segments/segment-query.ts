/** Listing and searching segments: `q`, sort and paging compiled to one parameterized query (+ count). */
import { type Kysely, sql } from 'kysely'
import { isMemberOf, type Membership } from '../assignments/membership.js'
import type { DB } from '../db/schema.js'
import type { FieldMap } from '../query/field-map.js'
import { fetchPage, type PageRequest } from '../query/list-page.js'
import { compileQ } from '../query/q-compiler.js'
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

export interface SegmentListQuery extends PageRequest {
  q?: string
  /** Only segments this customer is assigned to. */
  member?: Membership
  /** Only effective segments. */
  onlyEffective?: boolean
}

export async function listSegments(db: Kysely<DB>, tenant: string, query: SegmentListQuery): Promise<{ items: Segment[]; total?: number }> {
  let matching = db.selectFrom('segment').where('tenant', '=', tenant).where(compileQ(query.q, segmentFields))
  if (query.member) matching = matching.where(isMemberOf('segment.tenant', 'segment.id', query.member))
  if (query.onlyEffective) matching = matching.where(isEffective('segment'))
  const { rows, total } = await fetchPage(matching, (q) => q.selectAll(), segmentFields, ['segment.id'], query, sql<number>`octet_length(segment::text)`)
  return { items: rows.map(rowToSegment), total }
}

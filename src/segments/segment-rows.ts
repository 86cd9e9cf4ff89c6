/** SQL for segments: reading and writing `segment` rows, and converting rows to the API shape. */
import { CompiledQuery, type Kysely, type Selectable, type Transaction } from 'kysely'
import type { DB, SegmentTable } from '../db/schema.js'
import type { Segment } from './segment-schemas.js'

export type SegmentRow = Selectable<SegmentTable>
type Db = Kysely<DB> | Transaction<DB>

export function rowToSegment(row: SegmentRow): Segment {
  const segment: Segment = {
    id: row.id,
    name: row.name,
    status: row.status,
    siteCode: row.site_code,
    metadata: { version: row.version, createdAt: row.created_at.toISOString(), modifiedAt: row.modified_at.toISOString() },
  }
  if (row.description) segment.description = row.description
  if (row.validity_from || row.validity_to) {
    segment.validity = {}
    if (row.validity_from) segment.validity.from = row.validity_from.toISOString()
    if (row.validity_to) segment.validity.to = row.validity_to.toISOString()
  }
  if (row.mixins) segment.mixins = row.mixins
  if (row.metadata_mixins) segment.metadata.mixins = row.metadata_mixins as Record<string, string>
  return segment
}

/** Column values for a segment's content (everything but tenant, id and bookkeeping). */
export function segmentColumns(segment: Segment) {
  return {
    name: JSON.stringify(segment.name),
    description: segment.description ? JSON.stringify(segment.description) : null,
    validity_from: segment.validity?.from ? new Date(segment.validity.from) : null,
    validity_to: segment.validity?.to ? new Date(segment.validity.to) : null,
    status: segment.status,
    site_code: segment.siteCode,
    mixins: segment.mixins ? JSON.stringify(segment.mixins) : null,
    metadata_mixins: segment.metadata.mixins ? JSON.stringify(segment.metadata.mixins) : null,
    version: segment.metadata.version,
    created_at: new Date(segment.metadata.createdAt),
    modified_at: new Date(segment.metadata.modifiedAt),
  }
}

// The storefront's hottest read, compiled once: building it per request cost a tenth of a GET.
const SELECT_SEGMENT = 'select * from "segment" where "tenant" = $1 and "id" = $2'

export async function selectSegment(db: Db, tenant: string, id: string, forUpdate = false): Promise<SegmentRow | undefined> {
  const { rows } = await db.executeQuery<SegmentRow>(CompiledQuery.raw(forUpdate ? `${SELECT_SEGMENT} for update` : SELECT_SEGMENT, [tenant, id]))
  return rows[0]
}

/** Inserts unless the id is taken; returns whether it inserted. */
export async function insertSegment(db: Db, tenant: string, segment: Segment): Promise<boolean> {
  const inserted = await db
    .insertInto('segment')
    .values({ tenant, id: segment.id, ...segmentColumns(segment) })
    .onConflict((oc) => oc.columns(['tenant', 'id']).doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted !== undefined
}

export async function updateSegment(db: Db, tenant: string, segment: Segment): Promise<void> {
  const { created_at: _createdAt, ...columns } = segmentColumns(segment)
  await db.updateTable('segment').set(columns).where('tenant', '=', tenant).where('id', '=', segment.id).execute()
}

export async function deleteSegmentRow(db: Db, tenant: string, id: string): Promise<void> {
  await db.deleteFrom('segment').where('tenant', '=', tenant).where('id', '=', id).execute()
}

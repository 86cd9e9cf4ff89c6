/** Reading the event log: a tenant's committed events, oldest first. */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'

export interface EventLogQuery {
  tenant: string
  type?: string
  /** Only events published at or after this time. */
  sinceTime?: Date
  /** Only events with a greater sequence. */
  afterSequence?: number
  limit: number
  offset: number
}

export interface LoggedEvent {
  id: string
  type: string
  time: string
  sequence: number
  subject: string
  payload: Record<string, unknown>
}

export async function listEvents(db: Kysely<DB>, query: EventLogQuery): Promise<LoggedEvent[]> {
  let select = db
    .selectFrom('outbox_event')
    .select(['id', 'type', 'published_at', 'sequence', 'subject', 'payload'])
    .where('tenant', '=', query.tenant)
  if (query.type) select = select.where('type', '=', query.type)
  if (query.sinceTime) select = select.where('published_at', '>=', query.sinceTime)
  if (query.afterSequence !== undefined) select = select.where('sequence', '>', query.afterSequence)
  const rows = await select.orderBy('sequence').limit(query.limit).offset(query.offset).execute()
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    time: row.published_at.toISOString(),
    sequence: row.sequence,
    subject: row.subject,
    payload: row.payload,
  }))
}

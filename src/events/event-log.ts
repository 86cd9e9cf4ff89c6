/**
 * Reading the event log: a tenant's committed events, oldest first, each with its deliveries. A page is
 * bounded in bytes as lists are (query/list-page.ts).
 */
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely'
import type { DB, DeliveryState } from '../db/schema.js'
import { eventDeliveries } from '../delivery/log/delivery-summary.js'
import type { DeliverySummary } from '../delivery/log/log-schemas.js'
import type { PageBudget } from '../query/list-page.js'
import { pageBytesError } from '../query/paging.js'

export interface EventLogQuery {
  tenant: string
  type?: string
  /** Only events published at or after this time. */
  sinceTime?: Date
  /** Only events with a greater sequence. */
  afterSequence?: number
  /** Only events with at least one delivery in this state. */
  deliveryState?: DeliveryState
  limit: number
  offset: number
  budget?: PageBudget
}

export interface LoggedEvent {
  id: string
  type: string
  time: string
  sequence: number
  subject: string
  payload: Record<string, unknown>
  deliveries: DeliverySummary[]
}

function selectEvents(db: Kysely<DB>, tenant: string) {
  return db
    .selectFrom('outbox_event')
    .select(['id', 'type', 'published_at', 'sequence', 'subject', 'payload'])
    .select(eventDeliveries)
    .where('tenant', '=', tenant)
}

type EventRow = Awaited<ReturnType<ReturnType<typeof selectEvents>['executeTakeFirstOrThrow']>>
type SelectOnEvents = SelectQueryBuilder<DB, 'outbox_event', object>

function toLoggedEvent(row: EventRow): LoggedEvent {
  return {
    id: row.id,
    type: row.type,
    time: row.published_at.toISOString(),
    sequence: row.sequence,
    subject: row.subject,
    payload: row.payload,
    deliveries: row.deliveries,
  }
}

export async function listEvents(db: Kysely<DB>, query: EventLogQuery): Promise<LoggedEvent[]> {
  const { budget } = query
  if (budget && query.limit * budget.documentBytes > budget.pageBytes) {
    const sizes = await filtered(db.selectFrom('outbox_event').where('tenant', '=', query.tenant), query)
      .select(sql<number>`octet_length(payload::text)`.as('bytes'))
      .orderBy('sequence')
      .limit(query.limit)
      .offset(query.offset)
      .execute()
    const bytes = sizes.reduce((sum, row) => sum + Number(row.bytes), 0)
    if (bytes > budget.pageBytes) throw pageBytesError(bytes, sizes.length, budget.pageBytes)
  }
  const rows = await filtered(selectEvents(db, query.tenant), query).orderBy('sequence').limit(query.limit).offset(query.offset).execute()
  return rows.map(toLoggedEvent)
}

/** `select` narrowed to the events the query asks for. */
function filtered<Q extends SelectOnEvents>(select: Q, query: EventLogQuery): Q {
  if (query.type) select = select.where('type', '=', query.type) as Q
  if (query.sinceTime) select = select.where('published_at', '>=', query.sinceTime) as Q
  if (query.afterSequence !== undefined) select = select.where('sequence', '>', query.afterSequence) as Q
  const state = query.deliveryState
  if (state) {
    select = select.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('delivery')
          .select('delivery.id')
          .whereRef('delivery.event_sequence', '=', 'outbox_event.sequence')
          .where('delivery.state', '=', state),
      ),
    ) as Q
  }
  return select
}

export async function getEvent(db: Kysely<DB>, tenant: string, id: string): Promise<LoggedEvent | undefined> {
  const row = await selectEvents(db, tenant).where('id', '=', id).executeTakeFirst()
  return row && toLoggedEvent(row)
}

/**
 * The outbox writer. Every change calls `appendEvent` inside its own transaction, after writing the
 * entity row, so a committed change always has its event and a rolled-back one never does.
 */
import { type RawBuilder, sql, type Transaction } from 'kysely'
import { Compile } from 'typebox/compile'
import { v7 as uuidv7 } from 'uuid'
import { PREPARED } from '../db/prepared-statement.js'
import type { DB } from '../db/schema.js'
import { activeTraceparent } from '../observability/event-traceparent.js'
import { type EventPayload, type EventType, eventPayloadSchemas } from './catalogue.js'

const validators = Object.fromEntries(
  Object.entries(eventPayloadSchemas).map(([type, schema]) => [type, Compile(schema)]),
) as Record<EventType, ReturnType<typeof Compile>>

export interface NewEvent<T extends EventType> {
  type: T
  tenant: string
  /** The resource the event is about, e.g. `segments/abc`. */
  subject: string
  payload: EventPayload<T>
}

/**
 * NOTIFY channel told (on commit) that new events await the dispatcher. The payload is the statement's
 * events as the dispatcher would read them (a JSON array, see `notifiedEvents`), so that a dispatcher need
 * not read them again; empty when they are too many or too large for a notification.
 */
export const OUTBOX_CHANNEL = 'css_outbox'

/** The most events, and the most bytes, a notification carries (PostgreSQL's limit is 8,000 bytes). */
export const NOTIFIED_EVENTS = { count: 20, bytes: 7_000 }

export class InvalidEventPayloadError extends Error {
  override name = 'InvalidEventPayloadError'
}

function check(event: NewEvent<EventType>): void {
  const validator = validators[event.type]
  if (!validator.Check(event.payload)) {
    // A payload that breaks its published schema is a bug here, never the client's fault.
    const problems = validator.Errors(event.payload).map((e) => `${e.instancePath || '/'} ${e.message}`)
    throw new InvalidEventPayloadError(`${event.type} payload breaks its schema: ${problems.join('; ')}`)
  }
}

/**
 * Writes events in one statement whatever their number: one JSON document holds them all (a text array
 * per column cost twice as much to escape and send, 0.25 s for 4,800 events against 0.11 s); their
 * sequences follow the order given. The same statement notifies the dispatchers, which PostgreSQL delivers
 * only if the transaction commits: with the events themselves when they fit (OUTBOX_CHANNEL).
 *
 * `alongside`, a data-modifying statement (the change the events are about), runs as part of the same
 * statement: one round trip to the database instead of two. Both parts see the same snapshot and neither
 * sees the other's rows. It must come in a few shapes only (the statement is prepared), and it runs even
 * when there are no events.
 */
export async function appendEvents(tx: Transaction<DB>, events: NewEvent<EventType>[], alongside?: RawBuilder<unknown>): Promise<void> {
  if (events.length === 0) {
    if (alongside) await sql`${PREPARED} ${alongside}`.execute(tx)
    return
  }
  for (const event of events) check(event)
  await eventsAppend(events, alongside).execute(tx)
}

/** The statement {@link appendEvents} runs for `events` (non-empty; appendEvents checks them against their schemas first). */
export function eventsAppend(events: NewEvent<EventType>[], alongside?: RawBuilder<unknown>): RawBuilder<unknown> {
  const publishedAt = new Date()
  const rows = JSON.stringify(events.map(({ tenant, type, subject, payload }) => ({ id: uuidv7(), tenant, type, subject, payload })))
  return sql`${PREPARED}
    with ${alongside ? sql`alongside as (${alongside}), ` : sql``}inserted as (
      insert into outbox_event (id, tenant, type, subject, payload, published_at, traceparent)
      select id, tenant, type, subject, payload, ${publishedAt}, ${activeTraceparent() ?? null}::text
      from rows from (jsonb_to_recordset(${rows}::jsonb) as (id uuid, tenant text, type text, subject text, payload jsonb))
        with ordinality as e(id, tenant, type, subject, payload, position)
      order by position
      returning sequence, id, tenant, type, subject, payload, published_at, traceparent
    ), notified as (
      select case when count(*) <= ${NOTIFIED_EVENTS.count}::int then json_agg(json_build_object(
               'sequence', i.sequence, 'id', i.id, 'tenant', i.tenant, 'type', i.type, 'subject', i.subject,
               'payload', i.payload, 'published_at', i.published_at, 'traceparent', i.traceparent,
               'routing_version', (select v.version from webhook_routing_version v where v.tenant = i.tenant))
             order by i.sequence)::text end as events
      -- One more than a notification carries, to know there are more: a bulk write builds no JSON for them all.
      from (select * from inserted limit ${NOTIFIED_EVENTS.count + 1}::int) i
    )
    select pg_notify(${OUTBOX_CHANNEL}, case when octet_length(events) <= ${NOTIFIED_EVENTS.bytes}::int then events else '' end)
    from notified`
}

export function appendEvent<T extends EventType>(tx: Transaction<DB>, event: NewEvent<T>): Promise<void> {
  return appendEvents(tx, [event as NewEvent<EventType>])
}

/**
 * A delivery as the delivery log shows it: where it goes, its state, and how its last attempt ended.
 * The columns are one selection, used for an event's deliveries (as a JSON array) and for a single row.
 */
import { type Expression, type ExpressionBuilder, type Kysely, type RawBuilder, sql } from 'kysely'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import type { DB } from '../../db/schema.js'
import type { DeliverySummary } from './log-schemas.js'

/** An RFC 3339 UTC text with milliseconds, as the API writes times everywhere. */
function utcText(time: Expression<unknown>): RawBuilder<string | null> {
  return sql<string | null>`to_char(${time} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
}

function summaryColumns(eb: ExpressionBuilder<DB, 'delivery'>) {
  return [
    'delivery.id',
    'delivery.config_code as configCode',
    'delivery.target_id as targetId',
    'delivery.state',
    'delivery.attempts',
    'delivery.last_status as lastStatus',
    'delivery.last_error as lastError',
    eb
      .case()
      .when('delivery.state', '=', 'pending')
      .then(utcText(sql.ref('delivery.next_attempt_at')))
      .else(null)
      .end()
      .as('nextAttemptAt'),
    utcText(sql.ref('delivery.finished_at')).as('finishedAt'),
  ] as const
}

/** For a select from `outbox_event`: the event's deliveries, oldest first, as a `deliveries` array. */
export function eventDeliveries(eb: ExpressionBuilder<DB, 'outbox_event'>) {
  return jsonArrayFrom(
    eb
      .selectFrom('delivery')
      .select(summaryColumns)
      .whereRef('delivery.event_sequence', '=', 'outbox_event.sequence')
      .orderBy('delivery.id'),
  ).as('deliveries')
}

export async function deliverySummary(db: Kysely<DB>, id: number): Promise<DeliverySummary | undefined> {
  return db.selectFrom('delivery').select(summaryColumns).where('delivery.id', '=', id).executeTakeFirst()
}

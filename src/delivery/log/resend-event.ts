/**
 * Resending one event to one target: its delivery for that target becomes pending and due now, with a
 * fresh retry schedule. The row is reused when the event already had one (delivered, failed or waiting
 * for a retry); otherwise one is made, e.g. for an event the filter dropped or a target added later.
 */
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import { notifyWorkers } from '../delivery-channel.js'
import { errors } from '../../errors.js'
import { deliverySummary } from './delivery-summary.js'
import type { DeliverySummary } from './log-schemas.js'
import { requireSendableTarget } from './targets.js'

export interface ResendRequest {
  tenant: string
  eventId: string
  configCode: string
  targetId: string
}

export async function resendEvent(db: Kysely<DB>, { tenant, eventId, configCode, targetId }: ResendRequest): Promise<DeliverySummary> {
  return db.transaction().execute(async (tx) => {
    const event = await tx
      .selectFrom('outbox_event')
      .select(['sequence', 'type'])
      .where('tenant', '=', tenant)
      .where('id', '=', eventId)
      .executeTakeFirst()
    if (!event) throw errors.notFound(eventId)
    await requireSendableTarget(tx, { tenant, configCode, targetId }, event.type)
    await tx
      .insertInto('delivery_target')
      .values({ tenant, config_code: configCode, target_id: targetId })
      .onConflict((conflict) => conflict.columns(['tenant', 'config_code', 'target_id']).doNothing())
      .execute()
    const due = await tx
      .insertInto('delivery')
      .values({
        tenant,
        event_sequence: event.sequence,
        config_code: configCode,
        target_id: targetId,
        state: 'pending',
        next_attempt_at: sql`now()`,
        created_at: sql`now()`,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['event_sequence', 'config_code', 'target_id'])
          .doUpdateSet((eb) => ({
            state: 'pending',
            next_attempt_at: sql`now()`,
            attempt_base: eb.ref('delivery.attempts'),
            finished_at: null,
          }))
          // A row a worker holds a live lease on is being sent: making it due would send it twice.
          .where((eb) =>
            eb.not(
              eb.and([
                eb('delivery.state', '=', 'pending'),
                eb('delivery.locked_by', 'is not', null),
                eb('delivery.next_attempt_at', '>', sql<Date>`now()`),
              ]),
            ),
          ),
      )
      .returning('id')
      .executeTakeFirst()
    if (!due) {
      const held = await tx
        .selectFrom('delivery')
        .select('id')
        .where('event_sequence', '=', event.sequence)
        .where('config_code', '=', configCode)
        .where('target_id', '=', targetId)
        .executeTakeFirstOrThrow()
      throw errors.deliveryInFlight(held.id)
    }
    await notifyWorkers(tx)
    return (await deliverySummary(tx, due.id)) as DeliverySummary
  })
}

/**
 * Operator actions on a whole target: recover what it has not received since a time (those deliveries
 * become pending and due now, with a fresh retry schedule), and re-enable a target the engine disabled.
 */
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import { notifyWorkers } from '../delivery-channel.js'
import { errors } from '../../errors.js'
import type { TargetRef } from '../target-health.js'
import { findConfiguredTarget, requireSendableTarget } from './targets.js'

/**
 * Makes due again every delivery of the target created at or after `since` that has not arrived: failed
 * ones, and pending ones waiting for a retry. Never a delivered one, nor one being sent (claimed by a
 * worker). Returns how many.
 */
export async function recoverTarget(db: Kysely<DB>, target: TargetRef, since: Date): Promise<number> {
  const { tenant, configCode, targetId } = target
  return db.transaction().execute(async (tx) => {
    await requireSendableTarget(tx, target)
    const result = await tx
      .updateTable('delivery')
      .set((eb) => ({ state: 'pending', next_attempt_at: sql`now()`, attempt_base: eb.ref('attempts'), finished_at: null }))
      .where('tenant', '=', tenant)
      .where('config_code', '=', configCode)
      .where('target_id', '=', targetId)
      .where('created_at', '>=', since)
      .where((eb) =>
        eb.or([
          eb('state', '=', 'failed'),
          eb.and([eb('state', '=', 'pending'), eb('attempts', '>', 0), eb('locked_by', 'is', null), eb('next_attempt_at', '>', sql<Date>`now()`)]),
        ]),
      )
      .executeTakeFirst()
    const recovered = Number(result.numUpdatedRows)
    if (recovered > 0) await notifyWorkers(tx)
    return recovered
  })
}

/** Clears the target's disabled state and its failure clock; 404 when neither the config nor the engine knows it. */
export async function enableTarget(db: Kysely<DB>, { tenant, configCode, targetId }: TargetRef): Promise<void> {
  const result = await db
    .updateTable('delivery_target')
    .set({ disabled_at: null, disabled_reason: null, failing_since: null })
    .where('tenant', '=', tenant)
    .where('config_code', '=', configCode)
    .where('target_id', '=', targetId)
    .executeTakeFirst()
  if (result.numUpdatedRows > 0n) return
  if (!(await findConfiguredTarget(db, tenant, configCode, targetId))) throw errors.notFound(`${configCode}/${targetId}`)
}

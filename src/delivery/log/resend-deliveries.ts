/**
 * Resending many deliveries at once, chosen by a filter: target, state, event type and the time range of
 * the events. One statement makes every chosen delivery pending and due now, with a fresh retry schedule,
 * and counts them. A delivery being sent (claimed by a worker with a live lease) is left alone, so nothing
 * is sent twice at once; deliveries to a disabled target are left alone too (re-enable it first).
 */
import { type Kysely, sql } from 'kysely'
import type { DB, DeliveryState } from '../../db/schema.js'
import { notifyWorkers } from '../delivery-channel.js'

export interface ResendFilter {
  tenant: string
  configCode?: string
  targetId?: string
  state?: DeliveryState
  eventType?: string
  /** Events published at or after this time. */
  since: Date
  /** Events published before this time. */
  until?: Date
}

export async function resendDeliveries(db: Kysely<DB>, filter: ResendFilter): Promise<number> {
  const { tenant, configCode = null, targetId = null, state = null, eventType = null, since, until = null } = filter
  return db.transaction().execute(async (tx) => {
    const { rows } = await sql<{ resent: number }>`
      with chosen as (
        select d.id
        from delivery d
        join outbox_event e on e.sequence = d.event_sequence
        join delivery_target t on t.tenant = d.tenant and t.config_code = d.config_code and t.target_id = d.target_id
        where d.tenant = ${tenant}
          and (${configCode}::text is null or d.config_code = ${configCode}::text)
          and (${targetId}::text is null or d.target_id = ${targetId}::text)
          and (${state}::text is null or d.state = ${state}::text)
          and (${eventType}::text is null or e.type = ${eventType}::text)
          and e.published_at >= ${since.toISOString()}::timestamptz
          and (${until?.toISOString() ?? null}::timestamptz is null or e.published_at < ${until?.toISOString() ?? null}::timestamptz)
          and t.disabled_at is null
          and not (d.state = 'pending' and d.locked_by is not null and d.next_attempt_at > now())
        for update of d skip locked
      ), resent as (
        update delivery d
        set state = 'pending', next_attempt_at = now(), attempt_base = d.attempts, finished_at = null
        from chosen
        where d.id = chosen.id
        returning 1
      )
      select count(*)::int as resent from resent`.execute(tx)
    const [{ resent }] = rows
    if (resent > 0) await notifyWorkers(tx)
    return resent
  })
}

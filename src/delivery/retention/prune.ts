/**
 * One round of retention, in small batches so no statement holds many locks or runs long:
 * - delivered deliveries finished before the cutoff go, with their attempts in the default partition (those
 *   in a time range go with it: attempt-partitions.ts),
 *   each counted into `delivery_month` first so the monthly statistics survive;
 * - then events published before the cutoff that no delivery refers to any more.
 * A pending or failed delivery is never deleted, nor is its event: it can still be retried, recovered
 * or resent. Rows are picked with `skip locked`, so several workers prune side by side without waiting.
 */
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'

/** Deletes up to `limit` delivered deliveries finished before `cutoff`; returns how many. */
export async function pruneDeliveries(db: Kysely<DB>, cutoff: Date, limit: number): Promise<number> {
  const { rows } = await sql<{ pruned: number | string }>`
    with chosen as (
      select id from delivery
      where state = 'delivered' and finished_at < ${cutoff}
      order by finished_at
      limit ${limit}
      for update skip locked
    ), pruned as (
      delete from delivery d using chosen where d.id = chosen.id
      returning d.id, d.tenant, d.finished_at
    ), unlogged as (
      -- Their attempts in a time range go with the range, within a day (unread meanwhile: the log is read
      -- through its delivery); deleting them here would write the WAL and dead rows the ranges avoid.
      delete from delivery_attempt_default a using pruned where a.delivery_id = pruned.id
    ), counted as (
      insert into delivery_month (tenant, month, delivered)
      select tenant, date_trunc('month', finished_at at time zone 'UTC')::date, count(*) from pruned group by 1, 2
      on conflict (tenant, month) do update set delivered = delivery_month.delivered + excluded.delivered
    )
    select count(*) as pruned from pruned
  `.execute(db)
  return Number(rows[0]?.pruned ?? 0)
}

/** Deletes up to `limit` events published before `cutoff` that no delivery refers to; returns how many. */
export async function pruneEvents(db: Kysely<DB>, cutoff: Date, limit: number): Promise<number> {
  const { rows } = await sql<{ pruned: number | string }>`
    with chosen as (
      select e.sequence from outbox_event e
      where e.published_at < ${cutoff}
        and e.dispatched_at is not null
        and not exists (select 1 from delivery d where d.event_sequence = e.sequence)
      order by e.published_at
      limit ${limit}
      for update skip locked
    ), pruned as (
      delete from outbox_event e using chosen where e.sequence = chosen.sequence
      returning 1
    )
    select count(*) as pruned from pruned
  `.execute(db)
  return Number(rows[0]?.pruned ?? 0)
}

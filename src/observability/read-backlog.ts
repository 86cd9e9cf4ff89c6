/**
 * The backlog as the database holds it, read for a scrape in one short transaction under a statement
 * timeout of its own. Each part is a walk of a partial index whose rows are the backlog itself
 * (undispatched events, pending deliveries, rules being evaluated) or of a table with a row per target,
 * and the attempt log's time ranges (a few dozen): its cost grows with the backlog, never with the history
 * the tables keep.
 */
import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.js'
import { listAttemptPartitions } from '../delivery/retention/attempt-partitions.js'

export interface Backlog {
  /** Events not dispatched yet, and the age in seconds of the oldest (0 when there is none). */
  undispatchedEvents: number
  outboxLagSeconds: number
  /** Pending deliveries per config code: `first` waiting for their first attempt, `retry` waiting for a retry. */
  pending: { configCode: string; lane: 'first' | 'retry'; count: number }[]
  disabledTargets: number
  /** Rule evaluations queued or under way, and the directory customers they have left to look at. */
  ruleEvaluations: { pending: number; running: number; customersLeft: number }
  /** How far past now the attempt log's time ranges reach, in seconds; NaN when it has none (retention off). */
  attemptRangesAheadSeconds: number
}

export async function readBacklog(db: Kysely<DB>, statementTimeoutMs: number): Promise<Backlog> {
  return db.transaction().execute(async (tx) => {
    await sql`select set_config('statement_timeout', ${String(statementTimeoutMs)}, true)`.execute(tx)
    const { rows } = await sql<{ undispatched: number; lag: number; disabled: number; pending_rules: number; running_rules: number; customers_left: number }>`
      select o.undispatched, o.lag, t.disabled, r.pending_rules, r.running_rules, r.customers_left
      from (select count(*) as undispatched,
                   coalesce(greatest(0, extract(epoch from now() - min(published_at))), 0)::float8 as lag
            from outbox_event where dispatched_at is null) o,
           (select count(*) as disabled from delivery_target where disabled_at is not null) t,
           (select count(*) filter (where state = 'PENDING') as pending_rules,
                   count(*) filter (where state = 'RUNNING') as running_rules,
                   coalesce(sum(greatest(total - evaluated, 0)), 0)::float8 as customers_left
            from segment_rule where state <> 'DONE') r`.execute(tx)
    // Each lane spelled out, so each uses its partial index. A claimed first attempt counts as an attempt
    // made (attempts > 0) but is not waiting: rows under a worker's lease are left out of the retry lane.
    const pending = await sql<{ config_code: string; lane: 'first' | 'retry'; count: number }>`
      select config_code, 'first' as lane, count(*) as count
      from delivery where state = 'pending' and attempts = 0 group by config_code
      union all
      select config_code, 'retry' as lane, count(*) as count
      from delivery where state = 'pending' and attempts > 0 and locked_by is null group by config_code`.execute(tx)
    // The ranges retention makes: not the one of the attempts from before the partitioned layout.
    const reach = (await listAttemptPartitions(tx)).filter((range) => range.start).at(-1)?.end
    const [row] = rows
    return {
      undispatchedEvents: Number(row.undispatched),
      outboxLagSeconds: Number(row.lag),
      pending: pending.rows.map((p) => ({ configCode: p.config_code, lane: p.lane, count: Number(p.count) })),
      disabledTargets: Number(row.disabled),
      ruleEvaluations: { pending: Number(row.pending_rules), running: Number(row.running_rules), customersLeft: Number(row.customers_left) },
      attemptRangesAheadSeconds: reach ? (reach.getTime() - Date.now()) / 1000 : Number.NaN,
    }
  })
}

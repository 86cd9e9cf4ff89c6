/**
 * The time ranges of the attempt log (`delivery_attempt`, partitioned by `claimed_at`), kept by the
 * retention loop:
 * - `ensureAttemptPartitions` creates the range holding now and the next ones, so attempts land in a range
 *   of their own. The default partition takes the attempts no range holds: none while the ranges are kept
 *   ahead, some when no engine kept them for days. It stays small, which matters: PostgreSQL reads all of
 *   it whenever a range is made.
 * - `dropExpiredAttemptPartitions` drops every range that ended before the cutoff: its attempts go whole,
 *   without dead rows or vacuum.
 * - `pruneDefaultAttempts` deletes what is older than the cutoff from the default partition in batches.
 *
 * A range is named after the UTC time it starts, `delivery_attempt_YYYYMMDD_HHMMSS` (the range of the
 * attempts from before the partitioned layout, `delivery_attempt_00000000_000000`); a table so named is the
 * only kind ever dropped. Several engines may keep the ranges side by side: changes are made under one advisory
 * lock, and give up after a short lock wait rather than stall attempt writes behind them.
 */
import { type Kysely, sql, type Transaction } from 'kysely'
import type { DB } from '../../db/schema.js'

/** One UTC day: a range per day, so retention frees a day's attempts at a time. */
export const ATTEMPT_PARTITION_MS = 86_400_000
/** Ranges made beyond the one holding now. */
const RANGES_AHEAD = 2
/** Serialises range changes between engines sharing a database. */
const PARTITION_LOCK_KEY = 7_310_2041
/** How long a change of ranges waits for the attempt log's lock before trying again next round. */
const LOG_LOCK_TIMEOUT = '1s'
const LOCK_NOT_AVAILABLE = '55P03'

const PREFIX = 'delivery_attempt_'
const NAME = /^delivery_attempt_\d{8}_\d{6}$/

export function attemptPartitionName(start: Date): string {
  const iso = start.toISOString()
  return `${PREFIX}${iso.slice(0, 10).replaceAll('-', '')}_${iso.slice(11, 19).replaceAll(':', '')}`
}

export interface AttemptRange {
  name: string
  /** Undefined for the range of everything before the partitioned layout (from MINVALUE). */
  start: Date | undefined
  end: Date
}

/**
 * The attempt log's ranges, oldest first (not the default partition), with their bounds as PostgreSQL
 * prints them, read back by PostgreSQL in the same session.
 */
export async function listAttemptPartitions(db: Kysely<DB>): Promise<AttemptRange[]> {
  // Bounds may be finer than a millisecond (the migration's ends at its `now()`): starts are rounded down
  // and ends up, so that a range made from them never overlaps and a drop is never early.
  const { rows } = await sql<{ name: string; starts_ms: number | null; ends_ms: number }>`
    select name, floor(extract(epoch from substring(bound from 'FROM \\(''([^'']*)''\\)')::timestamptz) * 1000)::float8 as starts_ms,
           ceil(extract(epoch from substring(bound from 'TO \\(''([^'']*)''\\)')::timestamptz) * 1000)::float8 as ends_ms
    from (select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
          from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = 'delivery_attempt'::regclass) as part
    where bound <> 'DEFAULT'
    order by ends_ms`.execute(db)
  return rows.map((row) => ({ name: row.name, start: row.starts_ms === null ? undefined : new Date(Number(row.starts_ms)), end: new Date(Number(row.ends_ms)) }))
}

/**
 * Makes the range holding `now` and the next ones, on a grid of `widthMs`; returns the names it made. A
 * range starts no earlier than the last one ends, nor before an attempt already in the default partition
 * (one written while no range was there), so no range ever overlaps another and no attempt is ever moved:
 * what is in the default partition stays there until retention deletes it by age.
 */
export async function ensureAttemptPartitions(db: Kysely<DB>, now: Date, widthMs = ATTEMPT_PARTITION_MS): Promise<string[]> {
  if (widthMs < 1000 || widthMs % 1000 !== 0) throw new RangeError(`an attempt range must be whole seconds, not ${widthMs} ms`)
  const first = Math.floor(now.getTime() / widthMs) * widthMs
  const last = first + (RANGES_AHEAD + 1) * widthMs
  // Where the ranges end: the last one's end (they come ordered by it).
  const covered = async (q: Kysely<DB>) => (await listAttemptPartitions(q)).at(-1)?.end.getTime() ?? Number.NEGATIVE_INFINITY
  if ((await covered(db)) >= last) return []
  return changeRanges(db, async (tx) => {
    // Read again under the lock: another engine may have made them meanwhile.
    let from = await covered(tx)
    // The first millisecond after the latest attempt there (timestamps are finer than milliseconds).
    const { rows } = await sql<{ after: number | null }>`
      select (floor(extract(epoch from max(claimed_at)) * 1000) + 1)::float8 as after from delivery_attempt_default`.execute(tx)
    if (rows[0].after !== null) from = Math.max(from, Number(rows[0].after))
    const made: string[] = []
    for (let end = first + widthMs; end <= last; end += widthMs) {
      const start = Math.max(end - widthMs, from)
      if (start >= end) continue
      const name = attemptPartitionName(new Date(start))
      // Bounds are part of the statement (DDL takes no parameters); both are ISO timestamps made here.
      await sql`create table ${sql.id(name)} partition of delivery_attempt
        for values from (${sql.lit(new Date(start).toISOString())}) to (${sql.lit(new Date(end).toISOString())})`.execute(tx)
      made.push(name)
      from = end
    }
    return made
  }, [])
}

/**
 * Drops every range that ended at or before `cutoff`. Each is first detached, a change of the catalog
 * alone, and then dropped as a table of its own, so that writers never wait while its files are removed.
 * A range left detached (an engine stopped in between) is dropped by the next round.
 */
export async function dropExpiredAttemptPartitions(db: Kysely<DB>, cutoff: Date): Promise<string[]> {
  const expired = (await listAttemptPartitions(db)).filter((range) => range.end.getTime() <= cutoff.getTime())
  for (const { name } of expired) {
    const detached = await changeRanges(db, async (tx) => {
      await sql`alter table delivery_attempt detach partition ${sql.id(name)}`.execute(tx)
      return true
    }, false)
    if (!detached) break
  }
  const { rows: detached } = await sql<{ name: string }>`
    select c.relname as name from pg_class c
    where c.relnamespace = (select relnamespace from pg_class where oid = 'delivery_attempt'::regclass)
      and c.relkind = 'r' and c.relname ~ ${NAME.source}
      and not exists (select 1 from pg_inherits i where i.inhrelid = c.oid)
    order by c.relname`.execute(db)
  for (const { name } of detached) await sql`drop table if exists ${sql.id(name)}`.execute(db)
  return detached.map((row) => row.name)
}

/**
 * Runs `change` with the attempt log to itself: under the advisory lock that orders engines, then with the
 * log locked before any of its partitions, the order every writer takes them in (a change that locked a
 * partition first could deadlock with an insert holding the log and routing to it). No other table is
 * locked: the log has no foreign keys, whose triggers would lock the table they refer to. If the log stays
 * held past a short wait (long readers), nothing changes and the result is `unchanged`: the next round
 * tries again, and writers never queue long behind the change.
 */
async function changeRanges<T>(db: Kysely<DB>, change: (tx: Transaction<DB>) => Promise<T>, unchanged: T): Promise<T> {
  try {
    return await db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`.execute(tx)
      await sql`select set_config('lock_timeout', ${LOG_LOCK_TIMEOUT}, true)`.execute(tx)
      await sql`lock table delivery_attempt in access exclusive mode`.execute(tx)
      return change(tx)
    })
  } catch (error) {
    if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) return unchanged
    throw error
  }
}

/** Deletes up to `limit` attempts claimed before `cutoff` from the default partition; returns how many. */
export async function pruneDefaultAttempts(db: Kysely<DB>, cutoff: Date, limit: number): Promise<number> {
  const { rows } = await sql<{ pruned: number | string }>`
    with chosen as (
      select delivery_id, attempt, claimed_at from delivery_attempt_default
      where claimed_at < ${cutoff}
      order by claimed_at
      limit ${limit}
      for update skip locked
    ), pruned as (
      delete from delivery_attempt_default a using chosen c
      where a.delivery_id = c.delivery_id and a.attempt = c.attempt and a.claimed_at = c.claimed_at
      returning 1
    )
    select count(*) as pruned from pruned
  `.execute(db)
  return Number(rows[0]?.pruned ?? 0)
}

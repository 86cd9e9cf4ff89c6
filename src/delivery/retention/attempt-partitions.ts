/**
 * The time ranges of the attempt log (`delivery_attempt`, partitioned by `claimed_at`), kept by the
 * retention loop:
 * - `ensureAttemptPartitions` creates the range holding now and the next ones, so attempts land in a range
 *   of their own. Attempts that landed in the default partition first (an engine that had just started, a
 *   database that was away) are moved into their range when it is made.
 * - `dropExpiredAttemptPartitions` drops every range that ended before the cutoff: its attempts go whole,
 *   without dead rows or vacuum.
 * - `pruneDefaultAttempts` deletes what is older than the cutoff from the default partition in batches.
 *
 * A range is named after the UTC time it starts, `delivery_attempt_YYYYMMDD_HHMMSS`; only tables so named
 * are ever dropped. Several engines may keep the ranges side by side: changes are made under one advisory
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
const NAME = /^delivery_attempt_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})$/

export function attemptPartitionName(start: Date): string {
  const iso = start.toISOString()
  return `${PREFIX}${iso.slice(0, 10).replaceAll('-', '')}_${iso.slice(11, 19).replaceAll(':', '')}`
}

function startOf(name: string): Date | undefined {
  const parts = NAME.exec(name)
  if (!parts) return undefined
  const [, year, month, day, hour, minute, second] = parts.map(Number)
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second))
}

export interface AttemptRange {
  name: string
  start: Date
}

/** The attempt log's ranges, oldest first (not the default partition). */
export async function listAttemptPartitions(db: Kysely<DB>): Promise<AttemptRange[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'delivery_attempt'::regclass`.execute(db)
  return rows
    .flatMap(({ name }) => {
      const start = startOf(name)
      return start ? [{ name, start }] : []
    })
    .sort((a, b) => a.start.getTime() - b.start.getTime())
}

/** Makes the range holding `now` and the next ones, `widthMs` each; returns the names it made. */
export async function ensureAttemptPartitions(db: Kysely<DB>, now: Date, widthMs = ATTEMPT_PARTITION_MS): Promise<string[]> {
  if (widthMs < 1000 || widthMs % 1000 !== 0) throw new RangeError(`an attempt range must be whole seconds, not ${widthMs} ms`)
  const existing = new Set((await listAttemptPartitions(db)).map((range) => range.name))
  const first = Math.floor(now.getTime() / widthMs) * widthMs
  const made: string[] = []
  for (let k = 0; k <= RANGES_AHEAD; k++) {
    const start = new Date(first + k * widthMs)
    const name = attemptPartitionName(start)
    if (existing.has(name)) continue
    if (await createRange(db, name, start, new Date(start.getTime() + widthMs))) made.push(name)
  }
  return made
}

async function createRange(db: Kysely<DB>, name: string, start: Date, end: Date): Promise<boolean> {
  // Bounds are part of the statement (DDL takes no parameters); both are ISO timestamps made here.
  const from = sql.lit(start.toISOString())
  const to = sql.lit(end.toISOString())
  const table = sql.id(name)
  return changeRanges(db, async (tx) => {
    const { rows: taken } = await sql`select 1 from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'delivery_attempt'::regclass and c.relname = ${name}`.execute(tx)
    if (taken.length > 0) return false
    // A range may not be made while the default partition holds rows that belong in it: those move first.
    const { rows: strays } = await sql`select 1 from delivery_attempt_default
      where claimed_at >= ${start} and claimed_at < ${end} limit 1`.execute(tx)
    if (strays.length === 0) {
      await sql`create table ${table} partition of delivery_attempt for values from (${from}) to (${to})`.execute(tx)
      return true
    }
    await sql`create table ${table} (like delivery_attempt including all)`.execute(tx)
    await sql`with moved as (
        delete from delivery_attempt_default where claimed_at >= ${start} and claimed_at < ${end} returning *
      ) insert into ${table} select * from moved`.execute(tx)
    await sql`alter table delivery_attempt attach partition ${table} for values from (${from}) to (${to})`.execute(tx)
    return true
  })
}

/**
 * Drops every range that ends at or before `cutoff`: one whose successor starts by then (ranges never
 * overlap, so it ends no later). The range holding the cutoff stays until the next one is due. Each range
 * is first detached, a change of the catalog alone, and then dropped as a table of its own, so that writers
 * never wait while its files are removed. A range left detached (an engine stopped in between) is dropped
 * by the next round.
 */
export async function dropExpiredAttemptPartitions(db: Kysely<DB>, cutoff: Date): Promise<string[]> {
  const ranges = await listAttemptPartitions(db)
  const expired = ranges.filter((range, i) => i + 1 < ranges.length && ranges[i + 1].start.getTime() <= cutoff.getTime())
  for (const { name } of expired) {
    const done = await changeRanges(db, async (tx) => {
      await sql`alter table delivery_attempt detach partition ${sql.id(name)}`.execute(tx)
      return true
    })
    if (!done) break
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
 * held past a short wait (long readers), nothing changes and the result is false: the next round tries
 * again, and writers never queue long behind the change.
 */
async function changeRanges(db: Kysely<DB>, change: (tx: Transaction<DB>) => Promise<boolean>): Promise<boolean> {
  try {
    return await db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`.execute(tx)
      await sql`select set_config('lock_timeout', ${LOG_LOCK_TIMEOUT}, true)`.execute(tx)
      await sql`lock table delivery_attempt in access exclusive mode`.execute(tx)
      return change(tx)
    })
  } catch (error) {
    if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) return false
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

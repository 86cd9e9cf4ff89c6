/**
 * Retention benchmark: what it costs to let go of a day of the attempt log, deleted row by row in the
 * pruner's batches (how the default partition, the deliveries and the events are pruned) against dropped
 * as a whole time range (how the attempt log's ranges are), while a writer keeps recording attempts.
 *
 *   npm run bench:retention
 *
 * - PostgreSQL at BENCH_DATABASE_URL or DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 *   a fresh database is created for the run and dropped at the end, also on failure or Ctrl-C.
 * - Two equal sets of BENCH_ATTEMPTS (1,000,000) attempts with the headers, status and answer excerpt a real
 *   attempt records: one 40 days old in the default partition, one in yesterday's range.
 * - Throughout, a writer records one attempt at a time into today's range, as workers do, and its latency
 *   is read per phase: first with nothing else going on (the reference, in the same run), then while the
 *   old set is deleted in batches of 1,000, then while yesterday's range is dropped.
 * - Per phase: how long it took, the WAL it wrote, the bytes the table still holds afterwards (deleted rows
 *   keep their space until vacuum), and the writer's p50 / p99 / slowest write. A drop holds the attempt
 *   log's lock for its whole (short) run, so its cost to the writer is its slowest write.
 *
 * Always exits 0 once it has measured: it is a measurement, not a test. It prints whether targets are met.
 */
import pg from 'pg'
import { type Kysely, sql } from 'kysely'
import { openDatabase } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import type { DB } from '../src/db/schema.js'
import { attemptPartitionName, dropExpiredAttemptPartitions, ensureAttemptPartitions, pruneDefaultAttempts } from '../src/delivery/retention/attempt-partitions.js'
import { ADMIN_URL, createFreshDatabase, describeDatabase, intEnv, onCleanup, runBenchmark } from './lifecycle.js'
import { fmt, table } from './report.js'

const DAY = 86_400_000
const settings = {
  attempts: intEnv('BENCH_ATTEMPTS', 1_000_000),
  batch: 1_000,
  /** The writer's pause between attempts. */
  writerPauseMs: 2,
  referenceMs: 3_000,
}
/** Dropping a range against deleting the same rows: at least this many times less WAL (what replicas and backups carry). */
const TARGET_WAL_RATIO = 50

interface Phase {
  name: string
  ms: number
  walBytes: number
  bytesLeft: number
  writes: number[]
}

/** Fills `count` attempts claimed at `at` (spread over an hour), as the worker would record them. */
async function fill(client: pg.Client, count: number, at: Date): Promise<void> {
  await client.query(
    `insert into delivery_attempt (delivery_id, attempt, claimed_at, started_at, duration_ms, status, response_excerpt, error, request_headers)
     select i, 1, $2::timestamptz + (i % 3600) * interval '1 second', $2::timestamptz + (i % 3600) * interval '1 second', 20 + i % 50, 204,
            '{"received":true,"id":"' || md5(i::text) || '"}', null,
            jsonb_build_object('content-type', 'application/json', 'user-agent', 'customer-segment-service',
              'webhook-id', 'msg_' || md5(i::text), 'webhook-timestamp', '1796094199',
              'webhook-signature', 'v1,' || encode(sha256(i::text::bytea), 'base64'),
              'x-emporix-event-type', 'customer-segment.customer-assignment-created', 'x-api-key', '(configured value)')
     from generate_series($1::bigint + 1, $1::bigint + $3) as i`,
    [at.getTime(), at.toISOString(), count],
  )
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

async function walPosition(client: pg.Client): Promise<string> {
  return (await client.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0].lsn
}

async function walSince(client: pg.Client, from: string): Promise<number> {
  return Number((await client.query<{ bytes: string }>('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1) as bytes', [from])).rows[0].bytes)
}

async function bytesOf(client: pg.Client, relation: string): Promise<number> {
  const { rows } = await client.query<{ bytes: string | null }>('select pg_total_relation_size(to_regclass($1)) as bytes', [relation])
  return Number(rows[0].bytes ?? 0)
}

/** Records one attempt at a time into today's range until stopped; each write's latency goes to `into`. */
function startWriter(db: Kysely<DB>): { into(list: number[]): void; stop(): Promise<void> } {
  let target: number[] = []
  let running = true
  let id = 1_000_000_000
  const loop = (async () => {
    while (running) {
      id++
      const began = performance.now()
      await sql`insert into delivery_attempt (delivery_id, attempt, claimed_at, started_at, duration_ms, status) values (${id}, 1, now(), now(), 20, 204)`.execute(db)
      target.push(performance.now() - began)
      await new Promise((resolve) => setTimeout(resolve, settings.writerPauseMs))
    }
  })()
  return {
    into(list) {
      target = list
    },
    async stop() {
      running = false
      await loop
    },
  }
}

async function main(): Promise<void> {
  const url = await createFreshDatabase(ADMIN_URL, 'css_bench_retention')
  const database = await openDatabase({ engine: 'postgres', url, poolSize: 4 })
  onCleanup('close the database', () => database.close())
  await migrate(database)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  onCleanup('close the measuring connection', () => client.end())
  console.log(`retention benchmark: ${settings.attempts.toLocaleString('en')} attempts per set, on ${await describeDatabase(url, client)}`)

  const now = new Date()
  const today = Math.floor(now.getTime() / DAY) * DAY
  // The fresh database's range of attempts from before the partitioned layout (empty, ending now) goes
  // first, so that the ranges can start yesterday and the old set has no range: it lands in the default partition.
  await dropExpiredAttemptPartitions(database.db, now)
  await ensureAttemptPartitions(database.db, new Date(today - DAY))
  const yesterday = attemptPartitionName(new Date(today - DAY))
  const filling = Date.now()
  await fill(client, settings.attempts, new Date(today - 40 * DAY))
  await fill(client, settings.attempts, new Date(today - DAY + 3_600_000))
  await client.query('vacuum analyze delivery_attempt_default')
  await client.query(`vacuum analyze ${yesterday}`)
  await client.query('checkpoint')
  console.log(`filled in ${fmt((Date.now() - filling) / 1000, 1)} s: default partition ${fmt((await bytesOf(client, 'delivery_attempt_default')) / 1e6)} MB, ${yesterday} ${fmt((await bytesOf(client, yesterday)) / 1e6)} MB`)

  const writer = startWriter(database.db)
  const phases: Phase[] = []
  const phase = async (name: string, relation: string, work: () => Promise<void>) => {
    const writes: number[] = []
    writer.into(writes)
    const wal = await walPosition(client)
    const began = performance.now()
    await work()
    const ms = performance.now() - began
    writer.into([])
    phases.push({ name, ms, walBytes: await walSince(client, wal), bytesLeft: await bytesOf(client, relation), writes: writes.sort((a, b) => a - b) })
  }

  await phase('reference (writer alone)', 'delivery_attempt_default', () => new Promise((resolve) => setTimeout(resolve, settings.referenceMs)))
  const cutoff = new Date(today - 30 * DAY)
  let deleted = 0
  await phase(`delete ${settings.attempts.toLocaleString('en')} in batches of ${settings.batch}`, 'delivery_attempt_default', async () => {
    for (;;) {
      const pruned = await pruneDefaultAttempts(database.db, cutoff, settings.batch)
      deleted += pruned
      if (pruned < settings.batch) break
    }
  })
  let dropped: string[] = []
  await phase(`drop the range of ${settings.attempts.toLocaleString('en')}`, yesterday, async () => {
    dropped = await dropExpiredAttemptPartitions(database.db, new Date(today))
  })
  await writer.stop()
  if (deleted !== settings.attempts) throw new Error(`the batches deleted ${deleted} attempts, not ${settings.attempts}`)
  if (!dropped.includes(yesterday)) throw new Error(`the drop did not take ${yesterday}: ${dropped.join(', ') || 'nothing'}`)

  const slowest = (p: Phase) => p.writes.at(-1) ?? Number.NaN
  console.log()
  console.log(
    table(
      ['phase', 'time', 'WAL', 'left on disk', 'writer n', 'p50 ms', 'p99 ms', 'max ms'],
      phases.map((p) => [
        p.name,
        `${fmt(p.ms)} ms`,
        `${fmt(p.walBytes / 1e6, 1)} MB`,
        `${fmt(p.bytesLeft / 1e6, 1)} MB`,
        String(p.writes.length),
        fmt(percentile(p.writes, 50), 2),
        fmt(percentile(p.writes, 99), 2),
        fmt(slowest(p), 2),
      ]),
    ),
  )
  const [reference, deleting, dropping] = phases
  const speedup = deleting.ms / dropping.ms
  const walRatio = deleting.walBytes / Math.max(1, dropping.walBytes)
  const writerRatio = slowest(dropping) / slowest(reference)
  const verdict = (ok: boolean) => (ok ? 'met' : 'not met')
  console.log()
  console.log(`WAL: the drop writes ${fmt(walRatio)}× less than the batched delete (target ≥ ${TARGET_WAL_RATIO}×): ${verdict(walRatio >= TARGET_WAL_RATIO)}`)
  console.log(`space: the dropped range leaves ${fmt(dropping.bytesLeft / 1e6, 1)} MB, the batched delete ${fmt(deleting.bytesLeft / 1e6, 1)} MB until vacuum (target 0 left by the drop): ${verdict(dropping.bytesLeft === 0)}`)
  console.log(`time: the drop is ${fmt(speedup)}× faster; the writer's slowest write while it ran was ${fmt(writerRatio, 2)}× its slowest alone (figures, no target)`)
}

await runBenchmark(main)

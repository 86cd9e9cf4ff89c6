/**
 * Dispatch benchmark: what a dispatcher's batch of one event costs, the batch a trickle of events makes
 * (each commit wakes the dispatcher, which finds the one event it made). Two ways, alternating in the same
 * run: the events locked in a transaction (begin, take, write, commit: how every batch of a backlog runs)
 * and optimistic (read, then a write that takes the events: how the dispatcher runs a trickle).
 *
 *   npm run bench:dispatch
 *
 * - PostgreSQL at BENCH_DATABASE_URL or DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 *   a fresh database is created for the run and dropped at the end.
 * - The dispatcher runs in this process, on a pool of its own, with one tenant configured for one target
 *   (nothing is sent: the deliveries are only created). Each batch follows the commit of one event.
 * - Per batch: wall time (p50 and mean), this process's CPU, its PostgreSQL backend's CPU (read from /proc
 *   per slice: Linux, server on this machine) and round trips (statements sent by the driver).
 * - Settings (env): BENCH_BATCHES (batches per way and slice, 300), BENCH_SLICES (5), BENCH_WARMUP (200
 *   batches of each way first, not counted).
 *
 * Always exits 0 once it has measured; it prints whether its target is met.
 */
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import pg from 'pg'
import { configureWebhook, subscribe } from '../test/support/delivery-helpers.js'
import { openDatabase } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import { dispatchEvents } from '../src/delivery/dispatch-events.js'
import { routingCache } from '../src/webhooks/routing-cache.js'
import { ADMIN_URL, createFreshDatabase, describeDatabase, intEnv, onCleanup, runBenchmark } from './lifecycle.js'
import { backendsCpu, backendsCpuUsed } from './process-cpu.js'
import { fmt, table } from './report.js'
import { captureSql } from './sql-capture.js'

const settings = {
  batches: intEnv('BENCH_BATCHES', 300),
  slices: intEnv('BENCH_SLICES', 5),
  warmup: intEnv('BENCH_WARMUP', 200),
}
/** The optimistic batch against the locked one of the same run, wall time p50. */
const TARGET_RATIO = 0.85
const TENANT = 'bench'
const EVENT_TYPE = 'customer-segment.segment-created'
const WAYS = ['locked', 'optimistic'] as const
type Way = (typeof WAYS)[number]

async function main(): Promise<void> {
  console.log(`dispatch benchmark · ${os.cpus().length} cores · node ${process.version}`)
  const url = await createFreshDatabase(ADMIN_URL, 'css_bench_dispatch')
  console.log(await describeDatabase(url))
  const database = await openDatabase({ engine: 'postgres', url, poolSize: 1 })
  onCleanup('database', () => database.close())
  await migrate(database)
  const { db } = database
  const admin = new pg.Pool({ connectionString: ADMIN_URL, max: 1 })
  onCleanup('admin pool', () => admin.end())
  const databaseName = new URL(url).pathname.slice(1)

  await configureWebhook(db, TENANT, { destinationUrl: 'http://127.0.0.1:9/events' })
  await subscribe(db, TENANT, [EVENT_TYPE])

  const routing = routingCache()
  let n = 0
  /** Commits one event, then dispatches it; the batch's wall time, CPU and statements. */
  async function oneBatch(way: Way): Promise<{ wallMs: number; cpuMs: number; statements: number }> {
    await sql`insert into outbox_event (id, tenant, type, subject, payload, published_at)
              values (gen_random_uuid(), ${TENANT}, ${EVENT_TYPE}, ${`segments/s${n}`}, ${JSON.stringify({ id: `s${n++}` })}::jsonb, now())`.execute(db)
    const cpu = process.cpuUsage()
    const started = performance.now()
    // Every statement the driver sends is one round trip.
    const { result: summary, statements } = await captureSql(() => dispatchEvents(db, { batchSize: 500, routing, optimistic: way === 'optimistic' }))
    const wallMs = performance.now() - started
    const used = process.cpuUsage(cpu)
    if (summary.events !== 1 || summary.pending !== 1) throw new Error(`a batch dispatched ${summary.events} events, ${summary.pending} deliveries`)
    return { wallMs, cpuMs: (used.user + used.system) / 1000, statements: statements.length }
  }

  for (let i = 0; i < settings.warmup; i++) for (const way of WAYS) await oneBatch(way)

  const measured = new Map(WAYS.map((way) => [way, { wall: [] as number[], cpu: 0, postgres: 0, statements: 0, batches: 0 }]))
  for (let slice = 0; slice < settings.slices; slice++) {
    // Alternating slices, so the machine's load changes both ways alike.
    for (const way of slice % 2 === 0 ? WAYS : [...WAYS].reverse()) {
      const m = measured.get(way) as NonNullable<ReturnType<typeof measured.get>>
      const backends = await backendsCpu(admin, databaseName)
      for (let i = 0; i < settings.batches; i++) {
        const batch = await oneBatch(way)
        m.wall.push(batch.wallMs)
        m.cpu += batch.cpuMs
        m.statements += batch.statements
        m.batches++
      }
      // The inserts of the events are in the backend's figure too, alike for both ways.
      m.postgres += backendsCpuUsed(backends, await backendsCpu(admin, databaseName)) * 1000
    }
  }

  const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length
  const rows = WAYS.map((way) => {
    const m = measured.get(way) as NonNullable<ReturnType<typeof measured.get>>
    return [way, fmt(m.batches), fmt(m.statements / m.batches, 1), fmt(p50(m.wall), 2), fmt(mean(m.wall), 2), fmt(m.cpu / m.batches, 2), fmt(m.postgres / m.batches, 2)]
  })
  console.log()
  console.log(table(['batch of 1 event', 'batches', 'round trips', 'wall p50 ms', 'wall mean ms', 'node CPU ms', 'postgres CPU ms (with the insert)'], rows))
  const locked = p50((measured.get('locked') as { wall: number[] }).wall)
  const optimistic = p50((measured.get('optimistic') as { wall: number[] }).wall)
  const ratio = optimistic / locked
  console.log()
  console.log(`target: an optimistic batch ≤ ${TARGET_RATIO}× a locked one (wall p50): ${fmt(ratio, 2)} — ${ratio <= TARGET_RATIO ? 'met' : 'not met'}`)
}

await runBenchmark(main)

/**
 * Dispatch benchmark: what a dispatcher's batch of one event costs, the batch a trickle of events makes
 * (each commit wakes the dispatcher, which finds the one event it made). Three ways, alternating in the
 * same run: the events locked in a transaction (begin, take, write, commit: how every batch of a backlog
 * runs), optimistic (read, then a write that takes the events: a trickle woken without its events) and
 * notified (the write alone, with the events the commit's notification carried: how the dispatcher runs
 * a trickle of small commits).
 *
 *   npm run bench:dispatch
 *
 * - PostgreSQL at BENCH_DATABASE_URL or DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 *   a fresh database is created for the run and dropped at the end.
 * - The dispatcher runs in this process, on a pool of its own, with one tenant configured for one target
 *   (nothing is sent: the deliveries are only created). Each batch follows the commit of one event through
 *   the outbox (a transaction) and the arrival of its notification.
 * - Per batch: wall time (p50 and mean), this process's CPU, its PostgreSQL backend's CPU (read from /proc
 *   per slice: Linux, server on this machine) and round trips (statements sent by the driver).
 * - Settings (env): BENCH_BATCHES (batches per way and slice, 300), BENCH_SLICES (5), BENCH_WARMUP (200
 *   batches of each way first, not counted).
 *
 * Always exits 0 once it has measured; it prints whether its target is met.
 */
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { configureWebhook, subscribe } from '../test/support/delivery-helpers.js'
import { openDatabase } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import { dispatchEvents, notifiedEvents } from '../src/delivery/dispatch-events.js'
import { appendEvent, OUTBOX_CHANNEL } from '../src/events/outbox.js'
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
/** The optimistic batch against the locked one of the same run, and the notified against the optimistic, wall time p50. */
const TARGET_RATIO = 0.85
const TENANT = 'bench'
const EVENT_TYPE = 'customer-segment.segment-created'
const WAYS = ['locked', 'optimistic', 'notified'] as const
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
  const notifications: string[] = []
  onCleanup('listener', await database.listen(OUTBOX_CHANNEL, (payload) => notifications.push(payload)))
  let n = 0
  /** Commits one event through the outbox and waits for its notification, which it returns. */
  async function commitEvent(): Promise<string> {
    const seen = notifications.length
    const at = new Date().toISOString()
    const id = `s${n++}`
    await db.transaction().execute((tx) =>
      appendEvent(tx, {
        type: EVENT_TYPE,
        tenant: TENANT,
        subject: `segments/${id}`,
        payload: { id, tenant: TENANT, name: { en: id }, siteCode: 'main', status: 'ACTIVE', metadata: { version: 1, createdAt: at, modifiedAt: at } },
      }),
    )
    for (const until = Date.now() + 5_000; notifications.length === seen; ) {
      if (Date.now() > until) throw new Error('the commit was not notified within 5 s')
      await new Promise((resolve) => setImmediate(resolve))
    }
    return notifications[seen]
  }
  /** Commits one event, then dispatches it; the batch's wall time, CPU and statements. */
  async function oneBatch(way: Way): Promise<{ wallMs: number; cpuMs: number; statements: number }> {
    const notification = await commitEvent()
    const cpu = process.cpuUsage()
    const started = performance.now()
    const events = way === 'notified' ? notifiedEvents(notification) : undefined
    if (way === 'notified' && events === undefined) throw new Error('the notification did not carry its event')
    // Every statement the driver sends is one round trip.
    const { result: summary, statements } = await captureSql(() => dispatchEvents(db, { batchSize: 500, routing, optimistic: way !== 'locked', events }))
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
  const wall = (way: Way) => p50((measured.get(way) as { wall: number[] }).wall)
  console.log()
  for (const [faster, slower] of [['optimistic', 'locked'], ['notified', 'optimistic']] as const) {
    const ratio = wall(faster) / wall(slower)
    console.log(`target: ${faster} batch ≤ ${TARGET_RATIO}× ${slower} batch (wall p50): ${fmt(ratio, 2)} — ${ratio <= TARGET_RATIO ? 'met' : 'not met'}`)
  }
}

await runBenchmark(main)

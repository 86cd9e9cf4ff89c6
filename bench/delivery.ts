/**
 * Delivery benchmark: how many webhook deliveries per second the service sends, and how long an event
 * takes from its commit to the receiver.
 *
 *   npm run bench:delivery
 *
 * - PostgreSQL at BENCH_DATABASE_URL or DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 *   a fresh database is created for the run and dropped at the end, also on failure or Ctrl-C.
 * - The service runs as `segments serve` in a child process (API, dispatcher and one worker, as deployed
 *   embedded-style on PostgreSQL), configured through its own webhook API. The receiver is another child
 *   process (bench/delivery-receiver.ts) on loopback that answers 204. This process produces the events
 *   through the API. All of them share the machine's cores with PostgreSQL.
 * - Scenarios, with 1 and 4 targets (4 entries of the event type, one path each on the receiver), the
 *   steady runs first (BENCH_SCENARIOS: `steady,max`, or either alone):
 *   - steady: BENCH_RATE (200) single customer assignments per second for BENCH_DURATION (10) s; latency
 *     is arrival time minus the event's `emporix-event-publish-time` (set in the committing transaction);
 *   - max: bulk upserts of 200 new customer assignments from 4 concurrent producers for BENCH_DURATION s;
 *     deliveries/s counts arrivals from the first to the last, backlog included.
 * - The receiver's raw capacity (autocannon POSTing a typical event to it) is measured in the same run:
 *   deliveries/s cannot exceed it.
 * - Where the time goes: CPU used per delivery by the service process, by its PostgreSQL backends and by
 *   the receiver, read from /proc over each scenario (Linux).
 * - Settings (env): BENCH_RATE (200), BENCH_DURATION (10), BENCH_WARMUP (5 s of steady load before each
 *   steady run), BENCH_PRODUCERS (4), BENCH_POOL_SIZE (the service's pool, 20), BENCH_TARGETS (`1,4`),
 *   BENCH_CPU_PROFILE (a folder: the service writes a V8 CPU profile there when it stops).
 *
 * Always exits 0 once it has measured: it is a measurement, not a test. It prints whether targets are met.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { Pool } from 'undici'
import { mintToken } from '../src/auth/mint-token.js'
import { SCOPES } from '../src/auth/principal.js'
import type { ReceiverCommand, ReceiverStats } from './delivery-receiver.js'
import { ADMIN_URL, createFreshDatabase, freePort, intEnv, onCleanup, runBenchmark } from './lifecycle.js'
import { backendsCpu, backendsCpuUsed, processCpuSeconds } from './process-cpu.js'
import { receiverCapacity } from './receiver-capacity.js'
import { table } from './report.js'

const settings = {
  adminUrl: ADMIN_URL,
  tenant: 'bench',
  rate: intEnv('BENCH_RATE', 200),
  durationSeconds: intEnv('BENCH_DURATION', 10),
  warmupSeconds: intEnv('BENCH_WARMUP', 5),
  producers: intEnv('BENCH_PRODUCERS', 4),
  bulkSize: 200,
  poolSize: intEnv('BENCH_POOL_SIZE', 20),
  targetCounts: (process.env.BENCH_TARGETS || '1,4').split(',').map((n) => Number(n)),
  scenarios: new Set((process.env.BENCH_SCENARIOS || 'steady,max').split(',')),
  cpuProfileDir: process.env.BENCH_CPU_PROFILE || undefined,
}
/** Deliveries/s as a share of the receiver's raw capacity, by target count; latency at the steady rate. */
const TARGETS = { capacityShare: new Map([[1, 0.2], [4, 0.35]]), p50: 10, p99: 50 }
const AUTH_SECRET = randomBytes(32).toString('base64url')
const WEBHOOK_SECRET = randomBytes(24).toString('base64url')
const EVENT_TYPE = 'customer-segment.customer-assignment-created'
const SEGMENTS = 20

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// ---------------------------------------------------------------------------------------------------
// Processes

interface Receiver {
  port: number
  pid: number
  ask<T extends { type: string }>(command: ReceiverCommand): Promise<T>
}

async function startReceiver(): Promise<Receiver> {
  const child = fork(fileURLToPath(new URL('./delivery-receiver.ts', import.meta.url)), [], {
    env: { ...process.env, BENCH_DELIVERY_RECEIVER: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  onCleanup('receiver', () => stop(child, () => child.send({ type: 'exit' })))
  const [listening] = (await once(child, 'message')) as [{ port: number }]
  return {
    port: listening.port,
    pid: child.pid as number,
    ask: async (command) => {
      child.send(command)
      const [answer] = await once(child, 'message')
      return answer
    },
  }
}

async function stop(child: ChildProcess, ask: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  ask()
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await once(child, 'exit')
  clearTimeout(timer)
}

async function startService(databaseUrl: string): Promise<{ url: string; pid: number }> {
  const port = await freePort()
  const profile = settings.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', settings.cpuProfileDir] : []
  // The compiled build, as `npm start` runs it (npm install builds it; so does `npm run build`).
  const child = spawn(process.execPath, [...profile, fileURLToPath(new URL('../dist/cli.js', import.meta.url)), 'serve'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(settings.poolSize),
      AUTH_SECRET,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DELIVERY_ALLOW_PRIVATE: 'true',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  onCleanup('service', () => stop(child, () => child.kill('SIGTERM')))
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode})`)
    try {
      if ((await fetch(`${url}/ready`)).ok) return { url, pid: child.pid as number }
    } catch {}
    await sleep(100)
  }
  throw new Error('the service did not become ready in 30 s')
}

// ---------------------------------------------------------------------------------------------------
// The API client

interface Api {
  call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: string }>
}

async function apiClient(base: string): Promise<Api> {
  const token = await mintToken(new TextEncoder().encode(AUTH_SECRET), {
    tenant: settings.tenant,
    scopes: [SCOPES.segmentManage, SCOPES.segmentRead, SCOPES.webhookManage, SCOPES.webhookRead],
    ttl: '2h',
  })
  const pool = new Pool(base, { connections: 32, pipelining: 1 })
  onCleanup('api client', () => pool.close())
  return {
    async call(method, path, body) {
      const response = await pool.request({
        method,
        path,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: response.statusCode, body: await response.body.text() }
    },
  }
}

async function expectStatus(api: Api, expected: number[], ...args: Parameters<Api['call']>): Promise<void> {
  const response = await api.call(...args)
  if (!expected.includes(response.status)) throw new Error(`${args[0]} ${args[1]}: ${response.status} ${response.body}`)
}

/** One config whose event type goes to `targets` entries, one receiver path each. */
async function configureTargets(api: Api, receiverPort: number, targets: number): Promise<void> {
  const receiver = `http://127.0.0.1:${receiverPort}`
  const configuration = {
    destinationUrl: `${receiver}/default`,
    secretKey: WEBHOOK_SECRET,
    eventsConfiguration: Array.from({ length: targets }, (_, i) => ({ eventType: EVENT_TYPE, destinationUrl: `${receiver}/t${i}` })),
  }
  await api.call('DELETE', `/webhook/${settings.tenant}/config/http?force=true`)
  await expectStatus(api, [201], 'POST', `/webhook/${settings.tenant}/config`, { code: 'http', provider: 'HTTP', active: true, configuration })
}

// ---------------------------------------------------------------------------------------------------
// Producers

let customerCounter = 0
const nextCustomer = () => `c${(customerCounter++).toString(36)}`
const segmentPath = (n: number) => `/customer-segment/${settings.tenant}/segments/s${n % SEGMENTS}/customers`

/** `rate` single assignments per second for `seconds`; returns how many were committed. */
async function produceSteady(api: Api, rate: number, seconds: number): Promise<number> {
  const total = rate * seconds
  const started = performance.now()
  const inFlight: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 0) await sleep(wait)
    inFlight.push(expectStatus(api, [201], 'PUT', `${segmentPath(i)}/${nextCustomer()}`, {}))
  }
  await Promise.all(inFlight)
  return total
}

/** Bulk upserts of new customers from `producers` concurrent loops for `seconds`; returns events committed. */
async function produceMax(api: Api, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000
  let events = 0
  await Promise.all(
    Array.from({ length: settings.producers }, async (_, producer) => {
      for (let n = producer; performance.now() < until; n += settings.producers) {
        const items = Array.from({ length: settings.bulkSize }, () => ({ customerId: nextCustomer() }))
        await expectStatus(api, [207], 'PUT', `${segmentPath(n)}/bulk`, items)
        events += items.length
      }
    }),
  )
  return events
}

/** Waits until the receiver has `expected` deliveries (or 60 s without progress). */
/** Waits until every expected delivery has arrived: duplicates (reported) do not count towards them. */
async function drain(receiver: Receiver, expected: number): Promise<ReceiverStats> {
  let last = -1
  let stalledSince = performance.now()
  for (;;) {
    const stats = await receiver.ask<ReceiverStats>({ type: 'stats' })
    const distinct = stats.deliveries - stats.duplicates
    if (distinct >= expected) return stats
    if (distinct !== last) {
      last = distinct
      stalledSince = performance.now()
    } else if (performance.now() - stalledSince > 60_000) {
      throw new Error(`only ${distinct} of ${expected} deliveries arrived (and ${stats.duplicates} duplicates)`)
    }
    await sleep(200)
  }
}

// ---------------------------------------------------------------------------------------------------

interface Row {
  scenario: string
  targets: number
  events: number
  deliveries: number
  perSecond: number
  stats: ReceiverStats
  cpu: CpuUse
}

/** CPU seconds used over a scenario. */
interface CpuUse {
  service: number
  postgres: number
  receiver: number
}

/** Starts counting the CPU the service, its PostgreSQL backends and the receiver use; call the result to read it. */
async function cpuMeter(admin: pg.Pool, database: string, pids: { service: number; receiver: number }): Promise<() => Promise<CpuUse>> {
  const service = processCpuSeconds(pids.service)
  const receiver = processCpuSeconds(pids.receiver)
  const backends = await backendsCpu(admin, database)
  return async () => ({
    service: processCpuSeconds(pids.service) - service,
    postgres: backendsCpuUsed(backends, await backendsCpu(admin, database)),
    receiver: processCpuSeconds(pids.receiver) - receiver,
  })
}

async function main(): Promise<void> {
  console.log(`delivery benchmark · ${os.cpus().length} cores · node ${process.version}`)
  const databaseUrl = await createFreshDatabase(settings.adminUrl, 'css_bench_delivery')
  const receiver = await startReceiver()
  const service = await startService(databaseUrl)
  const api = await apiClient(service.url)
  const admin = new pg.Pool({ connectionString: settings.adminUrl, max: 1 })
  onCleanup('admin pool', () => admin.end())
  const database = new URL(databaseUrl).pathname.slice(1)
  const meter = () => cpuMeter(admin, database, { service: service.pid, receiver: receiver.pid })

  for (let n = 0; n < SEGMENTS; n++) {
    await expectStatus(api, [201], 'PUT', `/customer-segment/${settings.tenant}/segments/s${n}`, { name: { en: `Segment ${n}` }, siteCode: 'main', status: 'ACTIVE' })
  }
  await expectStatus(api, [207], 'PATCH', `/webhook/${settings.tenant}/event-subscriptions`, [{ eventType: EVENT_TYPE, action: 'SUBSCRIBE' }])

  const rows: Row[] = []
  // Steady runs first, on a table without the dead rows a burst leaves behind until autovacuum.
  for (const targets of settings.scenarios.has('steady') ? settings.targetCounts : []) {
    await configureTargets(api, receiver.port, targets)
    // Warm-up: connections, prepared plans, JIT (the first seconds after start run noticeably slower).
    await receiver.ask({ type: 'reset' })
    await drain(receiver, (await produceSteady(api, settings.rate, settings.warmupSeconds)) * targets)

    await receiver.ask({ type: 'reset' })
    const used = await meter()
    const steadyEvents = await produceSteady(api, settings.rate, settings.durationSeconds)
    const steady = await drain(receiver, steadyEvents * targets)
    rows.push({ scenario: `steady ${settings.rate}/s`, targets, events: steadyEvents, deliveries: steady.deliveries, perSecond: rate(steady), stats: steady, cpu: await used() })
  }
  for (const targets of settings.scenarios.has('max') ? settings.targetCounts : []) {
    await configureTargets(api, receiver.port, targets)
    await receiver.ask({ type: 'reset' })
    const used = await meter()
    const maxEvents = await produceMax(api, settings.durationSeconds)
    const max = await drain(receiver, maxEvents * targets)
    rows.push({ scenario: 'max', targets, events: maxEvents, deliveries: max.deliveries, perSecond: rate(max), stats: max, cpu: await used() })
  }
  const capacity = await receiverCapacity(receiver.port, settings.tenant)

  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-')
  const perDelivery = (seconds: number, r: Row) => fmt((seconds * 1e6) / r.deliveries)
  console.log()
  console.log(
    table(
      ['scenario', 'targets', 'events', 'deliveries', 'deliveries/s', 'of capacity', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'dupes', 'CPU µs/delivery: service', 'postgres', 'receiver'],
      rows.map((r) => [
        r.scenario,
        String(r.targets),
        String(r.events),
        String(r.deliveries),
        fmt(r.perSecond),
        (r.perSecond / capacity).toFixed(2),
        fmt(r.stats.latency.p50),
        fmt(r.stats.latency.p90),
        fmt(r.stats.latency.p99),
        fmt(r.stats.latency.max),
        String(r.stats.duplicates),
        perDelivery(r.cpu.service, r),
        perDelivery(r.cpu.postgres, r),
        perDelivery(r.cpu.receiver, r),
      ]),
    ),
  )
  console.log(`\nreceiver raw capacity (autocannon, 16 connections, 5 s): ${fmt(capacity)} req/s`)

  const check = (ok: boolean) => (ok ? 'met' : 'not met')
  for (const r of rows.filter((row) => row.scenario === 'max')) {
    const share = TARGETS.capacityShare.get(r.targets)
    if (share === undefined) continue
    const ratio = r.perSecond / capacity
    console.log(`target ≥ ${share} of the receiver's capacity with ${r.targets} target(s): ${ratio.toFixed(2)} (${fmt(r.perSecond)}/s) — ${check(ratio >= share)}`)
  }
  for (const r of rows.filter((row) => row.scenario.startsWith('steady'))) {
    const ok = r.stats.latency.p50 < TARGETS.p50 && r.stats.latency.p99 < TARGETS.p99
    console.log(`target p50 < ${TARGETS.p50} ms, p99 < ${TARGETS.p99} ms at ${settings.rate} events/s, ${r.targets} target(s): ${check(ok)}`)
  }
  // At least once, but twice only when a worker dies or loses the database for longer than a lease.
  const twice = rows.reduce((sum, r) => sum + r.stats.duplicates, 0)
  console.log(`target no delivery sent twice (no worker died): ${twice} — ${check(twice === 0)}`)
}

function rate(stats: ReceiverStats): number {
  const seconds = (stats.lastAt - stats.firstAt) / 1000
  return seconds > 0 ? stats.deliveries / seconds : Number.NaN
}

void runBenchmark(main)

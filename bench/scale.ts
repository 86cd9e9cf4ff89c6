/**
 * Scale-out benchmark: how throughput grows with the number of API processes and of delivery workers
 * sharing one PostgreSQL.
 *
 *   npm run bench:scale
 *   BENCH_API_PROCESSES=1,2 BENCH_WORKERS=1,2 BENCH_DURATION=3 BENCH_EVENTS=1000 npm run bench:scale
 *
 * - PostgreSQL at BENCH_DATABASE_URL or DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 *   each phase creates a fresh database and drops it at the end, also on failure or Ctrl-C.
 * - Every process is the compiled build (dist/cli.js) in a child process, on loopback, all with one
 *   AUTH_SECRET: `segments serve` with DELIVERY_WORKER=false (API only) and `segments worker`.
 * - API phase, for N in BENCH_API_PROCESSES: N API processes, each on its own port; a load driver child
 *   process (bench/scale-driver.ts) spreads a fixed mixed load over them: BENCH_CONNECTIONS connections
 *   of writes (PUT a new customer assignment: a row and an outbox event) and as many of storefront reads
 *   (a customer's `GET segments/items` with a customer token), BENCH_WARMUP s unmeasured, then
 *   BENCH_DURATION s measured. Data: 50 segments with 20 products each, 500 customers in 5 segments each.
 * - Worker phase, for W in BENCH_WORKERS: one API process produces a backlog of BENCH_EVENTS new
 *   assignments (bulk upserts of 200, 4 concurrent) while no worker runs; the event type goes to
 *   BENCH_TARGETS targets on a receiver child process (bench/delivery-receiver.ts). Then W `segments
 *   worker` processes start at once and deliveries/s is counted from the first to the last arrival, until
 *   every delivery has arrived (by count), or none arrived for BENCH_STALL s (then the missing ones are
 *   reported as lost). Duplicates are counted by the receiver (a webhook-id seen twice on one path).
 * - Also in the run: the receiver's raw capacity (deliveries/s cannot exceed it), the database's commits/s
 *   (pg_stat_database.xact_commit) and, when PostgreSQL runs on this machine, the CPU used per window by
 *   the service processes, this database's PostgreSQL backends, the load driver or receiver, and the whole
 *   machine, so that a neighbour's load shows (from /proc); and what the database's backends are doing
 *   (pg_stat_activity every 100 ms: on CPU, waiting on a lock or I/O, or in a transaction waiting for the service).
 * - Settings (env): BENCH_API_PROCESSES (1,2,4), BENCH_WORKERS (1,2,4), BENCH_DURATION (10),
 *   BENCH_WARMUP (3), BENCH_CONNECTIONS (16 per kind), BENCH_EVENTS (5000), BENCH_TARGETS (4),
 *   BENCH_POOL_SIZE (8 per process), BENCH_STALL (30).
 *
 * Always exits 0 once it has measured: it is a measurement, not a test. It prints whether targets are met.
 */
import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { mintToken } from '../src/auth/mint-token.js'
import { SCOPES } from '../src/auth/principal.js'
import { type Api, call, expectBulk, expectStatus } from './api-client.js'
import type { ReceiverCommand, ReceiverStats } from './delivery-receiver.js'
import { receiverCapacity } from './receiver-capacity.js'
import { ADMIN_URL, createFreshDatabase, describeDatabase, freePort, intEnv, onCleanup, runBenchmark, startDriver } from './lifecycle.js'
import { fmt, problems, table } from './report.js'
import type { KindSummary, ScaleScenario, ScaleSummary } from './scale-driver.js'

// ---------------------------------------------------------------------------------------------------
// Settings

function countsEnv(name: string, fallback: string): number[] {
  const raw = process.env[name] || fallback
  const counts = raw.split(',').map((s) => Number(s.trim()))
  if (counts.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`${name} must be a comma list of positive integers, got '${raw}'`)
  return counts
}

const settings = {
  adminUrl: ADMIN_URL,
  tenant: 'bench',
  apiProcesses: countsEnv('BENCH_API_PROCESSES', '1,2,4'),
  workers: countsEnv('BENCH_WORKERS', '1,2,4'),
  durationSeconds: intEnv('BENCH_DURATION', 10),
  warmupSeconds: intEnv('BENCH_WARMUP', 3),
  connections: intEnv('BENCH_CONNECTIONS', 16),
  events: intEnv('BENCH_EVENTS', 5_000),
  targets: intEnv('BENCH_TARGETS', 4),
  poolSize: intEnv('BENCH_POOL_SIZE', 8),
  stallSeconds: intEnv('BENCH_STALL', 30),
  segments: 50,
  productsPerSegment: 20,
  customers: 500,
  segmentsPerCustomer: 5,
  bulkSize: 200,
  producers: 4,
}
/** 2 processes must do at least as well as 1: coordination through PostgreSQL must not cost throughput. */
const TARGET_RATIO_AT_2 = 1.0
const AUTH_SECRET = randomBytes(32).toString('base64url')
const WEBHOOK_SECRET = randomBytes(24).toString('base64url')
const EVENT_TYPE = 'customer-segment.customer-assignment-created'
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url))

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// ---------------------------------------------------------------------------------------------------
// Child processes

interface ServiceProcess {
  pid: number
  /** `http://127.0.0.1:port`: the API (serve) or the metrics listener (worker), answering once ready. */
  url: string
  stop(): Promise<void>
}

async function stopChild(child: ChildProcess, ask: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  ask()
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

/**
 * Starts `segments serve` (API only) or `segments worker` and waits until it answers: `/ready` for the
 * API, `/metrics` for a worker (its metrics listener opens only after the delivery engine has started).
 * A process that exits before it is ready is tried again on another port (the free port it was given may
 * have been taken meanwhile), up to 3 times.
 */
async function startProcess(command: 'serve' | 'worker', databaseUrl: string): Promise<ServiceProcess> {
  for (let attempt = 1; ; attempt++) {
    const started = await startProcessOnce(command, databaseUrl)
    if (typeof started !== 'string') return started
    if (attempt === 3) throw new Error(started)
    console.error(`${started}; trying again`)
  }
}

/** The started process, or why it exited before it was ready. */
async function startProcessOnce(command: 'serve' | 'worker', databaseUrl: string): Promise<ServiceProcess | string> {
  const port = await freePort()
  const child = spawn(process.execPath, [CLI, command], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(settings.poolSize),
      AUTH_SECRET,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DELIVERY_ALLOW_PRIVATE: 'true',
      ...(command === 'serve' ? { PORT: String(port), DELIVERY_WORKER: 'false' } : { METRICS_PORT: String(port) }),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const stop = () => stopChild(child, () => child.kill('SIGTERM'))
  onCleanup(`${command} ${child.pid}`, stop)
  const url = `http://127.0.0.1:${port}`
  const probe = `${url}${command === 'serve' ? '/ready' : '/metrics'}`
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null || child.signalCode !== null) return `segments ${command} exited (${child.exitCode ?? child.signalCode}) before it was ready`
    try {
      if ((await fetch(probe)).ok) return { pid: child.pid as number, url, stop }
    } catch {}
    await sleep(100)
  }
  throw new Error(`segments ${command} was not ready after 60 s`)
}

interface Receiver {
  pid: number
  port: number
  ask<T>(command: ReceiverCommand): Promise<T>
}

async function startReceiver(): Promise<Receiver> {
  const child = fork(fileURLToPath(new URL('./delivery-receiver.ts', import.meta.url)), [], {
    env: { ...process.env, BENCH_DELIVERY_RECEIVER: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  onCleanup('receiver', () => stopChild(child, () => child.send({ type: 'exit' })))
  const [listening] = (await once(child, 'message')) as [{ port: number }]
  // One question at a time: answers carry no id, so they are matched by order.
  let queue: Promise<unknown> = Promise.resolve()
  return {
    pid: child.pid as number,
    port: listening.port,
    ask: <T>(command: ReceiverCommand) => {
      const answer = queue.then(async () => {
        const reply = once(child, 'message')
        child.send(command)
        let timer: NodeJS.Timeout | undefined
        const silence = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the receiver did not answer '${command.type}' within 10 s (exit code ${child.exitCode})`)), 10_000)
        })
        try {
          return (await Promise.race([reply, silence]))[0] as T
        } finally {
          clearTimeout(timer)
        }
      })
      queue = answer.catch(() => undefined)
      return answer
    },
  }
}

// ---------------------------------------------------------------------------------------------------
// Where the CPU goes: /proc of our children and of this database's PostgreSQL backends

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** CPU seconds a process has used so far, or undefined when /proc does not show it (not Linux, gone). */
function cpuSeconds(pid: number, expectName?: string): number | undefined {
  try {
    if (expectName && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== expectName) return undefined
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
  } catch {
    return undefined
  }
}

/** CPU seconds the whole machine has been busy (all cores, not idle or iowait), from /proc/stat. */
function machineBusySeconds(): number | undefined {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/)
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number)
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS
  } catch {
    return undefined
  }
}

interface Sample {
  at: number
  commits: number
  cpu: Record<string, Map<number, number>>
  machine: number | undefined
}

/** Counts over a measurement window: commits of the database and CPU by group of processes. */
class Probe {
  constructor(
    private readonly client: pg.Client,
    private readonly database: string,
  ) {}

  async sample(groups: Record<string, number[]>): Promise<Sample> {
    const { rows } = await this.client.query<{ commits: string; pids: number[] }>(
      `select (select xact_commit from pg_stat_database where datname = $1) as commits,
              array(select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()) as pids`,
      [this.database],
    )
    const cpu: Sample['cpu'] = {}
    for (const [group, pids] of Object.entries({ ...groups, postgres: rows[0].pids })) {
      cpu[group] = new Map()
      for (const pid of pids) {
        const used = cpuSeconds(pid, group === 'postgres' ? 'postgres' : undefined)
        if (used !== undefined) cpu[group].set(pid, used)
      }
    }
    return { at: performance.now(), commits: Number(rows[0].commits), cpu, machine: machineBusySeconds() }
  }

  /** Commits/s and, per group, cores busy (CPU seconds ÷ wall seconds) between two samples. */
  static between(before: Sample, after: Sample): { commitsPerSecond: number; cores: Record<string, number | undefined> } {
    const seconds = (after.at - before.at) / 1000
    const cores: Record<string, number | undefined> = {}
    for (const [group, now] of Object.entries(after.cpu)) {
      if (now.size === 0) {
        cores[group] = undefined
        continue
      }
      let used = 0
      // A backend that started within the window counts from zero; one that ended is missed (rare: pools keep theirs).
      for (const [pid, total] of now) used += total - (before.cpu[group]?.get(pid) ?? 0)
      cores[group] = used / seconds
    }
    // The whole machine, so that a neighbour's load (other builds and tests share it) shows.
    cores.machine = before.machine === undefined || after.machine === undefined ? undefined : (after.machine - before.machine) / seconds
    return { commitsPerSecond: (after.commits - before.commits) / seconds, cores }
  }
}

/**
 * What this database's backends are doing, sampled every 100 ms over a window: on CPU, waiting on a
 * lock (`Lock:object` is the one NOTIFY takes at commit), on I/O, or in a transaction waiting for the
 * service. Reported as the mean number of backends in each state.
 */
class WaitSampler {
  private counts = new Map<string, number>()
  private samples = 0
  private running: Promise<void> | undefined
  private stopping = false
  private failure: string | undefined

  constructor(
    private readonly client: pg.Client,
    private readonly database: string,
  ) {}

  start(): void {
    this.failure = undefined
    this.counts = new Map()
    this.samples = 0
    this.stopping = false
    this.running = (async () => {
      while (!this.stopping) {
        const { rows } = await this.client.query<{ what: string; n: number }>(
          `select case when state = 'idle in transaction' then 'in transaction, waiting for the service'
                       when wait_event_type is null then 'CPU'
                       else wait_event_type || ':' || wait_event end as what, count(*)::int as n
             from pg_stat_activity
            where datname = $1 and pid <> pg_backend_pid() and state in ('active', 'idle in transaction')
            group by 1`,
          [this.database],
        )
        this.samples++
        for (const { what, n } of rows) this.counts.set(what, (this.counts.get(what) ?? 0) + n)
        await sleep(100)
      }
    })().catch((error: unknown) => {
      // A failed sample loses this column, not the measurement.
      this.failure = String((error as Error)?.message ?? error)
    })
  }

  /** The top states as `CPU 1.2, Lock:object 0.8, …` (mean backends per sample). */
  async stop(top = 4): Promise<string> {
    this.stopping = true
    await this.running
    if (this.failure) return `(sampling failed: ${this.failure})`
    if (this.samples === 0) return '-'
    return [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([what, n]) => `${what} ${fmt(n / this.samples, 1)}`)
      .join(', ')
  }
}

const coresText = (cores: Record<string, number | undefined>, group: string) => (cores[group] === undefined ? '-' : fmt(cores[group] as number, 2))

// ---------------------------------------------------------------------------------------------------
// Data

const segmentPath = (s: number) => `/customer-segment/${settings.tenant}/segments/s${s}`
const customerId = (n: number) => `cust-${String(n).padStart(4, '0')}`
/** Customer n is in 5 segments; each segment gets 50 customers. */
const segmentsOf = (n: number) => Array.from({ length: settings.segmentsPerCustomer }, (_, k) => (n + 10 * k) % settings.segments)

async function operatorApi(base: string): Promise<Api> {
  const operator = await mintToken(new TextEncoder().encode(AUTH_SECRET), {
    tenant: settings.tenant,
    scopes: [SCOPES.segmentManage, SCOPES.segmentRead, SCOPES.webhookManage, SCOPES.webhookRead],
    ttl: '2h',
  })
  return { base, operator }
}

async function createSegments(api: Api): Promise<void> {
  for (let s = 0; s < settings.segments; s++) {
    await expectStatus(api, 'PUT', segmentPath(s), { name: { en: `Segment ${s}` }, siteCode: 'main', status: 'ACTIVE' }, [201])
  }
}

/** Segments with products, customers in them, and a customer token per customer; checks one read. */
async function loadStorefront(api: Api): Promise<{ path: string; token: string }[]> {
  await createSegments(api)
  const products = Array.from({ length: 200 }, (_, p) => ({ id: `prod-${p}`, name: { en: `Product ${p}` } }))
  await expectBulk(api, 'PUT', `/customer-segment/${settings.tenant}/directory/products`, products, [204])
  for (let s = 0; s < settings.segments; s++) {
    const items = Array.from({ length: settings.productsPerSegment }, (_, j) => ({ id: `prod-${(s * 7 + j * 10) % 200}` }))
    await expectBulk(api, 'PUT', `${segmentPath(s)}/items/PRODUCT/bulk`, items, [201])
    const members = Array.from({ length: settings.customers }, (_, n) => n).filter((n) => segmentsOf(n).includes(s))
    await expectBulk(api, 'PUT', `${segmentPath(s)}/customers/bulk`, members.map((n) => ({ customerId: customerId(n) })), [201])
  }
  const secret = new TextEncoder().encode(AUTH_SECRET)
  const reads = await Promise.all(
    Array.from({ length: settings.customers }, async (_, n) => ({
      path: `/customer-segment/${settings.tenant}/segments/items`,
      token: await mintToken(secret, { tenant: settings.tenant, scopes: [SCOPES.segmentReadOwn], customerId: customerId(n), ttl: '2h' }),
    })),
  )
  const sample = await call(api, 'GET', reads[0].path, undefined, reads[0].token)
  const items = sample.json as unknown[]
  if (sample.status !== 200 || !Array.isArray(items) || items.length === 0) {
    throw new Error(`pre-flight: a customer's items read answered ${sample.status}: ${JSON.stringify(sample.json).slice(0, 300)}`)
  }
  return reads
}

/** The event type to `targets` receiver paths, subscribed. */
async function configureDelivery(api: Api, receiverPort: number): Promise<void> {
  const receiver = `http://127.0.0.1:${receiverPort}`
  const configuration = {
    destinationUrl: `${receiver}/default`,
    secretKey: WEBHOOK_SECRET,
    eventsConfiguration: Array.from({ length: settings.targets }, (_, i) => ({ eventType: EVENT_TYPE, destinationUrl: `${receiver}/t${i}` })),
  }
  await expectStatus(api, 'POST', `/webhook/${settings.tenant}/config`, { code: 'http', provider: 'HTTP', active: true, configuration }, [201])
  await expectStatus(api, 'PATCH', `/webhook/${settings.tenant}/event-subscriptions`, [{ eventType: EVENT_TYPE, action: 'SUBSCRIBE' }], [207])
}

let backlogCounter = 0

/** Exactly `events` new assignments in bulk upserts from concurrent producers; returns seconds taken. */
async function produceBacklog(api: Api, events: number): Promise<number> {
  const started = performance.now()
  let remaining = events
  await Promise.all(
    Array.from({ length: settings.producers }, async (_, producer) => {
      for (let n = producer; remaining > 0; n += settings.producers) {
        const size = Math.min(settings.bulkSize, remaining)
        remaining -= size
        const items = Array.from({ length: size }, () => ({ customerId: `b${(backlogCounter++).toString(36)}` }))
        await expectBulk(api, 'PUT', `${segmentPath(n % settings.segments)}/customers/bulk`, items, [201])
      }
    }),
  )
  return (performance.now() - started) / 1000
}

// ---------------------------------------------------------------------------------------------------
// API phase

interface ApiRow {
  processes: number
  result: ScaleSummary
  commitsPerSecond: number
  cores: Record<string, number | undefined>
  /** What this database's backends were doing (WaitSampler). */
  backends: string
}

async function apiPhase(): Promise<ApiRow[]> {
  const databaseUrl = await createFreshDatabase(settings.adminUrl, 'css_bench_scale_api')
  console.log(`\n== API processes (${settings.apiProcesses.join(', ')}) · ${await describeDatabase(databaseUrl)}`)
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  onCleanup('stats client (API phase)', () => client.end())
  const probe = new Probe(client, new URL(databaseUrl).pathname.slice(1))
  const waits = new WaitSampler(client, new URL(databaseUrl).pathname.slice(1))

  // The first process migrates the fresh database; the others start on the migrated schema.
  const processes: ServiceProcess[] = [await startProcess('serve', databaseUrl)]
  const api = await operatorApi(processes[0].url)
  const reads = await loadStorefront(api)
  await client.query('vacuum analyze')
  console.log(
    `data: ${settings.segments} segments × ${settings.productsPerSegment} products, ${settings.customers} customers in ` +
      `${settings.segmentsPerCustomer} segments each; load: ${settings.connections} connections writing (PUT a new customer assignment) ` +
      `+ ${settings.connections} reading (a customer's GET segments/items), spread over the processes; ` +
      `${settings.warmupSeconds} s warm-up, ${settings.durationSeconds} s measured per N`,
  )

  const driver = startDriver<ScaleScenario, ScaleSummary>('./scale-driver.ts', 'BENCH_SCALE_DRIVER')
  const rows: ApiRow[] = []
  for (const n of settings.apiProcesses) {
    while (processes.length > n) await (processes.pop() as ServiceProcess).stop()
    const starting: Promise<ServiceProcess>[] = []
    for (let i = processes.length; i < n; i++) starting.push(startProcess('serve', databaseUrl))
    processes.push(...(await Promise.all(starting)))
    const groups = { service: processes.map((p) => p.pid), driver: driver.pid === undefined ? [] : [driver.pid] }
    const scenario: ScaleScenario = {
      type: 'run',
      label: `N=${n}`,
      origins: processes.map((p) => p.url),
      write: { connections: settings.connections, token: api.operator, tenant: settings.tenant, segments: settings.segments },
      read: { connections: settings.connections, requests: reads },
      warmupSeconds: 0,
      durationSeconds: settings.durationSeconds,
    }
    // The warm-up runs apart, so that the measured window's CPU and commits are the measured load's.
    await driver.run({ ...scenario, label: `N=${n} warm-up`, durationSeconds: settings.warmupSeconds })
    const before = await probe.sample(groups)
    waits.start()
    const result = await driver.run(scenario)
    const backends = await waits.stop()
    const after = await probe.sample(groups)
    const window = Probe.between(before, after)
    rows.push({ processes: n, result, ...window, backends })
    const total = result.write.reqPerSec + result.read.reqPerSec
    const issue = [problems(result.write), problems(result.read)].filter(Boolean).join('; ')
    console.log(
      `  N=${n}: ${fmt(total)} req/s (write ${fmt(result.write.reqPerSec)}, read ${fmt(result.read.reqPerSec)}), ` +
        `cores busy: services ${coresText(window.cores, 'service')}, postgres ${coresText(window.cores, 'postgres')}, driver ${coresText(window.cores, 'driver')}, ` +
        `whole machine ${coresText(window.cores, 'machine')} of ${os.cpus().length}` +
        `${issue ? `; ${issue}` : ''}`,
    )
    console.log(`       backends (mean): ${backends}`)
  }
  return rows
}

// ---------------------------------------------------------------------------------------------------
// Worker phase

interface WorkerRow {
  workers: number
  expected: number
  deliveries: number
  duplicates: number
  lost: number
  /** Arrivals first to last. */
  perSecond: number
  /** Arrivals after every worker was ready, to the last one. */
  perSecondAllReady: number
  /** Workers started → first arrival, ms. */
  firstArrivalMs: number
  produceSeconds: number
  commitsPerSecond: number
  cores: Record<string, number | undefined>
  backends: string
  stalled: boolean
}

const unique = (stats: ReceiverStats) => stats.deliveries - stats.duplicates

/** Waits until `expected` distinct deliveries arrived, or none arrived for BENCH_STALL s (then `stalled`). */
async function waitForDeliveries(receiver: Receiver, expected: number): Promise<{ stalled: boolean }> {
  let last = -1
  let progressAt = performance.now()
  for (;;) {
    const stats = await receiver.ask<ReceiverStats>({ type: 'stats' })
    if (unique(stats) >= expected) return { stalled: false }
    if (stats.deliveries !== last) {
      last = stats.deliveries
      progressAt = performance.now()
    } else if (performance.now() - progressAt > settings.stallSeconds * 1000) {
      return { stalled: true }
    }
    await sleep(50)
  }
}

async function workerPhase(): Promise<{ rows: WorkerRow[]; capacity: number }> {
  const databaseUrl = await createFreshDatabase(settings.adminUrl, 'css_bench_scale_workers')
  console.log(`\n== delivery workers (${settings.workers.join(', ')}) · ${await describeDatabase(databaseUrl)}`)
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  onCleanup('stats client (worker phase)', () => client.end())
  const probe = new Probe(client, new URL(databaseUrl).pathname.slice(1))
  const waits = new WaitSampler(client, new URL(databaseUrl).pathname.slice(1))

  const receiver = await startReceiver()
  const producer = await startProcess('serve', databaseUrl)
  const api = await operatorApi(producer.url)
  await createSegments(api)
  await configureDelivery(api, receiver.port)
  const expected = settings.events * settings.targets
  console.log(
    `backlog per W: ${fmt(settings.events)} events (new customer assignments, bulk upserts of ${settings.bulkSize}) × ${settings.targets} targets = ` +
      `${fmt(expected)} deliveries, produced by one API process while no worker runs; then W workers start at once (pool ${settings.poolSize} each)`,
  )

  const rows: WorkerRow[] = []
  for (const w of settings.workers) {
    await receiver.ask({ type: 'reset' })
    const produceSeconds = await produceBacklog(api, settings.events)
    const startedAt = Date.now()
    const workers = await Promise.all(Array.from({ length: w }, () => startProcess('worker', databaseUrl)))
    const readyAt = Date.now()
    const groups = { service: workers.map((p) => p.pid), receiver: [receiver.pid] }
    // The window for CPU and commits: every worker running, until the last delivery arrived.
    const before = await probe.sample(groups)
    const atReady = await receiver.ask<ReceiverStats>({ type: 'stats' })
    waits.start()
    const { stalled } = await waitForDeliveries(receiver, expected)
    const backends = await waits.stop()
    const window = Probe.between(before, await probe.sample(groups))
    // A second delivery of an event would come soon after the first (a lease that ran out, a claim twice).
    await sleep(1000)
    const stats = await receiver.ask<ReceiverStats>({ type: 'stats' })
    for (const worker of workers) await worker.stop()

    const seconds = (stats.lastAt - stats.firstAt) / 1000
    const afterReadySeconds = (stats.lastAt - Math.max(readyAt, stats.firstAt)) / 1000
    const row: WorkerRow = {
      workers: w,
      expected,
      deliveries: stats.deliveries,
      duplicates: stats.duplicates,
      lost: Math.max(0, expected - unique(stats)),
      perSecond: seconds > 0 ? unique(stats) / seconds : Number.NaN,
      perSecondAllReady: afterReadySeconds > 0 ? (unique(stats) - unique(atReady)) / afterReadySeconds : Number.NaN,
      firstArrivalMs: stats.firstAt > 0 ? stats.firstAt - startedAt : Number.NaN,
      produceSeconds,
      commitsPerSecond: window.commitsPerSecond,
      cores: window.cores,
      backends,
      stalled,
    }
    rows.push(row)
    console.log(
      `  W=${w}: ${num(row.perSecond)} deliveries/s (${fmt(unique(stats))} of ${fmt(expected)}, ${row.duplicates} duplicates` +
        `${stalled ? `, STALLED: no delivery for ${settings.stallSeconds} s, ${fmt(row.lost)} missing` : ''}), ` +
        `cores busy: workers ${coresText(window.cores, 'service')}, postgres ${coresText(window.cores, 'postgres')}, receiver ${coresText(window.cores, 'receiver')}, ` +
        `whole machine ${coresText(window.cores, 'machine')} of ${os.cpus().length}`,
    )
    console.log(`       backends (mean): ${backends}`)
  }
  const capacity = await receiverCapacity(receiver.port, settings.tenant)
  return { rows, capacity }
}

// ---------------------------------------------------------------------------------------------------
// Report

const num = (value: number) => (Number.isFinite(value) ? fmt(value) : '-')
const ratioText = (value: number, base: number | undefined) => (base && Number.isFinite(value) ? `${(value / base).toFixed(2)}×` : '-')
const check = (ok: boolean) => (ok ? 'met' : 'not met')
const kindCells = (k: KindSummary) => [fmt(k.reqPerSec), fmt(k.p50), fmt(k.p99)]

async function main(): Promise<void> {
  const started = performance.now()
  const cpus = os.cpus()
  console.log('Customer Segment Service — scale-out benchmark (API processes and delivery workers on one PostgreSQL)')
  console.log(`machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB; node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  console.log(
    `NOTE: every process of this run — API processes, workers, the load driver, the receiver and PostgreSQL — shares these ${cpus.length} cores. ` +
      `With more processes than ${cpus.length} cores they compete for the same CPU, so the figures show the cost of coordination, not headroom; ` +
      'the scaling that matters on real hardware (a core or more per process, PostgreSQL on its own machine) is the ratio.',
  )

  const apiRows = await apiPhase()
  const { rows: workerRows, capacity } = await workerPhase()

  console.log('\nAPI processes (DELIVERY_WORKER=false), fixed mixed load from one driver process')
  const apiBase = apiRows.find((r) => r.processes === 1)
  const apiTotal = (r: ApiRow) => r.result.write.reqPerSec + r.result.read.reqPerSec
  console.log(
    table(
      ['N', 'total req/s', '× N=1', 'write req/s', 'p50 ms', 'p99 ms', 'read req/s', 'p50 ms', 'p99 ms', 'commits/s', 'cores: services', 'postgres', 'driver', 'machine'],
      apiRows.map((r) => [
        String(r.processes),
        fmt(apiTotal(r)),
        ratioText(apiTotal(r), apiBase && apiTotal(apiBase)),
        ...kindCells(r.result.write),
        ...kindCells(r.result.read),
        fmt(r.commitsPerSecond),
        coresText(r.cores, 'service'),
        coresText(r.cores, 'postgres'),
        coresText(r.cores, 'driver'),
        coresText(r.cores, 'machine'),
      ]),
    ),
  )
  for (const r of apiRows) console.log(`N=${r.processes} backends (mean): ${r.backends}`)
  const failedRuns = apiRows.filter((r) => problems(r.result.write) || problems(r.result.read))
  for (const r of failedRuns) console.log(`WARNING N=${r.processes}: ${[problems(r.result.write), problems(r.result.read)].filter(Boolean).join('; ')} (not comparable)`)

  console.log(`\nDelivery workers (segments worker), backlog of ${fmt(settings.events)} events × ${settings.targets} targets each`)
  const workerBase = workerRows.find((r) => r.workers === 1)
  console.log(
    table(
      ['W', 'deliveries/s', '× W=1', 'after all ready /s', 'first arrival ms', 'delivered', 'lost', 'dupes', 'commits/s', 'cores: workers', 'postgres', 'receiver', 'machine', 'backlog made in s'],
      workerRows.map((r) => [
        String(r.workers),
        num(r.perSecond),
        ratioText(r.perSecond, workerBase?.perSecond),
        num(r.perSecondAllReady),
        num(r.firstArrivalMs),
        fmt(r.deliveries - r.duplicates),
        fmt(r.lost),
        String(r.duplicates),
        fmt(r.commitsPerSecond),
        coresText(r.cores, 'service'),
        coresText(r.cores, 'postgres'),
        coresText(r.cores, 'receiver'),
        coresText(r.cores, 'machine'),
        fmt(r.produceSeconds, 1),
      ]),
    ),
  )
  for (const r of workerRows) console.log(`W=${r.workers} backends (mean): ${r.backends}`)
  console.log(`receiver raw capacity (autocannon, 16 connections, 5 s): ${fmt(capacity)} req/s`)
  console.log(
    'deliveries/s = distinct arrivals ÷ seconds from the first to the last (worker start-up after the first arrival included); ' +
      '"after all ready" counts only from when every worker answered; cores = CPU seconds ÷ wall seconds of the measured window ' +
      '(API: the measured load; workers: from every worker ready to the last arrival) ' +
      '(postgres: this database\'s backends, when PostgreSQL runs on this machine; machine: all processes, neighbours included); ' +
      'commits/s from pg_stat_database; backends = mean number of this database\'s backends on CPU, waiting (type:event), ' +
      'or in an open transaction waiting for the service, sampled every 100 ms.',
  )

  console.log('')
  const several = workerRows.filter((r) => r.workers > 1)
  const clean = workerRows.every((r) => r.lost === 0 && r.duplicates === 0)
  console.log(
    `target no lost or duplicated deliveries (${workerRows.map((r) => `W=${r.workers}`).join(', ')}): ${check(clean)}` +
      `${clean ? '' : ` (${workerRows.map((r) => `W=${r.workers}: ${r.lost} lost, ${r.duplicates} duplicates`).join('; ')})`}` +
      `${several.length === 0 ? ' — NOTE: no run with several workers (BENCH_WORKERS)' : ''}`,
  )
  const api2 = apiRows.find((r) => r.processes === 2)
  if (apiBase && api2) {
    const ratio = apiTotal(api2) / apiTotal(apiBase)
    console.log(`target API throughput with 2 processes ≥ ${TARGET_RATIO_AT_2.toFixed(1)}× of 1: ${check(ratio >= TARGET_RATIO_AT_2)} (${ratio.toFixed(2)}×)`)
  } else console.log('target API throughput with 2 processes ≥ 1.0× of 1: not measured (BENCH_API_PROCESSES lacks 1 or 2)')
  const workers2 = workerRows.find((r) => r.workers === 2)
  if (workerBase && workers2) {
    const ratio = workers2.perSecond / workerBase.perSecond
    console.log(`target deliveries/s with 2 workers ≥ ${TARGET_RATIO_AT_2.toFixed(1)}× of 1: ${check(ratio >= TARGET_RATIO_AT_2)} (${ratio.toFixed(2)}×)`)
  } else console.log('target deliveries/s with 2 workers ≥ 1.0× of 1: not measured (BENCH_WORKERS lacks 1 or 2)')
  console.log(`\none run; total time ${((performance.now() - started) / 1000).toFixed(0)} s`)
}

await runBenchmark(main)

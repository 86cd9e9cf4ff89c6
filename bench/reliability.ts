/**
 * Reliability soak: how the service behaves, seen from outside, when things break under a steady load —
 * PostgreSQL restarted, delivery workers and the API process killed, the webhook receiver away for a
 * minute — the way an operator would try a deployment before trusting it.
 *
 *   npm run build && npm run soak:reliability
 *
 * - Database: where the machine allows it (pg_createcluster, run as root, PostgreSQL 15 installed) a
 *   PostgreSQL 15 cluster of its own on a free port, created for the run and dropped at the end.
 *   Otherwise a fresh database on BENCH_DATABASE_URL or DATABASE_URL (default
 *   postgres://postgres@127.0.0.1:5432/postgres), dropped at the end, which the service reaches through
 *   a TCP fault proxy; there each restart is replaced by a 10 s cut. Both go also on failure or Ctrl-C.
 * - Processes, from the compiled build (dist/cli.js, made by `npm run build`), as deployed: one
 *   `segments serve` (API and its own delivery worker) and two `segments worker`, their JSON log lines
 *   collected. The receiver runs in this process on loopback: it answers 204 and records each
 *   delivery's `webhook-id`, arrival time and attempt (the how-many-th arrival of that id). It is set up
 *   through the service's own webhook API, subscribed to `customer-segment.segment-created`.
 * - Load: BENCH_RATE segment creations per second through the API from BENCH_CLIENTS concurrent
 *   clients, for the whole run; every answer's status and time is kept.
 * - Faults, one after another, each after BENCH_SETTLE s of plain load. Once a fault is over the script
 *   waits (at most 120 s) until every event committed by then has arrived, reported as 'all delivered
 *   after', so that the next fault is not charged with its stragglers:
 *   a. PostgreSQL restarted in fast mode (fallback: one 10 s cut);
 *   b. PostgreSQL restarted in immediate mode (fallback: two 10 s cuts, BENCH_SETTLE s apart);
 *   c. a worker killed with SIGKILL and replaced 2 s later, BENCH_KILLS times;
 *   d. `serve` killed with SIGKILL and started again at once on the same port (restart time: from the
 *      spawn until /ready answers 200);
 *   e. the receiver down for BENCH_RECEIVER_OUTAGE s, then up (drain time: from "up" until every event
 *      committed by then has arrived; nothing calls the service's recovery routes).
 * - At the end the load stops and, once every event has arrived (at most 120 s), the outbox is compared
 *   with what the receiver saw (events lost, duplicates), and the delivery log gives the lateness of
 *   first retries (attempt 2 against attempt 1's end plus the longest jittered 5 s delay).
 * - Per fault it reports the API's 503s, failed connections and other answers, and how soon the API
 *   answered 201 again once the fault was over; per process, its error-level log lines and its
 *   'database unreachable' warnings; and whether each target is met: no event lost, no 201 without its
 *   event, no 500, every 503 with Retry-After, no process exit the harness did not cause.
 * - Settings (env): BENCH_RATE (150), BENCH_CLIENTS (16), BENCH_SETTLE (10), BENCH_KILLS (3),
 *   BENCH_RECEIVER_OUTAGE (60).
 *
 * Exits 0 once it has measured, whatever it found: it is a measurement, not a test. 1 means the harness
 * itself failed (no build, no database, the service never became ready).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import os from 'node:os'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pg from 'pg'
import { Pool } from 'undici'
import { mintToken } from '../src/auth/mint-token.js'
import { SCOPES } from '../src/auth/principal.js'
import { startFaultProxy } from '../test/support/fault-proxy.js'
import { ADMIN_URL, createFreshDatabase, describeDatabase, freePort, intEnv, onCleanup, runBenchmark } from './lifecycle.js'
import { fmt, table } from './report.js'

const settings = {
  rate: intEnv('BENCH_RATE', 150),
  clients: intEnv('BENCH_CLIENTS', 16),
  settleSeconds: intEnv('BENCH_SETTLE', 10),
  kills: intEnv('BENCH_KILLS', 3),
  receiverOutageSeconds: intEnv('BENCH_RECEIVER_OUTAGE', 60),
}
const TENANT = 'soak'
const EVENT_TYPE = 'customer-segment.segment-created'
const AUTH_SECRET = randomBytes(32).toString('base64url')
const WEBHOOK_SECRET = randomBytes(24).toString('base64url')
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
const PG_VERSION = '15'
/** How long the fault proxy keeps PostgreSQL away where the script cannot restart a cluster of its own. */
const CUT_MS = 10_000
const WORKER_REPLACEMENT_DELAY_MS = 2_000
/** The latest a first retry is due after attempt 1 ended: 5 s plus the policy's 20 % jitter. */
const FIRST_RETRY_LATEST_MS = 5_000 * 1.2
// Bounds on waiting for the service: past them the report says so rather than the script hanging.
const READY_LIMIT_MS = 60_000
const RECOVERY_LIMIT_MS = 60_000
const DRAIN_LIMIT_MS = 120_000
const REQUEST_TIMEOUT_MS = 30_000
/** Error-level log lines shown per process under the report. */
const SHOWN_ERROR_LINES = 5

const run = promisify(execFile)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
const startedAt = Date.now()
const progress = (message: string) => console.log(`[${fmt((Date.now() - startedAt) / 1000, 1).padStart(6)} s] ${message}`)
const seconds = (ms: number) => `${fmt(ms / 1000, 2)} s`

/** Polls `check` (pacing only) until it holds; false when `limitMs` passed first. */
async function until(check: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs
  while (!check()) {
    if (Date.now() >= deadline) return false
    await sleep(100)
  }
  return true
}

// ---------------------------------------------------------------------------------------------------
// The database: a cluster of its own, or a fresh database behind a fault proxy

interface Store {
  description: string
  /** What the service connects to (the proxy, on the fallback). */
  serviceUrl: string
  /** What this script reads the outbox and the delivery log from. */
  directUrl: string
  /** Faults a and b: each one or more outages, run one after another. */
  faults: { label: string; outages: (() => Promise<void>)[] }[]
}

function canCreateCluster(): boolean {
  return existsSync('/usr/bin/pg_createcluster') && process.getuid?.() === 0 && existsSync(`/usr/lib/postgresql/${PG_VERSION}/bin/postgres`)
}

async function ownCluster(): Promise<Store> {
  const name = `css_soak_${randomBytes(4).toString('hex')}`
  const port = await freePort()
  // Registered first: a creation interrupted half-way leaves a cluster to drop too.
  onCleanup(`drop cluster ${name}`, async () => {
    await run('pg_dropcluster', [PG_VERSION, name, '--stop'])
  })
  await run('pg_createcluster', [PG_VERSION, name, '-p', String(port), '--start', '--', '--auth=trust'])
  const restart = (mode: 'fast' | 'immediate') => async () => {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', PG_VERSION, name, 'restart', '-m', mode])
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  return {
    description: `${await describeDatabase(url)} (cluster ${PG_VERSION}/${name} of its own)`,
    serviceUrl: url,
    directUrl: url,
    faults: [
      { label: 'a. PostgreSQL restart, fast', outages: [restart('fast')] },
      { label: 'b. PostgreSQL restart, immediate', outages: [restart('immediate')] },
    ],
  }
}

async function proxiedDatabase(): Promise<Store> {
  const directUrl = await createFreshDatabase(ADMIN_URL, 'css_soak_reliability')
  const target = new URL(directUrl)
  const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) })
  onCleanup('fault proxy', () => proxy.close())
  const cut = async () => {
    await proxy.cut()
    await sleep(CUT_MS)
    await proxy.restore()
  }
  return {
    description: `${await describeDatabase(directUrl)} behind a fault proxy (no cluster of its own: restarts become ${CUT_MS / 1000} s cuts)`,
    serviceUrl: proxy.url(directUrl),
    directUrl,
    faults: [
      { label: `a. PostgreSQL cut ${CUT_MS / 1000} s`, outages: [cut] },
      { label: `b. PostgreSQL cut ${CUT_MS / 1000} s, twice`, outages: [cut, cut] },
    ],
  }
}

/** One short-lived connection per query: a long-lived one would not survive the restarts. */
async function query<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[]): Promise<R[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<R>(text, values)).rows
  } finally {
    await client.end()
  }
}

interface OutboxEvent {
  id: string
  subject: string
  published_at: Date
}

const outboxEvents = (store: Store) =>
  query<OutboxEvent>(store.directUrl, 'select id, subject, published_at from outbox_event where tenant = $1', [TENANT])

/**
 * How late each first retry started, for deliveries whose attempt 1 failed (with an answer or a refusal,
 * not a lost worker's unknown outcome) between `from` and `to`.
 */
async function firstRetryLateness(store: Store, from: number, to: number): Promise<number[]> {
  const rows = await query<{ gap_ms: number; duration_ms: number }>(
    store.directUrl,
    `select extract(epoch from a2.started_at - a1.started_at)::float8 * 1000 as gap_ms, a1.duration_ms
       from delivery d
       join delivery_attempt a1 on a1.delivery_id = d.id and a1.attempt = 1
       join delivery_attempt a2 on a2.delivery_id = d.id and a2.attempt = 2
      where d.tenant = $1 and a1.duration_ms is not null
        and (a1.status is null or a1.status not between 200 and 299)
        and a1.started_at between $2 and $3`,
    [TENANT, new Date(from), new Date(to)],
  )
  return rows.map((row) => row.gap_ms - row.duration_ms - FIRST_RETRY_LATEST_MS)
}

// ---------------------------------------------------------------------------------------------------
// The service's processes

interface LogLine {
  level: number
  msg: string
  [key: string]: unknown
}

interface ServiceProcess {
  name: string
  command: 'serve' | 'worker'
  child: ChildProcess
  spawnedAt: number
  /** The URL `serve` listens on (undefined for a worker), once the process says it is ready. */
  ready: Promise<string | undefined>
  exited: Promise<void>
  /** How it ended (`code 0`, `SIGKILL`), once it has. */
  exit?: string
  /** The signal the harness sent to end it; an exit without one is a failure to report. */
  endedBy?: NodeJS.Signals
  errorLines: LogLine[]
  unreachable: number
  reachableAgain: number
  stderr: string
}

const processes: ServiceProcess[] = []
const unexpectedExits: string[] = []
// Once interrupted, the cleanups are stopping processes: a fault must not start new ones behind them.
let interrupted = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (interrupted = true))

function parseLogLine(line: string): LogLine | undefined {
  try {
    const entry = JSON.parse(line) as Partial<LogLine>
    return typeof entry.level === 'number' && typeof entry.msg === 'string' ? (entry as LogLine) : undefined
  } catch {
    return undefined
  }
}

function recordLogLine(proc: ServiceProcess, entry: LogLine): void {
  if (entry.level >= 50) proc.errorLines.push(entry)
  if (entry.msg.startsWith('database unreachable')) proc.unreachable++
  if (entry.msg.startsWith('database reachable again')) proc.reachableAgain++
}

/** Starts `segments <command>`; returns at once (restart times count from the spawn). */
function spawnService(command: 'serve' | 'worker', env: NodeJS.ProcessEnv): ServiceProcess {
  if (interrupted) throw new Error('interrupted')
  const name = `${command} #${processes.filter((p) => p.command === command).length + 1}`
  const spawnedAt = Date.now()
  // A process group of its own: a Ctrl-C in the terminal reaches only this script, whose cleanup then
  // stops the process; otherwise its exit would count as one the harness did not cause.
  const child = spawn(process.execPath, [CLI, command], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      proc.exit = signal ?? `code ${code}`
      if (!proc.endedBy) {
        const tail = proc.stderr.trim().split('\n').slice(-3).join(' | ')
        unexpectedExits.push(`${name} exited by itself (${proc.exit})${tail ? `: ${tail}` : ''}`)
        progress(`! ${name} exited by itself (${proc.exit})`)
      }
      resolve()
    })
  })
  const ready = new Promise<string | undefined>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const entry = parseLogLine(line)
      if (!entry) return
      recordLogLine(proc, entry)
      const listening = /^listening on (http:\/\/\S+)/.exec(entry.msg)
      if (command === 'serve' && listening) resolve(listening[1])
      if (command === 'worker' && entry.msg === 'delivery worker ready') resolve(undefined)
    })
    void exited.then(() => reject(new Error(`${name} exited (${proc.exit}) before it was ready: ${proc.stderr}`)))
  })
  // A process killed after it was ready rejects nothing; one that dies first is reported by untilReady.
  ready.catch(() => {})
  const proc: ServiceProcess = { name, command, child, spawnedAt, ready, exited, errorLines: [], unreachable: 0, reachableAgain: 0, stderr: '' }
  child.stderr?.on('data', (chunk: Buffer) => {
    proc.stderr = (proc.stderr + chunk.toString()).slice(-4_000)
  })
  processes.push(proc)
  onCleanup(`stop ${name}`, () => stop(proc))
  return proc
}

async function untilReady(proc: ServiceProcess): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${proc.name} not ready within ${READY_LIMIT_MS / 1000} s: ${proc.stderr}`)), READY_LIMIT_MS)
  })
  try {
    return await Promise.race([proc.ready, limit])
  } finally {
    clearTimeout(timer)
  }
}

/** Sends `signal` (marked as the harness's doing) and waits for the exit. */
async function end(proc: ServiceProcess, signal: NodeJS.Signals): Promise<void> {
  if (proc.exit === undefined) {
    proc.endedBy ??= signal
    proc.child.kill(signal)
  }
  await proc.exited
}

/** SIGTERM, and SIGKILL when the graceful stop (10 s at most) hangs. */
async function stop(proc: ServiceProcess): Promise<void> {
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 15_000)
  await end(proc, 'SIGTERM')
  clearTimeout(timer)
}

/** From the spawn until /ready answers 200. */
async function restartTime(proc: ServiceProcess, url: string): Promise<number> {
  await untilReady(proc)
  for (;;) {
    try {
      const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) })
      await response.arrayBuffer()
      if (response.status === 200) return Date.now() - proc.spawnedAt
    } catch {}
    if (Date.now() - proc.spawnedAt > READY_LIMIT_MS) throw new Error(`${proc.name}: /ready not 200 within ${READY_LIMIT_MS / 1000} s`)
    await sleep(20)
  }
}

// ---------------------------------------------------------------------------------------------------
// The receiver, in this process: it can go down and come back on the same port

interface Delivery {
  id: string
  at: number
  /** 1 for the first arrival of this webhook-id, 2 for the second, … (the service sends no attempt number). */
  attempt: number
}

interface Receiver {
  url: string
  deliveries: Delivery[]
  /** Epoch milliseconds of each webhook-id's first arrival. */
  firstArrival: Map<string, number>
  down(): Promise<void>
  up(): Promise<void>
}

async function startReceiver(): Promise<Receiver> {
  const deliveries: Delivery[] = []
  const firstArrival = new Map<string, number>()
  const arrivals = new Map<string, number>()
  const sockets = new Set<Socket>()
  const server = createHttpServer((request, response) => {
    request.resume()
    request.on('end', () => {
      const id = request.headers['webhook-id']
      if (typeof id === 'string') {
        const at = Date.now()
        const attempt = (arrivals.get(id) ?? 0) + 1
        arrivals.set(id, attempt)
        if (attempt === 1) firstArrival.set(id, at)
        deliveries.push({ id, at, attempt })
      }
      response.writeHead(204).end()
    })
  })
  server.keepAliveTimeout = 60_000
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  let port = 0
  const up = async () => {
    server.listen(port, '127.0.0.1')
    await once(server, 'listening')
    port = (server.address() as AddressInfo).port
  }
  // Down as a crashed receiver is: nothing listens, and open connections are cut.
  const down = async () => {
    const closed = new Promise((resolve) => server.close(resolve))
    for (const socket of sockets) socket.destroy()
    await closed
  }
  await up()
  onCleanup('receiver', async () => {
    if (server.listening) await down()
  })
  return { url: `http://127.0.0.1:${port}`, deliveries, firstArrival, down, up }
}

/** Milliseconds from `since` until the last of `ids` (all arrived) first arrived; 0 when all were there before. */
function lastArrivalAfter(receiver: Receiver, ids: string[], since: number): number {
  return ids.reduce((latest, id) => Math.max(latest, (receiver.firstArrival.get(id) as number) - since), 0)
}

/** Waits (at most `limitMs`) until every id has arrived; returns those still missing. */
async function untilArrived(receiver: Receiver, ids: string[], limitMs: number): Promise<string[]> {
  let missing = ids.filter((id) => !receiver.firstArrival.has(id))
  await until(() => {
    missing = missing.filter((id) => !receiver.firstArrival.has(id))
    return missing.length === 0
  }, limitMs)
  return missing
}

// ---------------------------------------------------------------------------------------------------
// The API: configuration and the load

async function call(url: string, token: string, method: string, path: string, body: unknown, expected: number): Promise<unknown> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} ${text}`)
  return JSON.parse(text)
}

async function configureWebhook(url: string, token: string, receiverUrl: string): Promise<void> {
  const configuration = { destinationUrl: `${receiverUrl}/events`, secretKey: WEBHOOK_SECRET }
  await call(url, token, 'POST', `/webhook/${TENANT}/config`, { code: 'http', provider: 'HTTP', active: true, configuration }, 201)
  const subscribe = [{ eventType: EVENT_TYPE, action: 'SUBSCRIBE' }]
  const results = (await call(url, token, 'PATCH', `/webhook/${TENANT}/event-subscriptions`, subscribe, 207)) as { code: number }[]
  if (!results.every((result) => result.code === 200)) throw new Error(`subscribing to ${EVENT_TYPE}: ${JSON.stringify(results)}`)
}

interface Answer {
  /** The segment id the request created (or tried to). */
  id: string
  sentAt: number
  at: number
  /** The HTTP status, or 0 when no answer came (refused, reset, timed out). */
  status: number
  retryAfter: boolean
  /** Why it failed: the error's message for an answer other than 201, the error code when none came. */
  error?: string
}

interface Load {
  startedAt: number
  answers: Answer[]
  /** When the first 201 to a request sent at or after `since` arrived; undefined if none within the limit. */
  createdAgain(since: number): Promise<number | undefined>
  stop(): Promise<void>
}

/** The `message` of an error body (quoted), or the body's start when it has none. */
function errorMessage(body: string): string {
  try {
    const { message } = JSON.parse(body) as { message?: unknown }
    if (typeof message === 'string') return JSON.stringify(message)
  } catch {}
  return JSON.stringify(body.slice(0, 100))
}

function startLoad(url: string, token: string): Load {
  // Same origin across serve restarts (same port): the pool reconnects by itself.
  const pool = new Pool(url, { connections: settings.clients, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS })
  onCleanup('load', () => pool.destroy())
  const answers: Answer[] = []
  const interval = 1000 / settings.rate
  let nextDue = performance.now()
  let made = 0
  let running = true

  const create = async () => {
    const id = `soak-${(made++).toString(36)}`
    const sentAt = Date.now()
    try {
      const response = await pool.request({
        method: 'POST',
        path: `/customer-segment/${TENANT}/segments`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id, name: { en: id }, siteCode: 'main' }),
      })
      const answer: Answer = { id, sentAt, at: Date.now(), status: response.statusCode, retryAfter: response.headers['retry-after'] !== undefined }
      if (answer.status === 201) await response.body.dump()
      else answer.error = errorMessage(await response.body.text())
      answers.push(answer)
    } catch (error) {
      answers.push({ id, sentAt, at: Date.now(), status: 0, retryAfter: false, error: (error as { code?: string }).code ?? String(error) })
    }
  }
  const client = async () => {
    while (running) {
      // One request per time slot; a client back late takes the next slot instead of bursting to catch up.
      const due = Math.max(nextDue, performance.now())
      nextDue = due + interval
      await sleep(due - performance.now())
      if (running) await create()
    }
  }
  const startedAt = Date.now()
  const clients = Promise.all(Array.from({ length: settings.clients }, client))

  return {
    startedAt,
    answers,
    async createdAgain(since) {
      let found: Answer | undefined
      await until(() => (found = answers.find((a) => a.status === 201 && a.sentAt >= since)) !== undefined, RECOVERY_LIMIT_MS)
      return found?.at
    },
    async stop() {
      running = false
      await clients
      await pool.close()
    },
  }
}

// ---------------------------------------------------------------------------------------------------
// Faults

interface Outage {
  start: number
  /** When the cause was removed: database back, process respawned, receiver up. */
  end: number
  /** When the first 201 to a request sent after `end` arrived. */
  createdAgainAt?: number
}

interface Fault {
  label: string
  start: number
  outages: Outage[]
  /** d: from the new serve's spawn until /ready answered 200. */
  restartMs?: number
  /** From the end of the last outage until every event committed by then had arrived (for e, the drain time). */
  deliveredMs?: number
  /** Events still missing when that wait gave up. */
  undelivered?: number
}

interface Stack {
  env: NodeJS.ProcessEnv
  url: string
  serve: ServiceProcess
  workers: ServiceProcess[]
  receiver: Receiver
  load: Load
}

function newFault(label: string): Fault {
  progress(label)
  return { label, start: Date.now(), outages: [] }
}

/** Runs `cause` (which returns once the cause is removed), then waits for the API to create again. */
async function outage<T>(fault: Fault, load: Load, cause: () => Promise<T>): Promise<T> {
  const start = Date.now()
  const result = await cause()
  const endedAt = Date.now()
  const createdAgainAt = await load.createdAgain(endedAt)
  fault.outages.push({ start, end: endedAt, createdAgainAt })
  const again = createdAgainAt === undefined ? `no 201 within ${RECOVERY_LIMIT_MS / 1000} s` : `201 again after ${seconds(createdAgainAt - endedAt)}`
  progress(`  fault lasted ${seconds(endedAt - start)}; ${again}`)
  return result
}

async function databaseFault(spec: Store['faults'][number], stack: Stack): Promise<Fault> {
  const fault = newFault(spec.label)
  for (const [i, cause] of spec.outages.entries()) {
    // Apart, so that each is an outage of its own to the processes, not one long one.
    if (i > 0) await settle()
    await outage(fault, stack.load, cause)
  }
  return fault
}

async function killWorkers(stack: Stack): Promise<Fault> {
  const fault = newFault(`c. SIGKILL a worker, replace it ${WORKER_REPLACEMENT_DELAY_MS / 1000} s later, ${settings.kills} times`)
  for (let i = 0; i < settings.kills; i++) {
    // The longest-running worker each time, so every kill hits one that has been claiming deliveries.
    const victim = stack.workers.shift() as ServiceProcess
    const replacement = await outage(fault, stack.load, async () => {
      await end(victim, 'SIGKILL')
      await sleep(WORKER_REPLACEMENT_DELAY_MS)
      return spawnService('worker', stack.env)
    })
    await untilReady(replacement)
    stack.workers.push(replacement)
  }
  return fault
}

async function killServe(stack: Stack): Promise<Fault> {
  const fault = newFault('d. SIGKILL serve, start it again at once')
  const replacement = await outage(fault, stack.load, async () => {
    await end(stack.serve, 'SIGKILL')
    // The same PORT again: clients and the load keep their URL.
    return spawnService('serve', stack.env)
  })
  fault.restartMs = await restartTime(replacement, stack.url)
  stack.serve = replacement
  progress(`  serve ready ${seconds(fault.restartMs)} after its spawn`)
  return fault
}

async function receiverOutage(stack: Stack): Promise<Fault> {
  const fault = newFault(`e. receiver down for ${settings.receiverOutageSeconds} s`)
  await outage(fault, stack.load, async () => {
    await stack.receiver.down()
    await sleep(settings.receiverOutageSeconds * 1000)
    await stack.receiver.up()
  })
  return fault
}

/**
 * Waits until every event committed so far has arrived and records how long after the fault's end that
 * took. The next fault starts only then, so it is not charged with this one's stragglers (the rows a
 * killed worker held come due again only when their lease runs out).
 */
async function untilDelivered(fault: Fault, stack: Stack, store: Store): Promise<void> {
  const endedAt = (fault.outages.at(-1) as Outage).end
  const committed = (await outboxEvents(store)).map((event) => event.id)
  const missing = await untilArrived(stack.receiver, committed, DRAIN_LIMIT_MS)
  if (missing.length > 0) {
    fault.undelivered = missing.length
    progress(`  ${fmt(missing.length)} of ${fmt(committed.length)} events committed so far still missing after ${DRAIN_LIMIT_MS / 1000} s`)
    return
  }
  fault.deliveredMs = lastArrivalAfter(stack.receiver, committed, endedAt)
  progress(`  every event committed so far (${fmt(committed.length)}) arrived ${seconds(fault.deliveredMs)} after the fault ended`)
}

async function settle(): Promise<void> {
  await sleep(settings.settleSeconds * 1000)
}

// ---------------------------------------------------------------------------------------------------
// The report

interface Findings {
  store: Store
  faults: Fault[]
  answers: Answer[]
  loadStart: number
  loadEnd: number
  events: OutboxEvent[]
  receiver: Receiver
  /** From the load's stop until every event had arrived; undefined when some never did. */
  allArrivedMs?: number
  lateness: number[]
}

const verdict = (ok: boolean) => (ok ? 'met' : 'not met')
const share = (part: number, whole: number) => (100 * part) / Math.max(1, whole)

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]
}

/** `3×409, 1×500`: how often each value occurs, or '0' when none does. */
function tally(values: (string | number)[]): string {
  const counts = new Map<string | number, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return [...counts].map(([value, n]) => `${fmt(n)}×${value}`).join(', ') || '0'
}

/** The phases (baseline, then each fault until the next one starts) that answers and events fall in. */
function phases(f: Findings): { label: string; from: number; to: number; fault?: Fault }[] {
  const starts: { label: string; from: number; fault?: Fault }[] = [
    { label: 'baseline', from: f.loadStart },
    ...f.faults.map((fault) => ({ label: fault.label, from: fault.start, fault })),
  ]
  // The last phase takes the load's final millisecond too.
  return starts.map((phase, i) => ({ ...phase, to: starts[i + 1]?.from ?? f.loadEnd + 1 }))
}

function faultTable(f: Findings): { text: string; notes: string[] } {
  const notes: string[] = []
  const rows = phases(f).map(({ label, from, to, fault }) => {
    // By arrival: a request in flight when the fault struck counts with the fault.
    const answered = f.answers.filter((a) => a.at >= from && a.at < to)
    const failed = answered.filter((a) => a.status !== 201)
    if (failed.length > 0) notes.push(`${label}: ${tally(failed.map((a) => `${a.status || 'no answer'} ${a.error}`))}`)
    const count = (status: number) => fmt(answered.filter((a) => a.status === status).length)
    return [
      label,
      fault ? lastedCell(fault) : '-',
      fmt(answered.length),
      fmt(answered.length / ((to - from) / 1000), 1),
      count(201),
      count(503),
      count(0),
      tally(failed.filter((a) => a.status !== 503 && a.status !== 0).map((a) => a.status)),
      fault ? createdAgainCell(fault) : '-',
      fault?.restartMs === undefined ? '-' : seconds(fault.restartMs),
      fault ? deliveredCell(fault) : '-',
    ]
  })
  const header = ['phase', 'fault lasted', 'answers', 'per s', '201', '503', 'no answer', 'other']
  header.push('201 again after (worst)', 'serve ready after', 'all delivered after')
  return { text: table(header, rows), notes }
}

/** `2.41 s`, or `3× ≤ 2.05 s` for a fault of several outages. */
function lastedCell({ outages }: Fault): string {
  const longest = seconds(Math.max(...outages.map((o) => o.end - o.start)))
  return outages.length > 1 ? `${outages.length}× ≤ ${longest}` : longest
}

function createdAgainCell({ outages }: Fault): string {
  if (outages.some((o) => o.createdAgainAt === undefined)) return `none in ${RECOVERY_LIMIT_MS / 1000} s`
  return seconds(Math.max(...outages.map((o) => (o.createdAgainAt as number) - o.end)))
}

function deliveredCell({ deliveredMs, undelivered }: Fault): string {
  if (undelivered !== undefined) return `${fmt(undelivered)} missing`
  return deliveredMs === undefined ? '-' : seconds(deliveredMs)
}

function totalsTable(f: Findings): { text: string; notes: string[] } {
  const notes: string[] = []
  const deliveries = f.receiver.deliveries
  const eventIds = new Set(f.events.map((e) => e.id))
  const lost = f.events.filter((e) => !f.receiver.firstArrival.has(e.id))
  const duplicates = deliveries.filter((d) => d.attempt > 1).length
  const unknown = new Set(deliveries.filter((d) => !eventIds.has(d.id)).map((d) => d.id)).size
  const subjects = new Set(f.events.map((e) => e.subject))
  const createdWithoutEvent = f.answers.filter((a) => a.status === 201 && !subjects.has(`segments/${a.id}`))
  const serverErrors = f.answers.filter((a) => a.status === 500).length
  const bare503 = f.answers.filter((a) => a.status === 503 && !a.retryAfter).length

  const phaseList = phases(f)
  for (const event of lost.slice(0, 10)) {
    const at = event.published_at.getTime()
    const phase = phaseList.find((p) => at >= p.from && at < p.to)?.label ?? 'after the load'
    notes.push(`lost: event ${event.id} (${event.subject}) committed ${event.published_at.toISOString()}, during ${phase}`)
  }
  for (const answer of createdWithoutEvent.slice(0, 10)) {
    notes.push(`201 without an event: segment ${answer.id}, answered ${new Date(answer.at).toISOString()}`)
  }

  const rows: string[][] = [
    ['requests sent', fmt(f.answers.length), '', ''],
    ['events committed (outbox)', fmt(f.events.length), '', ''],
    ['deliveries received', fmt(deliveries.length), '', ''],
    ['events lost (never arrived)', fmt(lost.length), '0', verdict(lost.length === 0)],
    ['201 answers without an event', fmt(createdWithoutEvent.length), '0', verdict(createdWithoutEvent.length === 0)],
    ['duplicates (webhook-id seen before)', `${fmt(duplicates)} (${fmt(share(duplicates, deliveries.length), 2)} % of deliveries)`, '', ''],
    ['deliveries of ids not in the outbox', fmt(unknown), '', ''],
    ['unexpected process exits', fmt(unexpectedExits.length), '0', verdict(unexpectedExits.length === 0)],
    ['500 answers', fmt(serverErrors), '0', verdict(serverErrors === 0)],
    ['503 answers without Retry-After', fmt(bare503), '0', verdict(bare503 === 0)],
    ['all delivered after the load stopped', f.allArrivedMs === undefined ? `not within ${DRAIN_LIMIT_MS / 1000} s` : seconds(f.allArrivedMs), '', ''],
    ['first-retry lateness, median / max', latenessCell(f.lateness), '', ''],
  ]
  return { text: table(['measure', 'value', 'target', ''], rows), notes }
}

function latenessCell(lateness: number[]): string {
  if (lateness.length === 0) return '-'
  const max = lateness.reduce((a, b) => Math.max(a, b))
  return `${fmt(median(lateness))} / ${fmt(max)} ms (${fmt(lateness.length)} deliveries)`
}

function processTable(): { text: string; notes: string[] } {
  const notes: string[] = [...unexpectedExits]
  const rows = processes.map((p) => {
    for (const line of p.errorLines.slice(0, SHOWN_ERROR_LINES)) {
      const err = (line.err as { message?: string } | undefined)?.message
      notes.push(`${p.name} error: ${line.msg}${err ? ` (${err})` : ''}`)
    }
    const ended = p.endedBy ? `${p.endedBy} by the harness → ${p.exit}` : p.exit === undefined ? 'running' : `by itself: ${p.exit}`
    return [p.name, ended, fmt(p.errorLines.length), fmt(p.unreachable), fmt(p.reachableAgain)]
  })
  return { text: table(['process', 'ended', 'error lines', "'database unreachable'", "'reachable again'"], rows), notes }
}

function printReport(f: Findings): void {
  console.log(`\nreliability soak · ${os.cpus().length} cores · node ${process.version} · ${f.store.description}`)
  console.log(`load: ${settings.rate} segment creations/s from ${settings.clients} clients; settle ${settings.settleSeconds} s between faults\n`)
  const faults = faultTable(f)
  console.log(faults.text)
  console.log(`
A phase runs from its fault's start to the next fault's start; answers count in the phase they arrived in.
'no answer': refused, reset or timed out (${REQUEST_TIMEOUT_MS / 1000} s). '201 again after': from the end of the fault
(database back, process respawned, receiver up) until the first 201 to a request sent after it.
'serve ready after': from the new serve's spawn until /ready answered 200. 'all delivered after': from
the end of the fault until every event committed by then had arrived (for e, the drain time).\n`)
  const totals = totalsTable(f)
  console.log(totals.text)
  console.log(`first-retry lateness: attempt 2's start − (attempt 1's start + its duration + ${FIRST_RETRY_LATEST_MS / 1000} s), over the deliveries
whose attempt 1 failed while the receiver was down; negative is on time.\n`)
  const procs = processTable()
  console.log(procs.text)
  const notes = [...faults.notes, ...totals.notes, ...procs.notes]
  if (notes.length > 0) console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`)
}

// ---------------------------------------------------------------------------------------------------

async function startStack(store: Store): Promise<Stack> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(await freePort()),
    DATABASE_URL: store.serviceUrl,
    AUTH_SECRET,
    DELIVERY_ALLOW_PRIVATE: 'true',
    LOG_LEVEL: 'info',
  }
  const receiver = await startReceiver()
  // serve first: it applies the migrations that the workers need.
  const serve = spawnService('serve', env)
  const url = (await untilReady(serve)) as string
  const workers = [spawnService('worker', env), spawnService('worker', env)]
  await Promise.all(workers.map(untilReady))
  const token = await mintToken(new TextEncoder().encode(AUTH_SECRET), {
    tenant: TENANT,
    scopes: [SCOPES.segmentManage, SCOPES.segmentRead, SCOPES.webhookManage, SCOPES.webhookRead],
    ttl: '12h',
  })
  await configureWebhook(url, token, receiver.url)
  return { env, url, serve, workers, receiver, load: startLoad(url, token) }
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (the soak runs the compiled service)`)
  const store = canCreateCluster() ? await ownCluster() : await proxiedDatabase()
  progress(store.description)
  const stack = await startStack(store)
  progress(`serve at ${stack.url}, 2 workers, receiver at ${stack.receiver.url}; load of ${settings.rate}/s started`)
  if (!(await until(() => stack.receiver.deliveries.length > 0, 30_000))) throw new Error('no delivery arrived within 30 s of load')

  const faults: Fault[] = []
  const injections = [
    ...store.faults.map((spec) => () => databaseFault(spec, stack)),
    () => killWorkers(stack),
    () => killServe(stack),
    () => receiverOutage(stack),
  ]
  for (const inject of injections) {
    await settle()
    const fault = await inject()
    await untilDelivered(fault, stack, store)
    faults.push(fault)
  }
  const receiverDown = faults.at(-1)?.outages[0] as Outage

  await stack.load.stop()
  const loadEnd = Date.now()
  progress(`load stopped after ${fmt(stack.load.answers.length)} requests; waiting for every event to arrive`)
  // Every request has had its answer (or was given up on), so this is every event the load made.
  const events = await outboxEvents(store)
  const ids = events.map((e) => e.id)
  const missing = await untilArrived(stack.receiver, ids, DRAIN_LIMIT_MS)
  const allArrivedMs = missing.length === 0 ? lastArrivalAfter(stack.receiver, ids, loadEnd) : undefined
  const lateness = await firstRetryLateness(store, receiverDown.start, receiverDown.end)
  await Promise.all(processes.map(stop))

  const { answers, startedAt: loadStart } = stack.load
  printReport({ store, faults, answers, loadStart, loadEnd, events, receiver: stack.receiver, allArrivedMs, lateness })
}

void runBenchmark(main)

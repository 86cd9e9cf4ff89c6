/**
 * Start-up and memory benchmark: how long `segments` takes from process start to a `/ready` that answers
 * 200 (embedded on a new data dir, restarted, restarted after SIGKILL; on PostgreSQL), how long CLI
 * commands take, and how much memory a serving process holds at start, idle, under a mixed load and after.
 *
 *   npm run build && npm run bench:startup
 *
 * - Runs the compiled build (dist/cli.js), as `npm start` does, each command as a process of its own.
 * - PostgreSQL at BENCH_DATABASE_URL or DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 *   a fresh database is created and dropped at the end. Embedded data dirs are made in the system's
 *   temporary folder and removed.
 * - The reference is a bare `node -e ""` measured in the same run: what no Node program can beat.
 * - Memory is the process's resident set (VmRSS, sampled every 200 ms under load) from /proc, Linux
 *   only. The mixed load is BENCH_CLIENTS (8) clients creating segments, assigning customers, reading
 *   segments, listing with a q filter and reading the event log, for BENCH_LOAD (20) seconds.
 * - Settings (env): BENCH_RUNS (3 runs of each start), BENCH_CLIENTS, BENCH_LOAD; EMBEDDED_SHARED_BUFFERS_MB is
 *   passed to the service, to compare buffer cache sizes.
 *
 * Always exits 0 once it has measured: it is a measurement, not a test. It prints whether targets are met.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { mintToken } from '../src/auth/mint-token.js'
import { SCOPES } from '../src/auth/principal.js'
import { ADMIN_URL, createFreshDatabase, freePort, intEnv, onCleanup, runBenchmark } from './lifecycle.js'
import { fmt, table } from './report.js'

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
const settings = {
  runs: intEnv('BENCH_RUNS', 3),
  clients: intEnv('BENCH_CLIENTS', 8),
  loadSeconds: intEnv('BENCH_LOAD', 20),
}
const TARGETS = { readyMs: 5_000, cliMs: 1_000 }
const AUTH_SECRET = randomBytes(32).toString('base64url')
const TENANT = 'bench'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'segments-bench-'))
  onCleanup(`remove ${dir}`, async () => rmSync(dir, { recursive: true, force: true }))
  return dir
}

// ---------------------------------------------------------------------------------------------------
// Processes

/** Runs a command to its end; resolves with its wall time in ms (rejects on a non-zero exit). */
async function timed(args: string[], env: Record<string, string> = {}): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' })
  const [code] = await once(child, 'exit')
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}`)
  return performance.now() - started
}

/** Settings of the service under test that the benchmark's own environment may set (for an A/B run). */
function passedThrough(): Record<string, string> {
  const value = process.env.EMBEDDED_SHARED_BUFFERS_MB
  return value === undefined ? {} : { EMBEDDED_SHARED_BUFFERS_MB: value }
}

interface Server {
  child: ChildProcess
  url: string
  /** Milliseconds from spawn to the first `/ready` answering 200. */
  readyMs: number
}

/** Starts `segments serve` and waits for `/ready`. */
async function startServe(env: Record<string, string>): Promise<Server> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { PATH: process.env.PATH, PORT: String(port), AUTH_SECRET, LOG_LEVEL: 'warn', ...passedThrough(), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  onCleanup('serve', async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await once(child, 'exit')
    }
  })
  const url = `http://127.0.0.1:${port}`
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited (${child.exitCode})`)
    try {
      if ((await fetch(`${url}/ready`)).ok) return { child, url, readyMs: performance.now() - started }
    } catch {}
    if (performance.now() - started > 120_000) throw new Error('serve not ready within 120 s')
    await sleep(10)
  }
}

async function stop(server: Server, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  server.child.kill(signal)
  await once(server.child, 'exit')
}

/** Starts `segments worker` and resolves with the ms until it logs that it is ready. */
async function workerReadyMs(env: Record<string, string>): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, [CLI, 'worker'], {
    env: { PATH: process.env.PATH, AUTH_SECRET, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk
      if (output.includes('"msg":"delivery worker ready"')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`worker exited (${code})`)))
  })
  const ms = performance.now() - started
  child.kill('SIGTERM')
  await once(child, 'exit')
  return ms
}

/** Resident set in MB, from /proc. */
function rss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) / 1024
}

// ---------------------------------------------------------------------------------------------------
// Figures

interface Spread {
  min: number
  median: number
  max: number
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b)
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] }
}

async function repeat(runs: number, measure: (run: number) => Promise<number>): Promise<Spread> {
  const values: number[] = []
  for (let run = 0; run < runs; run++) values.push(await measure(run))
  return spread(values)
}

const ms = (s: Spread) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`
const verdict = (s: Spread, target: number) => (s.max <= target ? 'met' : s.median <= target ? 'met at the median' : 'not met')

// ---------------------------------------------------------------------------------------------------
// The mixed load

/** BENCH_CLIENTS clients going round five requests each for `seconds`; returns the requests made and the non-2xx. */
async function mixedLoad(url: string, seconds: number): Promise<{ requests: number; failed: number }> {
  const token = await mintToken(new TextEncoder().encode(AUTH_SECRET), {
    tenant: TENANT,
    scopes: [SCOPES.segmentManage, SCOPES.segmentRead, SCOPES.webhookManage, SCOPES.webhookRead],
    ttl: '1h',
  })
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const base = `${url}/customer-segment/${TENANT}/segments`
  const deadline = Date.now() + seconds * 1000
  let requests = 0
  let failed = 0
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    await res.arrayBuffer()
    requests += 1
    if (res.status >= 300) failed += 1
  }
  const client = async (c: number) => {
    for (let i = 0; Date.now() < deadline; i++) {
      const id = `c${c}-${i}`
      await call('POST', base, { id, name: { en: `Segment ${id}`, de: `Segment ${id}` }, siteCode: `site-${i % 5}`, status: 'ACTIVE' })
      await call('PUT', `${base}/${id}/customers/customer-${i % 500}`, { customer: { email: `c${i % 500}@example.com` } })
      await call('GET', `${base}/${id}`)
      await call('GET', `${base}?q=siteCode:site-${i % 5}&pageSize=20`)
      await call('GET', `${url}/webhook/${TENANT}/events?pageSize=20&since=${Math.max(0, i * 2 - 20)}`)
    }
  }
  await Promise.all(Array.from({ length: settings.clients }, (_, c) => client(c)))
  return { requests, failed }
}

interface MemoryFigures {
  atReady: number
  idle: number
  loadPeak: number
  afterLoad: number
  requestsPerSecond: number
  failed: number
}

async function memoryProfile(env: Record<string, string>): Promise<MemoryFigures> {
  const server = await startServe(env)
  const pid = server.child.pid as number
  const atReady = rss(pid)
  await sleep(10_000)
  const idle = rss(pid)
  // Sampled: the process's lifetime peak (VmHWM) would count the creation of a new embedded database.
  let loadPeak = idle
  const sampler = setInterval(() => {
    loadPeak = Math.max(loadPeak, rss(pid))
  }, 200)
  const { requests, failed } = await mixedLoad(server.url, settings.loadSeconds).finally(() => clearInterval(sampler))
  await sleep(15_000)
  const afterLoad = rss(pid)
  await stop(server, 'SIGTERM')
  return { atReady, idle, loadPeak, afterLoad, requestsPerSecond: requests / settings.loadSeconds, failed }
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`)
  console.log(`Start-up and memory (Node ${process.version}, ${settings.runs} runs each; median (min–max) ms)\n`)
  const rows: string[][] = []
  const add = (what: string, s: Spread, target?: number) => rows.push([what, ms(s), target === undefined ? '' : `≤ ${fmt(target)}: ${verdict(s, target)}`])

  add('node -e "" (reference)', await repeat(settings.runs, () => timed(['-e', ''])))
  add('segments --help', await repeat(settings.runs, () => timed([CLI, '--help'])), TARGETS.cliMs)
  add('segments token', await repeat(settings.runs, () => timed([CLI, 'token', '--tenant', TENANT], { AUTH_SECRET })), TARGETS.cliMs)

  /** Each run starts serve on its own data dir or database (`envs[run]`), after `before` if given. */
  const serveStarts = (envs: Record<string, string>[], before?: (env: Record<string, string>) => Promise<void>) =>
    repeat(settings.runs, async (run) => {
      await before?.(envs[run])
      const server = await startServe(envs[run])
      await stop(server, 'SIGTERM')
      return server.readyMs
    })
  const embedded = Array.from({ length: settings.runs }, () => ({ DATA_DIR: tempDir() }))
  add('serve, embedded, new data dir', await serveStarts(embedded), TARGETS.readyMs)
  add('serve, embedded, restart', await serveStarts(embedded), TARGETS.readyMs)
  const killed = async (env: Record<string, string>) => stop(await startServe(env), 'SIGKILL')
  add('serve, embedded, after SIGKILL', await serveStarts(embedded, killed), TARGETS.readyMs)
  const postgres: Record<string, string>[] = []
  for (let run = 0; run < settings.runs; run++) postgres.push({ DATABASE_URL: await createFreshDatabase(ADMIN_URL, 'bench_startup') })
  add('serve, PostgreSQL, new database', await serveStarts(postgres), TARGETS.readyMs)
  add('serve, PostgreSQL, restart', await serveStarts(postgres), TARGETS.readyMs)
  add('worker, PostgreSQL', await repeat(settings.runs, (run) => workerReadyMs(postgres[run])), TARGETS.readyMs)
  console.log(table(['Start', 'ms', 'Target'], rows))

  console.log(`\nMemory of serve (MB resident; mixed load: ${settings.clients} clients for ${settings.loadSeconds} s)\n`)
  const embeddedMemory = await memoryProfile({ DATA_DIR: tempDir() })
  const postgresMemory = await memoryProfile({ DATABASE_URL: await createFreshDatabase(ADMIN_URL, 'bench_memory') })
  const memoryRow = (what: string, m: MemoryFigures) => [
    what,
    fmt(m.atReady),
    fmt(m.idle),
    fmt(m.loadPeak),
    fmt(m.afterLoad),
    `${fmt(m.requestsPerSecond)}${m.failed > 0 ? ` (${m.failed} failed)` : ''}`,
  ]
  console.log(
    table(['Engine', 'At ready', 'Idle 10 s', 'Peak under load', '15 s after', 'Requests/s'], [memoryRow('embedded (PGlite)', embeddedMemory), memoryRow('PostgreSQL', postgresMemory)]),
  )
}

await runBenchmark(main)

/**
 * Round-trip benchmark: how many times one request waits for the database, measured from outside. On a
 * machine of its own the database sits a network hop away, and every round trip adds that hop's time to
 * the request (and to how long a write holds its segment's lock). So each request is timed with the
 * database reached directly and again through a proxy that holds every packet for a while; the added
 * time divided by the added time of one `select 1` is the request's round trips.
 *
 *   npm run bench:round-trips
 *
 * - PostgreSQL at BENCH_DATABASE_URL or DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 *   a fresh database is created for the run and dropped at the end, also on failure or Ctrl-C.
 * - The service runs as `segments serve` in a child process (the compiled build), API only (no delivery
 *   engine, whose statements would share the proxy), with every connection through a TCP proxy in this
 *   process that delays each chunk by BENCH_DELAY_MS (2) in each direction when delaying, and passes it at
 *   once otherwise. This process does nothing else while a request is under way, so the proxy's timers
 *   fire on time.
 * - Requests are sent one at a time (BENCH_REQUESTS, 200, per request kind and delay), so nothing queues.
 *   Two figures per request kind: the round trips the service made to the database during the request, as
 *   the proxy counted them (what a connection sends while it waits for no answer begins one: a BEGIN goes
 *   out with the statement behind it; median over the requests, undelayed), which the targets are judged on; and the time a round
 *   trip's delay adds to the request, (p50 delayed − p50 direct) ÷ (p50 of `select 1` delayed − direct),
 *   `select 1` sent by this process through the same proxy, which says the same from the outside.
 *
 * Always exits 0 once it has measured: it is a measurement, not a test. It prints whether targets are met.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { type AddressInfo, connect, createServer, type Socket } from 'node:net'
import pg from 'pg'
import { Pool } from 'undici'
import { mintToken } from '../src/auth/mint-token.js'
import { SCOPES } from '../src/auth/principal.js'
import { fileURLToPath } from 'node:url'
import { roundTripCounter } from '../test/support/round-trip-counter.js'
import { ADMIN_URL, createFreshDatabase, describeDatabase, freePort, intEnv, onCleanup, runBenchmark } from './lifecycle.js'
import { fmt, table } from './report.js'

const settings = {
  delayMs: intEnv('BENCH_DELAY_MS', 2),
  requests: intEnv('BENCH_REQUESTS', 200),
  tenant: 'bench',
}
/** Round trips a request kind may take at most (what the code is built to take; more is a regression). */
const TARGETS: Record<string, number> = { 'GET one segment': 1, 'PUT one customer assignment (new)': 3, 'DELETE one customer assignment': 3, 'PUT one product assignment (new)': 3 }
const AUTH_SECRET = randomBytes(32).toString('base64url')

/** A TCP proxy to PostgreSQL whose delay can be switched; chunks keep their order. */
async function startDelayProxy(target: URL): Promise<{ port: number; setDelay(ms: number): void; sent(): number }> {
  let delay = 0
  let sent = 0
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.setNoDelay(true)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => socket.destroy())
    }
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        // Timers of one duration fire in the order they were set: chunks stay in order.
        if (delay === 0) to.write(chunk)
        else setTimeout(() => to.write(chunk), delay)
      })
    forward(client, upstream)
    forward(upstream, client)
    const counter = roundTripCounter(() => (sent += 1))
    client.on('data', counter.fromClient)
    upstream.on('data', counter.fromServer)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  onCleanup('proxy', async () => {
    for (const socket of sockets) socket.destroy()
    server.close()
  })
  return { port: (server.address() as AddressInfo).port, setDelay: (ms) => (delay = ms), sent: () => sent }
}

/** `segments serve` (the compiled build, as `npm start` runs it), API only, on `databaseUrl`; its URL once ready. */
async function startService(databaseUrl: string): Promise<string> {
  const port = await freePort()
  const child = spawn(process.execPath, [fileURLToPath(new URL('../dist/cli.js', import.meta.url)), 'serve'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, AUTH_SECRET, PORT: String(port), LOG_LEVEL: 'warn', DELIVERY_WORKER: 'false' },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  onCleanup('service', async () => {
    if (child.exitCode !== null) return
    child.kill('SIGTERM')
    await once(child, 'exit')
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode})`)
    try {
      if ((await fetch(`${url}/ready`)).ok) return url
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the service did not become ready in 30 s')
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** The p50 time of `count` runs, one at a time, and the median count of round trips to the database. */
async function timeEach(count: number, sent: () => number, run: (i: number) => Promise<void>): Promise<{ p50: number; messages: number }> {
  const times: number[] = []
  const messages: number[] = []
  for (let i = 0; i < count; i++) {
    const [started, before] = [performance.now(), sent()]
    await run(i)
    times.push(performance.now() - started)
    messages.push(sent() - before)
  }
  return { p50: median(times), messages: median(messages) }
}

await runBenchmark(async () => {
  const databaseUrl = await createFreshDatabase(ADMIN_URL, 'css_bench_rt')
  const proxy = await startDelayProxy(new URL(databaseUrl))
  const proxied = new URL(databaseUrl)
  proxied.hostname = '127.0.0.1'
  proxied.port = String(proxy.port)
  const serviceUrl = await startService(proxied.toString())
  const probe = new pg.Client({ connectionString: proxied.toString() })
  await probe.connect()
  onCleanup('probe', () => probe.end())

  const token = await mintToken(new TextEncoder().encode(AUTH_SECRET), { tenant: settings.tenant, scopes: [SCOPES.segmentManage, SCOPES.segmentRead], ttl: '1h' })
  const http = new Pool(serviceUrl, { connections: 1 })
  onCleanup('client', () => http.close())
  const call = async (method: 'GET' | 'PUT' | 'DELETE', path: string, expected: number, body?: unknown) => {
    const response = await http.request({
      method,
      path: `/customer-segment/${settings.tenant}${path}`,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.body.text()
    if (response.statusCode !== expected) throw new Error(`${method} ${path}: ${response.statusCode} ${text}`)
  }

  console.log('Customer Segment Service — round trips per request')
  console.log(`database: ${await describeDatabase(databaseUrl)}, through a proxy adding ${settings.delayMs} ms each way when delaying`)
  await call('PUT', '/segments/gold', 201, { name: { en: 'Gold' }, siteCode: 'main', status: 'ACTIVE' })

  let run = 0
  const kinds: [string, (i: number) => Promise<void>][] = [
    ['GET one segment', () => call('GET', '/segments/gold', 200)],
    ['PUT one customer assignment (new)', (i) => call('PUT', `/segments/gold/customers/r${run}c${i}`, 201, {})],
    ['PUT one customer assignment (changed)', (i) => call('PUT', `/segments/gold/customers/r${run}c${i}`, 204, { mixins: { note: `n${i}` } })],
    ['DELETE one customer assignment', (i) => call('DELETE', `/segments/gold/customers/r${run}c${i}`, 204)],
    ['PUT one product assignment (new)', (i) => call('PUT', `/segments/gold/items/PRODUCT/r${run}p${i}`, 201, {})],
  ]
  const direct = new Map<string, { p50: number; messages: number }>()
  const delayed = new Map<string, { p50: number; messages: number }>()
  for (const [label, measured] of [['direct', direct], ['delayed', delayed]] as const) {
    proxy.setDelay(label === 'direct' ? 0 : settings.delayMs)
    run += 1
    // Warm-up: connections opened, statements prepared, tokens cached.
    for (let i = 0; i < 5; i++) await call('GET', '/segments/gold', 200)
    measured.set('select 1', await timeEach(settings.requests, proxy.sent, async () => void (await probe.query('select 1'))))
    for (const [kind, request] of kinds) measured.set(kind, await timeEach(settings.requests, proxy.sent, request))
  }

  const p50 = (measured: typeof direct, kind: string) => (measured.get(kind) as { p50: number }).p50
  const hop = p50(delayed, 'select 1') - p50(direct, 'select 1')
  const tripsByTime = (kind: string) => (p50(delayed, kind) - p50(direct, kind)) / hop
  const messages = (kind: string) => (direct.get(kind) as { messages: number }).messages
  const verdict = (kind: string) => (messages(kind) <= TARGETS[kind] ? 'met' : 'not met')
  const rows = [...direct.keys()].map((kind) => [
    kind,
    fmt(p50(direct, kind), 2),
    fmt(p50(delayed, kind), 2),
    String(messages(kind)),
    fmt(tripsByTime(kind), 1),
    TARGETS[kind] === undefined ? '—' : `≤ ${TARGETS[kind]}: ${verdict(kind)}`,
  ])
  console.log(`\none round trip through the delaying proxy adds ${fmt(hop, 2)} ms (select 1, p50 of ${settings.requests})\n`)
  console.log(table(['request', 'p50 ms direct', `p50 ms +${settings.delayMs} ms each way`, 'round trips (counted)', '(from the time added)', 'target'], rows))
  for (const kind of Object.keys(TARGETS)) {
    console.log(`target ${kind}: at most ${TARGETS[kind]} round trips: ${verdict(kind)} (${messages(kind)} counted, ${fmt(tripsByTime(kind), 1)} from the time added)`)
  }
})

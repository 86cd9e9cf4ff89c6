/**
 * API benchmark: the real service against a bare Fastify app that runs the same SQL on the same pool.
 *
 *   npm run bench:api
 *
 * - PostgreSQL at BENCH_DATABASE_URL or DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 *   a fresh database is created for the run and dropped at the end, also on failure or Ctrl-C.
 * - The service runs in this process (startServer, loopback, free port); so does the bare app, which
 *   uses `server.database.db`, so both share one pg pool.
 * - autocannon runs in a child process (bench/load-driver.ts), so it does not share the service's event
 *   loop; it still shares the machine's cores with the service and PostgreSQL.
 * - Settings (env): BENCH_CONNECTIONS, BENCH_DURATION, BENCH_WARMUP, BENCH_SEGMENTS, BENCH_SITES,
 *   BENCH_SLICES, BENCH_POOL_SIZE, BENCH_ONLY (comma list of get,put,list), BENCH_TARGETS (ours,bare), BENCH_SHOW_SQL=1,
 *   BENCH_CPU_PROFILE=<dir> (a V8 CPU profile of this process, i.e. the service, per measured run).
 *
 * Always exits 0 once it has measured: it is a measurement, not a test. It prints whether targets are met.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { CompiledQuery, type Kysely } from 'kysely'
import { v7 as uuidv7 } from 'uuid'
import { mintToken } from '../src/auth/mint-token.js'
import { SCOPES } from '../src/auth/principal.js'
import type { DB } from '../src/db/schema.js'
import { OUTBOX_CHANNEL } from '../src/events/outbox.js'
import { segmentId, siteOf } from './dataset.js'
import { ADMIN_URL, createFreshDatabase, describeDatabase, intEnv, onCleanup, runBenchmark, startBenchService, startDriver } from './lifecycle.js'
import { startCpuProfile } from './cpu-profile.js'
import { fmt, problems, table } from './report.js'
import { captureRequestSql, captureRequestsOf } from './sql-capture.js'
import type { ScenarioKind, ScenarioRequest, ScenarioSummary } from './load-driver.js'

// ---------------------------------------------------------------------------------------------------
// Settings

const settings = {
  adminUrl: ADMIN_URL,
  tenant: 'bench',
  segments: intEnv('BENCH_SEGMENTS', 10_000),
  sites: intEnv('BENCH_SITES', 20),
  bulkSize: 200,
  bulkConcurrency: 4,
  poolSize: intEnv('BENCH_POOL_SIZE', 10),
  connections: intEnv('BENCH_CONNECTIONS', 32),
  warmupSeconds: intEnv('BENCH_WARMUP', 2),
  durationSeconds: intEnv('BENCH_DURATION', 8),
  /** Slices per app and scenario; warm-up and duration are split evenly among them. */
  slices: intEnv('BENCH_SLICES', 4),
  only: (process.env.BENCH_ONLY ?? 'get,put,list').split(',').map((s) => s.trim()) as ScenarioKind[],
  targets: (process.env.BENCH_TARGETS ?? 'ours,bare').split(',').map((s) => s.trim()),
  showSql: process.env.BENCH_SHOW_SQL === '1',
  cpuProfileDir: process.env.BENCH_CPU_PROFILE || undefined,
}

const TARGETS: Partial<Record<ScenarioKind, number>> = { get: 0.7, put: 0.6 }
const SCENARIO_TITLES: Record<ScenarioKind, string> = {
  get: 'GET one segment',
  put: 'PUT (update) one segment',
  list: 'list q=siteCode, page 2 of 60',
}
/** A throw-away HS256 secret: the service verifies, and the bench mints, tokens with it. */
const AUTH_SECRET = randomBytes(32).toString('base64url')

// ---------------------------------------------------------------------------------------------------
// The bare app: no auth, no schemas, no domain logic; the service's SQL, verbatim, on the service's pool.
// The statements are what Kysely compiles for src/segments/segment-rows.ts, segment-query.ts and
// events/outbox.ts; the SQL parity check below verifies that both apps send the same statement texts.

const SQL = {
  selectOne: 'select * from "segment" where "tenant" = $1 and "id" = $2',
  selectForUpdate: 'select * from "segment" where "tenant" = $1 and "id" = $2 for update',
  update:
    'update "segment" set "name" = $1, "description" = $2, "validity_from" = $3, "validity_to" = $4, "status" = $5, ' +
    '"site_code" = $6, "mixins" = $7, "metadata_mixins" = $8, "version" = $9, "modified_at" = $10 where "tenant" = $11 and "id" = $12',
  insertEvents:
    '/* prepared */ with inserted as ( insert into outbox_event (id, tenant, type, subject, payload, published_at, traceparent) ' +
    'select id, tenant, type, subject, payload, $1, $2::text ' +
    'from rows from (jsonb_to_recordset($3::jsonb) as (id uuid, tenant text, type text, subject text, payload jsonb)) ' +
    'with ordinality as e(id, tenant, type, subject, payload, position) order by position ) ' +
    "select pg_notify($4, '')",
  list: 'select * from "segment" where "tenant" = $1 and ("site_code" = $2) order by "segment"."id" limit $3 offset $4',
}

interface BareBody {
  name: Record<string, string>
  description?: Record<string, string>
  status: string
  siteCode: string
}

async function startBareApp(db: Kysely<DB>): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false })
  const base = '/customer-segment/:tenant/segments'

  app.get<{ Params: { tenant: string; id: string } }>(`${base}/:id`, async (request, reply) => {
    const { rows } = await db.executeQuery(CompiledQuery.raw(SQL.selectOne, [request.params.tenant, request.params.id]))
    return rows.length > 0 ? rows[0] : reply.code(404).send({ code: 404 })
  })

  app.put<{ Params: { tenant: string; id: string }; Body: BareBody }>(`${base}/:id`, async (request, reply) => {
    const { tenant, id } = request.params
    const body = request.body
    const found = await db.transaction().execute(async (tx) => {
      const { rows } = await tx.executeQuery<{ version: number; status: string }>(CompiledQuery.raw(SQL.selectForUpdate, [tenant, id]))
      const row = rows[0]
      if (!row) return false
      const version = row.version + 1
      await tx.executeQuery(
        CompiledQuery.raw(SQL.update, [
          JSON.stringify(body.name),
          body.description ? JSON.stringify(body.description) : null,
          null,
          null,
          body.status,
          body.siteCode,
          null,
          null,
          version,
          new Date(),
          tenant,
          id,
        ]),
      )
      const event = {
        id: uuidv7(),
        tenant,
        type: 'customer-segment.segment-updated',
        subject: `segments/${id}`,
        payload: { ...body, id, version, previousStatus: row.status, tenant },
      }
      await tx.executeQuery(CompiledQuery.raw(SQL.insertEvents, [new Date(), null, JSON.stringify([event]), OUTBOX_CHANNEL]))
      return true
    })
    return found ? reply.code(204).send() : reply.code(404).send({ code: 404 })
  })

  app.get<{ Params: { tenant: string }; Querystring: { q?: string; pageSize?: string; pageNumber?: string } }>(base, async (request) => {
    const { q = '', pageSize = '60', pageNumber = '1' } = request.query
    const site = q.slice(q.indexOf(':') + 1)
    const limit = Number(pageSize)
    const offset = (Number(pageNumber) - 1) * limit
    const { rows } = await db.executeQuery(CompiledQuery.raw(SQL.list, [request.params.tenant, site, limit, offset]))
    return rows
  })

  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  onCleanup('bare app', () => app.close())
  return { app, url }
}

// ---------------------------------------------------------------------------------------------------
// Loading the data set through the API

async function loadSegments(baseUrl: string, token: string): Promise<number> {
  const started = performance.now()
  const batches: number[][] = []
  for (let i = 0; i < settings.segments; i += settings.bulkSize) {
    batches.push(Array.from({ length: Math.min(settings.bulkSize, settings.segments - i) }, (_, k) => i + k))
  }
  let next = 0
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]
      const body = batch.map((index) => ({
        id: segmentId(index),
        name: { en: `Segment ${index}`, de: `Segment ${index} (de)` },
        description: { en: `Benchmark segment ${index}` },
        status: index % 3 === 0 ? 'INACTIVE' : 'ACTIVE',
        siteCode: siteOf(index, settings.sites),
      }))
      const response = await fetch(`${baseUrl}/customer-segment/${settings.tenant}/segments/bulk`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      const results = (await response.json()) as { code: number; message?: string }[]
      if (response.status !== 207) throw new Error(`bulk create answered ${response.status}: ${JSON.stringify(results)}`)
      const failed = results.filter((r) => r.code !== 201)
      if (failed.length > 0) throw new Error(`bulk create: ${failed.length} items failed, e.g. ${JSON.stringify(failed[0])}`)
    }
  }
  await Promise.all(Array.from({ length: settings.bulkConcurrency }, worker))
  return (performance.now() - started) / 1000
}

// ---------------------------------------------------------------------------------------------------
// Checking that both apps answer correctly and send the same statements (each request's own: see sql-capture.ts)

interface Target {
  label: 'ours' | 'bare'
  base: string
  token?: string
}

function sampleRequest(kind: ScenarioKind, index: number): { path: string; init: RequestInit } {
  const id = segmentId(index)
  switch (kind) {
    case 'get':
      return { path: `/${id}`, init: { method: 'GET' } }
    case 'put':
      return {
        path: `/${id}`,
        init: {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name: { en: `Segment ${id} check ${Date.now()}` },
            description: { en: `Benchmark segment ${index}` },
            status: 'ACTIVE',
            siteCode: siteOf(index, settings.sites),
          }),
        },
      }
    case 'list':
      return { path: `?q=siteCode:${siteOf(index, settings.sites)}&pageSize=60&pageNumber=2`, init: { method: 'GET' } }
  }
}

async function check(kind: ScenarioKind, target: Target): Promise<{ ok: boolean; problem?: string; sql: string[] }> {
  const { path, init } = sampleRequest(kind, 7)
  const headers = new Headers(init.headers)
  if (target.token) headers.set('authorization', `Bearer ${target.token}`)
  let status = 0
  let body = ''
  const captured = await captureRequestSql(async (tag) => {
    for (const [name, value] of Object.entries(tag)) headers.set(name, value)
    const response = await fetch(`${target.base}${path}`, { ...init, headers })
    status = response.status
    body = await response.text()
    if (settings.showSql) {
      const headerText = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('; ')
      console.log(`  ${target.label} ${kind}: ${status}, ${Buffer.byteLength(body)} body bytes; ${headerText}`)
    }
  })
  const sql = captured.map((statement) => statement.text)
  const expected = kind === 'put' ? 204 : 200
  if (status !== expected) return { ok: false, problem: `${target.label} ${kind}: status ${status}, expected ${expected}: ${body.slice(0, 300)}`, sql }
  if (kind === 'list') {
    // Page 2 of 60 of site-7's segments.
    const perSite = Array.from({ length: settings.segments }, (_, i) => siteOf(i, settings.sites)).filter((s) => s === siteOf(7, settings.sites)).length
    const expected = Math.max(0, Math.min(60, perSite - 60))
    const items = JSON.parse(body) as unknown[]
    if (items.length !== expected) return { ok: false, problem: `${target.label} list: ${items.length} items, expected ${expected}`, sql }
  }
  if (kind === 'get' && (JSON.parse(body) as { id?: string }).id !== segmentId(7)) {
    return { ok: false, problem: `${target.label} get: wrong body ${body.slice(0, 200)}`, sql }
  }
  return { ok: true, sql }
}

// ---------------------------------------------------------------------------------------------------
// The load driver (child process)

function startLoadDriver() {
  return startDriver<ScenarioRequest, ScenarioSummary>('./load-driver.ts', 'BENCH_LOAD_DRIVER')
}

/**
 * Ours and bare alternate in short slices, A B B A A B B A…, so that a drift or a burst of load from
 * elsewhere on the machine (other builds and test runs share these cores) hits both apps alike.
 */
const SLICES_PER_TARGET = settings.slices
/** Unmeasured load before each slice, so that a slice starts in steady state after the other app ran. */
const SLICE_WARMUP_SECONDS = 0.5
const SLICE_ORDER = Array.from({ length: SLICES_PER_TARGET }, (_, i) =>
  i % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const),
).flat()

type Slice = ScenarioSummary & {
  /** CPU time of this process (service or bare app, with the pg pool) per request, the slice's warm-up included. */
  cpuPerRequest: number
}

interface Aggregate {
  reqPerSec: number
  /** Median over the slices; far less sensitive than req/s to other load on the machine. */
  cpuPerRequest: number
  /** Means of the slices' percentiles (autocannon does not hand out its histograms). */
  p50: number
  p99: number
  /** (max − min) / mean of the slices' req/s: how much the machine's load moved during the measurement. */
  spread: number
  slices: Slice[]
}

function aggregate(slices: Slice[]): Aggregate {
  const requests = slices.reduce((sum, s) => sum + s.requests, 0)
  const seconds = slices.reduce((sum, s) => sum + s.seconds, 0)
  const mean = (f: (s: ScenarioSummary) => number) => slices.reduce((sum, s) => sum + f(s), 0) / slices.length
  const rates = slices.map((s) => s.reqPerSec)
  return {
    reqPerSec: requests / seconds,
    cpuPerRequest: median(slices.map((s) => s.cpuPerRequest)),
    p50: mean((s) => s.p50),
    p99: mean((s) => s.p99),
    spread: (Math.max(...rates) - Math.min(...rates)) / mean((s) => s.reqPerSec),
    slices,
  }
}

/** Slice k of ours ran right next to slice k of bare; their ratios show how steady the comparison was. */
function pairRatios(ours: Aggregate, bare: Aggregate): number[] {
  return ours.slices.map((o, i) => o.reqPerSec / bare.slices[i].reqPerSec)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now()
  const cpus = os.cpus()
  console.log('Customer Segment Service — API benchmark (ours vs bare Fastify on the same SQL and pool)')
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, ${os.platform()} ${os.release()}`)
  console.log(`node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)

  const databaseUrl = await createFreshDatabase(settings.adminUrl, 'css_bench')
  console.log(`database: ${await describeDatabase(databaseUrl)}`)

  const server = await startBenchService(databaseUrl, { authSecret: AUTH_SECRET, poolSize: settings.poolSize })
  const bare = await startBareApp(server.database.db)
  // The parity check counts each request's own statements, not the dispatcher's beside it.
  captureRequestsOf(server.app.server)
  captureRequestsOf(bare.app.server)
  const token = await mintToken(new TextEncoder().encode(AUTH_SECRET), {
    tenant: settings.tenant,
    scopes: [SCOPES.segmentManage, SCOPES.segmentRead],
    ttl: '2h',
  })
  console.log(`service: ${server.url} (LOG_LEVEL=warn, pool ${settings.poolSize}); bare app: ${bare.url} (same pool)`)

  const loadSeconds = await loadSegments(server.url, token)
  console.log(
    `loaded ${fmt(settings.segments)} segments over ${settings.sites} sites via POST …/segments/bulk ` +
      `(${settings.bulkSize}/batch, ${settings.bulkConcurrency} concurrent) in ${loadSeconds.toFixed(1)} s ` +
      `(${fmt(settings.segments / loadSeconds)} segments/s)`,
  )
  await server.database.db.executeQuery(CompiledQuery.raw('vacuum analyze segment, outbox_event'))

  const ours: Target = { label: 'ours', base: `${server.url}/customer-segment/${settings.tenant}/segments`, token }
  const bareTarget: Target = { label: 'bare', base: `${bare.url}/customer-segment/${settings.tenant}/segments` }

  // Correctness and SQL parity, one request of each kind to each app.
  const checkFailures: string[] = []
  for (const kind of settings.only) {
    const a = await check(kind, ours)
    const b = await check(kind, bareTarget)
    for (const r of [a, b]) if (!r.ok && r.problem) checkFailures.push(r.problem)
    const same = a.sql.length === b.sql.length && a.sql.every((text, i) => text === b.sql[i])
    console.log(`SQL parity ${kind.padEnd(4)}: ours ${a.sql.length} statements, bare ${b.sql.length} — ${same ? 'identical texts' : 'DIFFERENT'}`)
    if (!same || settings.showSql) {
      console.log(`  ours: ${a.sql.join('\n        ')}`)
      console.log(`  bare: ${b.sql.join('\n        ')}`)
    }
    if (!same) checkFailures.push(`${kind}: the bare app does not send the same statements`)
  }
  if (checkFailures.length > 0) throw new Error(`pre-flight checks failed:\n  ${checkFailures.join('\n  ')}`)

  console.log(
    `settings: autocannon in a child process, ${settings.connections} connections, pipelining 1; per scenario and app ` +
      `${settings.warmupSeconds} s warm-up, then ${settings.durationSeconds} s measured, split into ${SLICES_PER_TARGET} slices ` +
      `(each after ${SLICE_WARMUP_SECONDS} s of unmeasured load) run ` +
      `interleaved (${SLICE_ORDER.map((l) => (l === 'ours' ? 'A' : 'B')).join(' ')}, A = ours) so that drift and neighbours' load hit both apps alike; ` +
      `ids rotate over all ${fmt(settings.segments)} segments; every PUT changes the name (a real write + outbox event)`,
  )
  console.log('order: GET, list, PUT (writes last, so reads are not measured on a table churned by updates)\n')

  const driver = startLoadDriver()
  const results: { kind: ScenarioKind; ours: Aggregate; bare: Aggregate }[] = []
  const order = (['get', 'list', 'put'] as ScenarioKind[]).filter((k) => settings.only.includes(k))
  const byLabel = { ours, bare: bareTarget }
  for (const kind of order) {
    const slices: Record<'ours' | 'bare', Slice[]> = { ours: [], bare: [] }
    const request = (label: 'ours' | 'bare', warmupSeconds: number, durationSeconds: number): ScenarioRequest => ({
      type: 'run',
      label: `${kind} ${label}`,
      kind,
      base: byLabel[label].base,
      token: byLabel[label].token,
      segmentCount: settings.segments,
      siteCount: settings.sites,
      connections: settings.connections,
      warmupSeconds,
      durationSeconds,
    })
    // Warm-up, unmeasured: JIT-compiles each app's path before any slice (else the first slice of
    // whichever app runs first pays for it), fills the buffer cache.
    for (const label of (['ours', 'bare'] as const).filter((l) => settings.targets.includes(l))) {
      await driver.run(request(label, 0, settings.warmupSeconds))
    }
    for (const label of SLICE_ORDER.filter((l) => settings.targets.includes(l))) {
      // Profiles this process: the service and the bare app.
      const profiler = settings.cpuProfileDir ? await startCpuProfile() : undefined
      const cpuBefore = process.cpuUsage()
      const summary = await driver.run(request(label, SLICE_WARMUP_SECONDS, settings.durationSeconds / SLICES_PER_TARGET))
      const cpu = process.cpuUsage(cpuBefore)
      if (profiler) console.log(`  CPU profile: ${await profiler.stop(join(settings.cpuProfileDir as string, `${kind}-${label}-${Date.now()}.cpuprofile`))}`)
      // This process is the service (or the bare app) and its pg pool; the load generator is another.
      const cpuPerRequest = (cpu.user + cpu.system) / (summary.requests + summary.warmupRequests)
      slices[label].push({ ...summary, cpuPerRequest })
      const issue = problems(summary)
      console.log(
        `  ${summary.label.padEnd(9)} ${fmt(summary.reqPerSec).padStart(7)} req/s  p50 ${summary.p50} ms  p99 ${summary.p99} ms` +
          `  ${fmt(cpuPerRequest).padStart(5)} µs CPU/req  (${fmt(summary.requests)} requests in ${summary.seconds.toFixed(1)} s${issue ? `; ${issue}` : ''})`,
      )
    }
    if (slices.ours.length > 0 && slices.bare.length > 0) {
      const result = { kind, ours: aggregate(slices.ours), bare: aggregate(slices.bare) }
      results.push(result)
      const pairs = pairRatios(result.ours, result.bare)
      console.log(`  ${kind} ours/bare per adjacent slice pair: ${pairs.map((r) => r.toFixed(2)).join(' ')} (median ${median(pairs).toFixed(2)})\n`)
    }
  }

  const rows = results.map(({ kind, ours: o, bare: b }) => {
    const ratio = o.reqPerSec / b.reqPerSec
    const target = TARGETS[kind]
    const verdict = target === undefined ? '—' : ratio >= target ? `≥ ${target} met` : `≥ ${target} not met`
    const pairs = median(pairRatios(o, b)).toFixed(2)
    return [
      SCENARIO_TITLES[kind],
      fmt(o.reqPerSec),
      fmt(o.p50, 1),
      fmt(o.p99, 1),
      fmt(b.reqPerSec),
      fmt(b.p50, 1),
      fmt(b.p99, 1),
      ratio.toFixed(2),
      pairs,
      verdict,
      `${fmt(o.cpuPerRequest)} / ${fmt(b.cpuPerRequest)}`,
      (b.cpuPerRequest / o.cpuPerRequest).toFixed(2),
    ]
  })
  console.log('')
  console.log(
    table(
      ['scenario', 'ours req/s', 'p50 ms', 'p99 ms', 'bare req/s', 'p50 ms', 'p99 ms', 'ours/bare', '(pair median)', 'target', 'CPU µs/req ours / bare', 'bare/ours CPU'],
      rows,
    ),
  )
  console.log(
    'req/s = all requests of the app\'s slices ÷ their seconds; p50/p99 = mean over the slices; ours/bare = ratio of those req/s ' +
      '(the targets are judged on it); pair median = median ratio of adjacent slices (less sensitive to bursts of load); ' +
      'CPU µs/req = CPU time of the serving process per request, median over slices (the least noise-sensitive number; ' +
      'bare/ours CPU approximates the ratio of req/s on an otherwise idle machine where the service is the bottleneck).',
  )
  const invalid = results.flatMap(({ ours: o, bare: b }) => [...o.slices, ...b.slices]).filter((s) => problems(s) !== undefined)
  if (invalid.length > 0) console.log(`\nWARNING: runs with failed requests (numbers not comparable): ${invalid.map((s) => `${s.label} (${problems(s)})`).join(', ')}`)
  const spread = results.flatMap(({ kind, ours: o, bare: b }) => [[`${kind} ours`, o], [`${kind} bare`, b]] as const).filter(([, a]) => a.spread > 0.3)
  if (spread.length > 0) {
    console.log(
      `\nNOTE: the slices of ${spread.map(([l, a]) => `${l} (${(a.spread * 100).toFixed(0)}%)`).join(', ')} spread by more than 30%: ` +
        'the machine was probably busy with something else; rerun for a steadier number.',
    )
  }
  console.log('')
  for (const { kind, ours: o, bare: b } of results) {
    const target = TARGETS[kind]
    if (target === undefined) continue
    const ratio = o.reqPerSec / b.reqPerSec
    const pairs = median(pairRatios(o, b))
    console.log(
      `target ${kind.toUpperCase()} ours/bare ≥ ${target}: ${ratio >= target ? 'met' : 'not met'} (${ratio.toFixed(2)}; pair median ${pairs.toFixed(2)})`,
    )
  }
  console.log(`\ntotal time ${((performance.now() - started) / 1000).toFixed(0)} s`)
}

await runBenchmark(main)

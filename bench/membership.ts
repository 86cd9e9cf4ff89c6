/**
 * Membership benchmark: how the customer's-view reads and bulk customer assignment writes scale from
 * 10,000 to 1,000,000 customer assignments (BENCH_ASSIGNMENTS sets the larger size, e.g. 10,000,000).
 *
 *   npm run bench:membership
 *   BENCH_ASSIGNMENTS=10000000 npm run bench:membership
 *
 * - PostgreSQL at BENCH_DATABASE_URL or DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 *   a fresh database is created for the run and dropped at the end, also on failure or Ctrl-C.
 * - The service runs in this process (startServer, loopback, free port); autocannon runs in a child
 *   process (bench/membership-driver.ts). Both share the machine's cores with PostgreSQL.
 * - Data set: 1,000 ACTIVE segments over 20 sites; a directory of 230 categories (5 roots × 5 × 8 leaves)
 *   and 2,000 products in leaf categories; each segment has 20 products and 2 categories assigned
 *   (all through the API); 200,000 directory customers (SQL). Customer n is in 5 segments of one site.
 *   10k assignments = customers 1…2,000; BENCH_ASSIGNMENTS (1M) = customers 1…BENCH_ASSIGNMENTS / 5, the
 *   rest loaded with set-based SQL (insert … select … generate_series, at most 1M rows per statement), as
 *   are the directory customers beyond 200,000 at sizes above 1M.
 * - Measured at both sizes: operator `GET segments?customerId=`, a customer's `GET segments/items`, a
 *   customer's `POST segments/match` (50 products, their 5 segments) and a customer's
 *   `GET segments/items/category-trees` with autocannon at the same load: after a warm-up of each, the reads
 *   take turns in BENCH_ROUNDS rounds of BENCH_DURATION / BENCH_ROUNDS seconds each, and each read's response
 *   times of all rounds make its percentiles (a drift in the machine's load weighs on every read alike);
 *   bulk customer upserts of 1 and 200 new customers, sequentially; and EXPLAIN (ANALYZE, BUFFERS) of the statements
 *   each read sends (captured from one real request), so a scan shows up even when the machine is noisy.
 * - Targets: p99 at the large size within 1.5× of 10k for every scenario; and each storefront read of a
 *   customer (items, match, category trees) within 1.5× the operator's segment read's p50 and p99, at each
 *   size, in the same run.
 * - Settings (env): BENCH_ASSIGNMENTS (1,000,000; a multiple of 5 above 10,000), BENCH_CONNECTIONS (16),
 *   BENCH_WARMUP (2), BENCH_DURATION (8), BENCH_ROUNDS (4), BENCH_POOL_SIZE (10), BENCH_BULK_REQUESTS (50),
 *   BENCH_SHOW_PLANS=1 (print the text plans), BENCH_SKIP_LARGE=1 (measure at 10k only; BENCH_SKIP_1M=1
 *   still works), BENCH_CPU_PROFILE=<dir> (a CPU profile of this process, the service's, during each read's
 *   first round: <dir>/<scenario>-<size>.cpuprofile, for Chrome DevTools or `node --cpu-prof` tooling).
 *
 * Always exits 0 once it has measured: it is a measurement, not a test. It prints whether targets are met.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { mintToken } from '../src/auth/mint-token.js'
import { DEFAULT_RANDOM_PAGE_COST } from '../src/db/database.js'
import { SCOPES } from '../src/auth/principal.js'
import { segmentId, siteOf } from './dataset.js'
import { ADMIN_URL, createFreshDatabase, describeDatabase, intEnv, onCleanup, runBenchmark, startBenchService, startDriver } from './lifecycle.js'
import { type Api, call, expectBulk } from './api-client.js'
import { startCpuProfile } from './cpu-profile.js'
import { backendsCpu, backendsCpuUsed } from './process-cpu.js'
import { fmt, problems, table } from './report.js'
import type { MembershipScenario, MembershipSummary, PreparedRequest } from './membership-driver.js'
import { type CapturedStatement, captureRequestSql, captureRequestsOf } from './sql-capture.js'

// ---------------------------------------------------------------------------------------------------
// Settings

const SEGMENTS_PER_CUSTOMER = 5
const SMALL_ASSIGNMENTS = 10_000

function assignmentsSetting(): number {
  const value = intEnv('BENCH_ASSIGNMENTS', 1_000_000)
  if (value <= SMALL_ASSIGNMENTS || value % SEGMENTS_PER_CUSTOMER !== 0) {
    throw new Error(`BENCH_ASSIGNMENTS must be a multiple of ${SEGMENTS_PER_CUSTOMER} above ${fmt(SMALL_ASSIGNMENTS)}, got ${value}`)
  }
  return value
}

const assignments = assignmentsSetting()

const settings = {
  adminUrl: ADMIN_URL,
  tenant: 'bench',
  segments: 1_000,
  sites: 20,
  products: 2_000,
  /** Directory customers loaded before the 10k phase (more join them when the large size needs them). */
  directoryCustomers: 200_000,
  /** Customers with assignments at the large size. */
  customers: assignments / SEGMENTS_PER_CUSTOMER,
  /** Customers with assignments at 10k. */
  smallCustomers: SMALL_ASSIGNMENTS / SEGMENTS_PER_CUSTOMER,
  segmentsPerCustomer: SEGMENTS_PER_CUSTOMER,
  poolSize: intEnv('BENCH_POOL_SIZE', 10),
  connections: intEnv('BENCH_CONNECTIONS', 16),
  warmupSeconds: intEnv('BENCH_WARMUP', 2),
  durationSeconds: intEnv('BENCH_DURATION', 8),
  rounds: intEnv('BENCH_ROUNDS', 4),
  bulkRequests: intEnv('BENCH_BULK_REQUESTS', 50),
  showPlans: process.env.BENCH_SHOW_PLANS === '1',
  skipLarge: process.env.BENCH_SKIP_LARGE === '1' || process.env.BENCH_SKIP_1M === '1',
  cpuProfileDir: process.env.BENCH_CPU_PROFILE || undefined,
  loadConcurrency: 8,
}
/** The large phase's name in the report: 1M, 10M, 250k. */
const LARGE = assignments % 1_000_000 === 0 ? `${assignments / 1_000_000}M` : assignments % 1_000 === 0 ? `${assignments / 1_000}k` : fmt(assignments)
/** Rows per insert statement when growing: big enough to be set-based, small enough to report progress. */
const GROW_CHUNK_ASSIGNMENTS = 1_000_000
/** Every read's p99 at the large size within this much of its p99 at 10k. */
const TARGET_P99_RATIO = 1.5
/** A customer's storefront read against the operator's segment read at the same load. */
const TARGET_STOREFRONT_RATIO = 1.5
/** A throw-away HS256 secret: the service verifies, and the bench mints, tokens with it. */
const AUTH_SECRET = randomBytes(32).toString('base64url')

// ---------------------------------------------------------------------------------------------------
// The data set: everything is a pure function of indexes

const pad = (n: number, width: number) => String(n).padStart(width, '0')
/** 6 digits up to 999,999 customers (so ids at 1M are what they always were), more beyond. */
const CUSTOMER_DIGITS = Math.max(6, String(Math.max(settings.customers, settings.directoryCustomers)).length)
const customerId = (n: number) => `c${pad(n, CUSTOMER_DIGITS)}`
const CUSTOMER_ID_SQL = `'c' || lpad(n::text, ${CUSTOMER_DIGITS}, '0')`
const productId = (p: number) => `prod-${pad(p, 4)}`
const LEAVES = 200
/** Leaf L (0…199) sits under mid `cat-a-b` under root `cat-a`: 5 roots × 5 mids × 8 leaves. */
const leafCategory = (leaf: number) => `cat-${Math.floor(leaf / 40)}-${Math.floor(leaf / 8) % 5}-${leaf % 8}`
const midCategory = (mid: number) => `cat-${Math.floor(mid / 5)}-${mid % 5}`

/** Customer n is in 5 segments, all of one site (200 ≡ 0 mod 20). Segment s gets 1/1000 of the customers. */
function segmentsOf(n: number): number[] {
  const base = (n * 37) % settings.segments
  return Array.from({ length: settings.segmentsPerCustomer }, (_, k) => (base + 200 * k) % settings.segments)
}
/** The same rule in SQL, for set-based loading. */
const SEGMENT_OF_SQL = `'seg-' || lpad((((n * 37) % ${settings.segments} + 200 * k) % ${settings.segments})::text, 5, '0')`

const productsOf = (segment: number) => Array.from({ length: 20 }, (_, j) => (segment * 13 + j * 100) % settings.products)
const categoriesOf = (segment: number) => [midCategory(segment % 25), leafCategory((segment * 7) % LEAVES)]

/** 50 products: 10 assigned directly to the customer's segments, 40 others (some match through categories). */
function matchProductsFor(n: number): string[] {
  const segments = segmentsOf(n)
  const direct = segments.flatMap((s) => [productsOf(s)[n % 20], productsOf(s)[(n + 7) % 20]])
  const others = Array.from({ length: 40 }, (_, q) => (n * 31 + q * 47 + 1) % settings.products)
  return [...direct, ...others].map(productId)
}

// ---------------------------------------------------------------------------------------------------
// HTTP helpers

async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++])
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

// ---------------------------------------------------------------------------------------------------
// Loading

async function loadThroughApi(api: Api): Promise<void> {
  const t = settings.tenant
  const segmentIndexes = Array.from({ length: settings.segments }, (_, i) => i)
  for (let i = 0; i < settings.segments; i += 200) {
    const body = segmentIndexes.slice(i, i + 200).map((index) => ({
      id: segmentId(index),
      name: { en: `Segment ${index}`, de: `Segment ${index} (de)` },
      description: { en: `Membership benchmark segment ${index}` },
      status: 'ACTIVE',
      siteCode: siteOf(index, settings.sites),
    }))
    await expectBulk(api, 'POST', `/customer-segment/${t}/segments/bulk`, body, [201])
  }

  const categories: { id: string; parentId?: string; code: string; name: Record<string, string>; position: number }[] = []
  for (let a = 0; a < 5; a++) {
    categories.push({ id: `cat-${a}`, code: `C${a}`, name: { en: `Category ${a}` }, position: a })
    for (let b = 0; b < 5; b++) {
      categories.push({ id: `cat-${a}-${b}`, parentId: `cat-${a}`, code: `C${a}${b}`, name: { en: `Category ${a}.${b}` }, position: b })
      for (let c = 0; c < 8; c++) {
        categories.push({ id: `cat-${a}-${b}-${c}`, parentId: `cat-${a}-${b}`, code: `C${a}${b}${c}`, name: { en: `Category ${a}.${b}.${c}` }, position: c })
      }
    }
  }
  await expectBulk(api, 'PUT', `/customer-segment/${t}/directory/categories`, categories, [204])
  const products = Array.from({ length: settings.products }, (_, p) => ({
    id: productId(p),
    code: `P${pad(p, 4)}`,
    name: { en: `Product ${p}`, de: `Produkt ${p}` },
    categoryIds: [leafCategory(p % LEAVES)],
  }))
  for (let i = 0; i < products.length; i += 1000) {
    await expectBulk(api, 'PUT', `/customer-segment/${t}/directory/products`, products.slice(i, i + 1000), [204])
  }

  await inParallel(segmentIndexes, settings.loadConcurrency, async (s) => {
    const base = `/customer-segment/${t}/segments/${segmentId(s)}/items`
    await expectBulk(api, 'PUT', `${base}/PRODUCT/bulk`, productsOf(s).map((p) => ({ id: productId(p) })), [201])
    await expectBulk(api, 'PUT', `${base}/CATEGORY/bulk`, categoriesOf(s).map((id) => ({ id })), [201])
  })
}

/** Directory customers from…to (inclusive), in one statement. */
async function loadDirectoryCustomers(db: pg.Client, from: number, to: number): Promise<number> {
  const result = await db.query(
    `insert into directory_customer (tenant, id, email, first_name, last_name, modified_at)
     select $1, ${CUSTOMER_ID_SQL}, 'c' || n || '@example.com', 'First' || n, 'Last' || n, now()
     from generate_series($2::int, $3::int) n`,
    [settings.tenant, from, to],
  )
  return result.rowCount ?? 0
}

/** Customers from…to (inclusive), 5 assignments each, in one statement; heap order by segment, as bulk feeds write. */
async function insertAssignments(db: pg.Client, from: number, to: number): Promise<number> {
  const result = await db.query(
    `insert into customer_assignment (tenant, segment_id, customer_id, assignment_type, version, created_at, modified_at)
     select $1, ${SEGMENT_OF_SQL}, ${CUSTOMER_ID_SQL}, 'MANUAL', 1, now(), now()
     from generate_series($2::int, $3::int) n cross join generate_series(0, ${settings.segmentsPerCustomer - 1}) k
     order by 2, 3`,
    [settings.tenant, from, to],
  )
  return result.rowCount ?? 0
}

async function countAssignments(db: pg.Client): Promise<number> {
  return (await db.query<{ n: number }>('select count(*)::int as n from customer_assignment')).rows[0].n
}

// ---------------------------------------------------------------------------------------------------
// Statements the service sends: captured from one real request (its own only: see sql-capture.ts), then
// explained on the bench's connection

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  'Shared Hit Blocks'?: number
  'Shared Read Blocks'?: number
  'Actual Rows'?: number
  'Actual Loops'?: number
  Plans?: PlanNode[]
}

interface Explained {
  label: string
  planningMs: number
  executionMs: number
  buffers: number
  scans: string[]
  text?: string
}

/** The plan's scans, e.g. `Index Only Scan customer_assignment (customer_assignment_customer_idx) ×1 → 5 rows`; repeats collapsed. */
function scansOf(plan: PlanNode): string[] {
  const found: string[] = []
  const walk = (node: PlanNode) => {
    if (node['Relation Name'] || node['Index Name']) {
      const rows = Math.round((node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1))
      const on = [node['Relation Name'], node['Index Name'] ? `(${node['Index Name']})` : undefined].filter(Boolean).join(' ')
      found.push(`${node['Node Type']} ${on} ×${node['Actual Loops'] ?? 1}${node['Node Type'].startsWith('Bitmap Index') ? '' : ` → ${rows} rows`}`)
    }
    for (const child of node.Plans ?? []) walk(child)
  }
  walk(plan)
  const out: string[] = []
  for (const scan of found) {
    const last = out.at(-1)
    const repeated = last && (last === scan || last.startsWith(`${scan} [`))
    if (repeated) out[out.length - 1] = `${scan} [${Number(/\[(\d+) of these\]$/.exec(last)?.[1] ?? 1) + 1} of these]`
    else out.push(scan)
  }
  return out
}

/** A statement's text without a leading comment (the service marks prepared statements with one). */
const withoutComment = (text: string) => text.replace(/^\/\*.*?\*\/\s*/, '')

function labelOf(statementText: string): string {
  const text = withoutComment(statementText)
  // A statement without a table, such as `select pg_advisory_xact_lock(…)`, is named by its function.
  // The query builder quotes the main table; raw sub-selects (an item's directory details) do not.
  const from = /\bfrom "(\w+)"/.exec(text)?.[1] ?? /\bfrom (\w+)/.exec(text)?.[1] ?? /^select (\w+)\(/.exec(text)?.[1]
  if (text.startsWith('with recursive')) return 'with recursive (one statement)'
  if (/count\(\*\)/.test(text)) return `count ${from}`
  const lock = /for (update|key share)$/.exec(text)?.[0]
  return `select ${from}${/exists \(/.test(text) ? ' + exists(membership)' : ''}${lock ? ` ${lock}` : ''}`
}

/**
 * A statement that only reads: a select or a `with` query without a data-modifying part. The outbox append
 * is `with inserted as (insert …) select pg_notify(…)`: re-executed, it would insert its event ids again.
 */
function isRead(statementText: string): boolean {
  const text = withoutComment(statementText)
  return /^(select|with)\b/i.test(text) && !/\b(insert|update|delete|merge)\b/i.test(text) && !/^select 1$/i.test(text) && !/^select pg_notify\b/i.test(text)
}

/**
 * Runs `explain <options> <statement>` in a transaction that is rolled back, so that it leaves nothing
 * behind: no row lock of a `for update`, no notification.
 */
async function explainRolledBack(db: pg.Client, options: string, statement: CapturedStatement): Promise<Record<string, unknown>[]> {
  await db.query('begin')
  try {
    return (await db.query(`explain (${options}) ${statement.text}`, statement.values)).rows
  } finally {
    await db.query('rollback')
  }
}

/** EXPLAIN (ANALYZE, BUFFERS) of each read statement, 5 runs, median planning and execution times. */
async function explainAll(db: pg.Client, statements: CapturedStatement[]): Promise<Explained[]> {
  const out: Explained[] = []
  for (const statement of statements.filter((s) => isRead(s.text))) {
    const times: number[] = []
    const planning: number[] = []
    let last: { Plan: PlanNode; 'Execution Time': number; 'Planning Time': number } | undefined
    for (let i = 0; i < 5; i++) {
      const rows = await explainRolledBack(db, 'analyze, buffers, format json', statement)
      last = (rows[0] as { 'QUERY PLAN': { Plan: PlanNode; 'Execution Time': number; 'Planning Time': number }[] })['QUERY PLAN'][0]
      times.push(last['Execution Time'])
      planning.push(last['Planning Time'])
    }
    if (!last) continue
    const plan = last.Plan
    const text = settings.showPlans
      ? (await explainRolledBack(db, 'analyze, buffers', statement)).map((r) => r['QUERY PLAN']).join('\n')
      : undefined
    out.push({
      label: labelOf(statement.text),
      planningMs: median(planning),
      executionMs: median(times),
      buffers: (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0),
      scans: scansOf(plan),
      text,
    })
  }
  return out
}

// ---------------------------------------------------------------------------------------------------
// The load driver (child process)

function startLoadDriver() {
  return startDriver<MembershipScenario, MembershipSummary>('./membership-driver.ts', 'BENCH_MEMBERSHIP_DRIVER')
}

// ---------------------------------------------------------------------------------------------------
// Scenarios

type ReadKind = 'segments' | 'items' | 'match' | 'trees'
type BulkKind = 'bulk1' | 'bulk200'
type Kind = ReadKind | BulkKind

const TITLES: Record<Kind, string> = {
  segments: 'GET segments?customerId= (operator)',
  items: 'GET segments/items (customer token)',
  match: 'POST segments/match, 50 products (customer)',
  trees: 'GET segments/items/category-trees (customer)',
  bulk1: 'PUT …/customers/bulk, 1 item',
  bulk200: 'PUT …/customers/bulk, 200 items',
}

interface Phase {
  /** e.g. '10k' */
  name: string
  /** Customers whose operator view is read (rotated). */
  operatorCustomers: number[]
  /** Customers with a minted token (rotated). */
  tokenCustomers: number[]
}

interface Measured {
  p50: number
  p99: number
  rate: number
  unit: 'req/s' | 'items/s'
  note?: string
  /** CPU milliseconds per request: the service's (this process) and PostgreSQL's (the database's backends). */
  cpu?: { service: number; postgres: number }
}

interface PhaseResult {
  measured: Partial<Record<Kind, Measured>>
  plans: Partial<Record<Kind, Explained[]>>
  bulkStatements?: number
}

function pathFor(kind: ReadKind, n: number): { method: 'GET' | 'POST'; path: string; body?: string } {
  const t = settings.tenant
  switch (kind) {
    case 'segments':
      return { method: 'GET', path: `/customer-segment/${t}/segments?customerId=${customerId(n)}` }
    case 'items':
      return { method: 'GET', path: `/customer-segment/${t}/segments/items` }
    case 'trees':
      return { method: 'GET', path: `/customer-segment/${t}/segments/items/category-trees` }
    case 'match': {
      const segments = segmentsOf(n)
      return {
        method: 'POST',
        path: `/customer-segment/${t}/segments/match`,
        body: JSON.stringify({
          siteCode: siteOf(segments[0], settings.sites),
          items: matchProductsFor(n).map((id) => ({ id })),
          segmentIds: segments.map(segmentId),
        }),
      }
    }
  }
}

/** Checks one answer: the customer's 5 segments, 60 items (a full first page of 110), ≥ 10 matches, a tree. */
function checkAnswer(kind: ReadKind, n: number, status: number, json: unknown): string | undefined {
  if (status !== 200) return `status ${status}: ${JSON.stringify(json).slice(0, 200)}`
  const items = json as { id?: string; segmentId?: string }[]
  switch (kind) {
    case 'segments': {
      const expected = segmentsOf(n).map(segmentId).sort().join(',')
      const got = items.map((s) => s.id).sort().join(',')
      return got === expected ? undefined : `segments ${got}, expected ${expected}`
    }
    case 'items': {
      const own = new Set(segmentsOf(n).map(segmentId))
      if (items.length !== 60) return `${items.length} items, expected 60`
      return items.every((i) => own.has(String(i.segmentId))) ? undefined : 'an item of a segment the customer is not in'
    }
    case 'match':
      return items.length >= 10 ? undefined : `${items.length} matches, expected at least 10`
    case 'trees':
      return items.length >= 1 ? undefined : 'no category tree'
  }
}

async function measurePhase(
  phase: Phase,
  ctx: { api: Api; origin: string; db: pg.Client; database: string; driver: ReturnType<typeof startLoadDriver>; tokens: Map<number, string> },
): Promise<PhaseResult> {
  const result: PhaseResult = { measured: {}, plans: {} }
  const tokenOf = (n: number) => {
    const token = ctx.tokens.get(n)
    if (!token) throw new Error(`no token for ${customerId(n)}`)
    return token
  }
  const kinds: ReadKind[] = ['segments', 'items', 'match', 'trees']
  const requestsOf = {} as Record<ReadKind, PreparedRequest[]>
  for (const kind of kinds) {
    const customers = kind === 'segments' ? phase.operatorCustomers : phase.tokenCustomers
    const requests: PreparedRequest[] = customers.map((n) => ({ ...pathFor(kind, n), token: kind === 'segments' ? ctx.api.operator : tokenOf(n) }))
    requestsOf[kind] = requests

    // Pre-flight: one request, checked, with its statements captured and explained. autocannon returns
    // while the service may still be answering the previous scenario's last requests: let them finish,
    // so that they do not weigh on the plans' timings.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const n = customers[Math.floor(customers.length / 2)]
    const sample = requests[Math.floor(customers.length / 2)]
    let problem: string | undefined
    const statements = await captureRequestSql(async (tag) => {
      const body = sample.body === undefined ? undefined : JSON.parse(sample.body)
      const { status, json } = await call(ctx.api, sample.method, sample.path, body, sample.token, tag)
      problem = checkAnswer(kind, n, status, json)
    })
    if (problem) throw new Error(`${phase.name} ${kind} (${customerId(n)}): ${problem}`)
    result.plans[kind] = await explainAll(ctx.db, statements)
    console.log(`  ${`${kind} @${phase.name}`.padEnd(16)} ${statements.length} statement${statements.length === 1 ? '' : 's'} per request`)
  }

  // The reads take turns: each round runs every read for its share of BENCH_DURATION, so that the operator's
  // read and the storefront's are measured at the same load even when the machine's load drifts.
  const drive = (label: string, requests: PreparedRequest[], seconds: number) =>
    ctx.driver.run({ type: 'run', label, origin: ctx.origin, requests, connections: settings.connections, warmupSeconds: 0, durationSeconds: seconds })
  if (settings.warmupSeconds > 0) for (const kind of kinds) await drive(`${kind} @${phase.name} warm-up`, requestsOf[kind], settings.warmupSeconds)
  const roundSeconds = Math.max(1, Math.round(settings.durationSeconds / settings.rounds))
  type RoundRun = { summary: MembershipSummary; serviceMs: number; postgresMs: number }
  const runs = Object.fromEntries(kinds.map((kind) => [kind, [] as RoundRun[]])) as Record<ReadKind, RoundRun[]>
  for (let round = 0; round < settings.rounds; round++) {
    for (const kind of kinds) {
      const profile = settings.cpuProfileDir && round === 0 ? await startCpuProfile() : undefined
      const serviceBefore = process.cpuUsage()
      const backendsBefore = await backendsCpu(ctx.db, ctx.database)
      const summary = await drive(`${kind} @${phase.name}`, requestsOf[kind], roundSeconds)
      const postgresMs = backendsCpuUsed(backendsBefore, await backendsCpu(ctx.db, ctx.database)) * 1_000
      const service = process.cpuUsage(serviceBefore)
      if (profile && settings.cpuProfileDir) console.log(`  profile: ${await profile.stop(join(settings.cpuProfileDir, `${kind}-${phase.name}.cpuprofile`))}`)
      runs[kind].push({ summary, serviceMs: (service.user + service.system) / 1_000, postgresMs })
    }
  }
  for (const kind of kinds) {
    const latencies = runs[kind].flatMap((run) => run.summary.latencies)
    const seconds = runs[kind].reduce((sum, run) => sum + run.summary.seconds, 0)
    const served = Math.max(1, latencies.length)
    const merged = {
      statusCodes: {} as Record<string, number>,
      errors: runs[kind].reduce((sum, run) => sum + run.summary.errors, 0),
      timeouts: runs[kind].reduce((sum, run) => sum + run.summary.timeouts, 0),
    }
    for (const run of runs[kind]) for (const [code, n] of Object.entries(run.summary.statusCodes)) merged.statusCodes[code] = (merged.statusCodes[code] ?? 0) + n
    const cpu = {
      service: runs[kind].reduce((sum, run) => sum + run.serviceMs, 0) / served,
      postgres: runs[kind].reduce((sum, run) => sum + run.postgresMs, 0) / served,
    }
    const issue = problems(merged)
    const [p50, p90, p99, max] = [50, 90, 99, 100].map((p) => round2(percentile(latencies, p)))
    result.measured[kind] = { p50, p99, rate: latencies.length / seconds, unit: 'req/s', note: issue, cpu }
    console.log(
      `  ${`${kind} @${phase.name}`.padEnd(16)} ${fmt(latencies.length / seconds).padStart(6)} req/s  p50 ${p50} ms  p90 ${p90} ms  p99 ${p99} ms  max ${max} ms` +
        `  CPU per request: service ${cpu.service.toFixed(2)} ms, PostgreSQL ${cpu.postgres.toFixed(2)} ms` +
        `  (${fmt(latencies.length)} requests in ${runs[kind].length} rounds, p50 by round ${runs[kind].map((run) => run.summary.p50).join(' · ')} ms${issue ? `; ${issue}` : ''}; load avg ${loadAvg()})`,
    )
  }

  // Bulk upserts: sequential, new customers every time, rotating over segments.
  const t = settings.tenant
  for (const [kind, size] of [
    ['bulk1', 1],
    ['bulk200', 200],
  ] as const) {
    const bodyFor = (r: number) => Array.from({ length: size }, (_, i) => ({ customerId: `b${phase.name}-${size}-${r}-${i}` }))
    const pathOf = (r: number) => `/customer-segment/${t}/segments/${segmentId((r * 37 + 11) % settings.segments)}/customers/bulk`
    // Untimed warm-up (after the reads' last requests are done); the first one's statements are counted.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    let r = 0
    const statements = await captureRequestSql((tag) => expectBulk(ctx.api, 'PUT', pathOf(r), bodyFor(r++), [201], tag))
    if (kind === 'bulk200') {
      result.bulkStatements = statements.length
      result.plans[kind] = await explainAll(ctx.db, statements)
    }
    console.log(`  ${kind} @${phase.name}: ${statements.length} SQL statements per request: ${statements.map((s) => s.text.split(' ').slice(0, 3).join(' ')).join(' | ')}`)
    for (let i = 0; i < 2; i++) await expectBulk(ctx.api, 'PUT', pathOf(r), bodyFor(r++), [201])
    const latencies: number[] = []
    for (let i = 0; i < settings.bulkRequests; i++) {
      const started = performance.now()
      await expectBulk(ctx.api, 'PUT', pathOf(r), bodyFor(r++), [201])
      latencies.push(performance.now() - started)
    }
    const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length
    const measured: Measured = { p50: percentile(latencies, 50), p99: percentile(latencies, 99), rate: (size * 1000) / mean, unit: 'items/s' }
    result.measured[kind] = measured
    console.log(
      `  ${`${kind} @${phase.name}`.padEnd(16)} ${settings.bulkRequests} sequential requests: p50 ${measured.p50.toFixed(1)} ms  p99 ${measured.p99.toFixed(1)} ms` +
        `  mean ${mean.toFixed(1)} ms  → ${fmt(measured.rate)} items/s (load avg ${loadAvg()})`,
    )
  }
  // Back to the nominal size: the bulk customers (ids b…) go again.
  await ctx.db.query(`delete from customer_assignment where tenant = $1 and customer_id like 'b%'`, [settings.tenant])
  return result
}

// ---------------------------------------------------------------------------------------------------
// Reporting

function median(values: number[]): number {
  return percentile(values, 50)
}

/** Nearest-rank percentile. */
const round2 = (value: number) => Math.round(value * 100) / 100

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

function loadAvg(): string {
  return os.loadavg()[0].toFixed(1)
}

function printPlans(phaseName: string, plans: PhaseResult['plans']): void {
  for (const [kind, explained] of Object.entries(plans)) {
    for (const e of explained ?? []) {
      console.log(
        `  ${`${kind} @${phaseName}`.padEnd(16)} ${e.label}: planning ${e.planningMs.toFixed(3)} ms + execution ${e.executionMs.toFixed(3)} ms, ${fmt(e.buffers)} buffers; ${e.scans.join('; ')}`,
      )
      if (e.text) console.log(e.text.replace(/^/gm, '      '))
    }
  }
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now()
  const cpus = os.cpus()
  console.log(`Customer Segment Service — membership benchmark (10k → ${LARGE} customer assignments)`)
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB; node ${process.version}; load avg ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)

  const databaseUrl = await createFreshDatabase(settings.adminUrl, 'css_bench_m')
  // The statements it explains are planned as on the service's sessions.
  const db = new pg.Client({ connectionString: databaseUrl, options: `-c random_page_cost=${DEFAULT_RANDOM_PAGE_COST}` })
  await db.connect()
  onCleanup('bench connection', () => db.end())
  console.log(`database: ${await describeDatabase(databaseUrl, db)}`)

  const server = await startBenchService(databaseUrl, { authSecret: AUTH_SECRET, poolSize: settings.poolSize })
  // The dispatcher and rule evaluator beside the API send statements too; only a request's own are explained.
  captureRequestsOf(server.app.server)
  const secret = new TextEncoder().encode(AUTH_SECRET)
  const api: Api = {
    base: server.url,
    operator: await mintToken(secret, { tenant: settings.tenant, scopes: [SCOPES.segmentManage, SCOPES.segmentRead], ttl: '2h' }),
  }
  console.log(`service: ${server.url} (LOG_LEVEL=warn, pool ${settings.poolSize})`)

  // 1. The data set at 10k.
  let t0 = performance.now()
  await loadThroughApi(api)
  const apiLoad = (performance.now() - t0) / 1000
  t0 = performance.now()
  await loadDirectoryCustomers(db, 1, settings.directoryCustomers)
  const small = settings.smallCustomers
  await insertAssignments(db, 1, small)
  await db.query('vacuum analyze')
  const count10k = await countAssignments(db)
  console.log(
    `loaded ${fmt(settings.segments)} segments (${settings.sites} sites), 230 categories, ${fmt(settings.products)} products, ` +
      `${fmt(settings.segments * 22)} item assignments through the API in ${apiLoad.toFixed(1)} s; ` +
      `${fmt(settings.directoryCustomers)} directory customers and ${fmt(count10k)} customer assignments (customers 1…${fmt(small)}, 5 segments each) by SQL in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  )

  const phase10k: Phase = {
    name: '10k',
    operatorCustomers: Array.from({ length: small }, (_, i) => i + 1),
    tokenCustomers: Array.from({ length: 200 }, (_, i) => 1 + i * 10),
  }
  // Spread over all the customers, so reads touch the whole index, not the part loaded first.
  const operatorStride = Math.floor(settings.customers / 2000)
  const tokenStride = Math.floor(settings.customers / 200)
  const phaseLarge: Phase = {
    name: LARGE,
    operatorCustomers: Array.from({ length: 2000 }, (_, i) => 1 + i * operatorStride + (i % Math.min(97, operatorStride))),
    tokenCustomers: Array.from({ length: 200 }, (_, i) => 1 + i * tokenStride + (i % Math.min(89, tokenStride))),
  }
  const tokens = new Map<number, string>()
  for (const n of [...phase10k.tokenCustomers, ...phaseLarge.tokenCustomers]) {
    tokens.set(n, await mintToken(secret, { tenant: settings.tenant, scopes: [SCOPES.segmentReadOwn], customerId: customerId(n), ttl: '2h' }))
  }

  const driver = startLoadDriver()
  const ctx = { api, origin: new URL(server.url).origin, db, database: new URL(databaseUrl).pathname.slice(1), driver, tokens }
  console.log(
    `\nsettings: autocannon in a child process, ${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s measured per scenario; ` +
      `operator reads rotate over ${fmt(phase10k.operatorCustomers.length)} customers, customer reads over ${phase10k.tokenCustomers.length} tokens; ` +
      `bulk: ${settings.bulkRequests} sequential requests after 3 untimed ones, new customer ids every time`,
  )

  // 2. Measure at 10k.
  console.log(`\n== ${fmt(count10k)} customer assignments ==`)
  const at10k = await measurePhase(phase10k, ctx)
  printPlans('10k', at10k.plans)

  // 3. Grow to the large size with set-based SQL and measure again.
  let atLarge: PhaseResult | undefined
  let loadLine = ''
  if (!settings.skipLarge) {
    const customersPerChunk = Math.min(Math.ceil((settings.customers - small) / 4), GROW_CHUNK_ASSIGNMENTS / settings.segmentsPerCustomer)
    const statements = Math.ceil((settings.customers - small) / customersPerChunk)
    console.log(`\ngrowing to ${fmt(assignments)} customer assignments (insert … select … generate_series, ${statements} statements) …`)
    t0 = performance.now()
    let directoryRows = 0
    for (let from = settings.directoryCustomers + 1; from <= settings.customers; from += GROW_CHUNK_ASSIGNMENTS) {
      const to = Math.min(settings.customers, from + GROW_CHUNK_ASSIGNMENTS - 1)
      const s = performance.now()
      directoryRows += await loadDirectoryCustomers(db, from, to)
      console.log(`  directory customers ${fmt(from)}…${fmt(to)} in ${((performance.now() - s) / 1000).toFixed(1)} s`)
    }
    const directorySeconds = (performance.now() - t0) / 1000
    t0 = performance.now()
    let assignmentRows = 0
    for (let from = small + 1; from <= settings.customers; from += customersPerChunk) {
      const to = Math.min(settings.customers, from + customersPerChunk - 1)
      const s = performance.now()
      const rows = await insertAssignments(db, from, to)
      assignmentRows += rows
      const seconds = (performance.now() - s) / 1000
      console.log(`  customers ${fmt(from)}…${fmt(to)}: ${fmt(rows)} rows in ${seconds.toFixed(1)} s (${fmt(rows / seconds)} rows/s; load avg ${loadAvg()})`)
    }
    const insertSeconds = (performance.now() - t0) / 1000
    const v = performance.now()
    await db.query(directoryRows > 0 ? 'vacuum analyze customer_assignment, directory_customer' : 'vacuum analyze customer_assignment')
    const vacuumSeconds = (performance.now() - v) / 1000
    const countLarge = await countAssignments(db)
    const size = (await db.query<{ t: string; i: string }>(
      `select pg_size_pretty(pg_table_size('customer_assignment')) as t, pg_size_pretty(pg_indexes_size('customer_assignment')) as i`,
    )).rows[0]
    const directoryPart = directoryRows > 0 ? `${fmt(directoryRows)} more directory customers ${directorySeconds.toFixed(1)} s + ` : ''
    loadLine =
      `load to ${fmt(countLarge)}: ${directoryPart}insert ${insertSeconds.toFixed(1)} s (${fmt(assignmentRows / insertSeconds)} assignments/s) + ` +
      `vacuum analyze ${vacuumSeconds.toFixed(1)} s = ${(directorySeconds + insertSeconds + vacuumSeconds).toFixed(1)} s (table ${size.t}, indexes ${size.i})`
    console.log(`  ${loadLine}`)

    console.log(`\n== ${fmt(countLarge)} customer assignments ==`)
    atLarge = await measurePhase(phaseLarge, ctx)
    printPlans(LARGE, atLarge.plans)
  }

  // 4. The table.
  const kinds: Kind[] = ['segments', 'items', 'match', 'trees', 'bulk1', 'bulk200']
  const verdicts: string[] = []
  const rows = kinds.map((kind) => {
    const a = at10k.measured[kind]
    const b = atLarge?.measured[kind]
    const cells = (m?: Measured) => (m ? [fmt(m.p50, 1), fmt(m.p99, 1), `${fmt(m.rate)} ${m.unit}`] : ['—', '—', '—'])
    const ratio = a && b ? b.p99 / a.p99 : undefined
    const p50Ratio = a && b ? b.p50 / a.p50 : undefined
    const met = ratio !== undefined && ratio <= TARGET_P99_RATIO
    if (ratio !== undefined) verdicts.push(`target ${TITLES[kind]}: p99(${LARGE})/p99(10k) ≤ ${TARGET_P99_RATIO}: ${met ? 'met' : 'not met'} (${ratio.toFixed(2)})`)
    return [
      TITLES[kind],
      ...cells(a),
      ...cells(b),
      p50Ratio === undefined ? '—' : p50Ratio.toFixed(2),
      ratio === undefined ? '—' : ratio.toFixed(2),
      ratio === undefined ? '—' : met ? 'met' : 'not met',
    ]
  })
  console.log('')
  console.log(
    table(['scenario', '10k p50 ms', 'p99 ms', 'rate', `${LARGE} p50 ms`, 'p99 ms', 'rate', `p50 ${LARGE}/10k`, `p99 ${LARGE}/10k`, `p99 ≤ ${TARGET_P99_RATIO}`], rows),
  )
  const planRows: string[][] = []
  for (const kind of ['segments', 'items', 'match', 'trees', 'bulk200'] as Kind[]) {
    const a = at10k.plans[kind] ?? []
    const b = atLarge?.plans[kind] ?? []
    a.forEach((e, i) => {
      const f = b[i]
      const total = (x: Explained) => x.planningMs + x.executionMs
      planRows.push([
        `${kind}: ${e.label}`,
        e.planningMs.toFixed(2),
        e.executionMs.toFixed(2),
        fmt(e.buffers),
        f ? f.planningMs.toFixed(2) : '—',
        f ? f.executionMs.toFixed(2) : '—',
        f ? fmt(f.buffers) : '—',
        f ? (total(f) / total(e)).toFixed(2) : '—',
      ])
    })
  }
  console.log('')
  console.log(
    table(['statement (EXPLAIN ANALYZE, median of 5)', '10k plan ms', 'exec ms', 'buffers', `${LARGE} plan ms`, 'exec ms', 'buffers', `(plan+exec) ${LARGE}/10k`], planRows),
  )
  const slow = (['segments', 'items', 'match', 'trees', 'bulk200'] as Kind[]).flatMap((kind) =>
    (at10k.plans[kind] ?? []).flatMap((e, i) => {
      const f = atLarge?.plans[kind]?.[i]
      const ratio = f ? (f.planningMs + f.executionMs) / (e.planningMs + e.executionMs) : 0
      // Sub-millisecond statements wobble by more than 2× from run to run; flag only what costs something.
      return f && ratio > TARGET_P99_RATIO && f.planningMs + f.executionMs > 1 ? [`${kind}: ${e.label} ×${ratio.toFixed(1)}`] : []
    }),
  )
  if (atLarge) console.log(`statements whose database time grows more than ${TARGET_P99_RATIO}× (and past 1 ms): ${slow.length > 0 ? slow.join(', ') : 'none'}`)
  if (loadLine) console.log(`\n${loadLine}`)
  if (atLarge?.bulkStatements !== undefined) console.log(`bulk(200): ${at10k.bulkStatements} statements per request at 10k, ${atLarge.bulkStatements} at ${LARGE} (one round for the batch, not one per item)`)
  const invalid = kinds.flatMap((k) => [at10k.measured[k], atLarge?.measured[k]]).filter((m) => m?.note)
  if (invalid.length > 0) console.log(`\nWARNING: runs with failed requests (numbers not comparable): ${invalid.map((m) => m?.note).join(', ')}`)
  // The storefront's reads against the operator's segment read measured in the same rounds, at each size.
  const storefront: ReadKind[] = ['items', 'match', 'trees']
  const ratioRows: string[][] = []
  for (const [name, phase] of [['10k', at10k], [LARGE, atLarge]] as const) {
    const reference = phase?.measured.segments
    if (!phase || !reference) continue
    for (const kind of storefront) {
      const m = phase.measured[kind]
      if (!m) continue
      const p50 = m.p50 / reference.p50
      const p99 = m.p99 / reference.p99
      const met = p50 <= TARGET_STOREFRONT_RATIO && p99 <= TARGET_STOREFRONT_RATIO
      const cpu = m.cpu && reference.cpu ? ((m.cpu.service + m.cpu.postgres) / (reference.cpu.service + reference.cpu.postgres)).toFixed(2) : '—'
      ratioRows.push([`${TITLES[kind]} @${name}`, `${fmt(m.p50, 1)} / ${fmt(m.p99, 1)}`, `${fmt(reference.p50, 1)} / ${fmt(reference.p99, 1)}`, p50.toFixed(2), p99.toFixed(2), cpu, met ? 'met' : 'not met'])
      verdicts.push(`target ${TITLES[kind]} @${name}: p50 and p99 ≤ ${TARGET_STOREFRONT_RATIO}× the operator's segment read: ${met ? 'met' : 'not met'} (${p50.toFixed(2)} / ${p99.toFixed(2)})`)
    }
  }
  console.log('')
  console.log(table(['storefront read vs operator segment read', 'p50 / p99 ms', 'operator p50 / p99 ms', 'p50 ratio', 'p99 ratio', 'CPU/request ratio', `≤ ${TARGET_STOREFRONT_RATIO}`], ratioRows))
  console.log('')
  for (const verdict of verdicts) console.log(verdict)
  console.log(`\ntotal time ${((performance.now() - started) / 1000).toFixed(0)} s; load avg at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
}

await runBenchmark(main)

/**
 * Rules benchmark: what segment rules cost — a full evaluation over a large directory, rule previews,
 * directory imports into a tenant with 50 rule segments, and the storefront reads of members a rule added.
 *
 *   npm run bench:rules
 *
 * - PostgreSQL at BENCH_DATABASE_URL or DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 *   a fresh database is created for the run and dropped at the end, also on failure or Ctrl-C.
 * - The service runs in this process (startBenchService → startServer with DELIVERY_WORKER on, so the rule
 *   evaluator and the event dispatcher run beside the API on their own pool, chunks of RULES_CHUNK_SIZE,
 *   5,000 by default); autocannon runs in a child process (bench/membership-driver.ts). All of them share
 *   the machine's cores with PostgreSQL. The dispatcher marks the evaluation's events while it runs, as in
 *   production; before each later measurement the bench waits until it has caught up, so its backlog does
 *   not land on the next figure.
 * - Directories are loaded with set-based SQL (generate_series), then VACUUM ANALYZE: customer n has 0–4
 *   tags from a pool of 12 (each with its own frequency, vip 15%), attributes {spent: exponential with mean
 *   600, country: one of 12 (DE most common), lastOrderAt: RFC 3339 date-time within the last 400 days,
 *   absent for 10%, cohort: n mod 100}, and one of 200 legal entities for 20% of them. Values are hashes of
 *   n, so every run has the same data.
 * - Tenant `rules`, BENCH_RULE_CUSTOMERS (1,000,000) customers:
 *   1. full evaluation: PUT a rule selecting about a third (`attributes.spent:>=1000 OR tags:vip`), then GET
 *      the rule every 200 ms until DONE. customers/s and events/s are over the evaluation's own
 *      startedAt…finishedAt (the wall time from the PUT is printed too). Checked: added = its AUTOMATIC rows =
 *      its assignment-created events = what the same condition selects in SQL. Target ≥ 20,000 customers/s.
 *   2. previews: BENCH_PREVIEW_REQUESTS (20) sequential rule-preview requests rotating over a tags rule, an
 *      attribute range and a relative date, after one untimed request of each. Target p50 < 500 ms.
 *   4. storefront reads: 5 rule segments whose rules select cohort 7 (so their members are in exactly those
 *      5) against 5 segments with MANUAL assignments of cohort 8 (SQL, segment by segment as a bulk feed
 *      writes them), 10 products each, all ACTIVE; read customers are those in exactly these 5 segments.
 *      Operator `GET segments?customerId=` and a customer's `GET segments/items` (customer token), BENCH_ROUNDS
 *      (2) rounds alternating which side goes first, each BENCH_WARMUP (2) + BENCH_DURATION (8) s with
 *      BENCH_CONNECTIONS (16); figures are the mean of the rounds. autocannon records whole milliseconds.
 *      Target: automatic p50 and p99 each within 1.2× of manual.
 * - 3. imports, tenant `imports`, BENCH_IMPORT_CUSTOMERS (100,000) customers: a directory write re-evaluates
 *   only the customers it writes, so what a batch costs depends on the number of rules, not on the size of the
 *   directory, while the 50 full evaluations this part waits for grow with it (38 s at 20,000, as new and changed
 *   customers make 36,000, on 2 cores); BENCH_IMPORT_CUSTOMERS=20000 keeps a run short.
 *   BENCH_IMPORT_BATCHES (30) sequential `PUT directory/customers` of 1,000 entries (500 existing customers
 *   changed, 500 new), after 2 untimed ones, with no rules; then 50 rule segments (tags, tag lists, attribute
 *   ranges, country lists, legal entity terms, relative dates and combinations), all evaluated (DONE), and
 *   the same kind of batches again.
 *   Target: median with 50 rules ≤ 2× median without.
 * - Settings (env): BENCH_RULE_CUSTOMERS, BENCH_IMPORT_CUSTOMERS, BENCH_IMPORT_BATCHES, BENCH_PREVIEW_REQUESTS,
 *   BENCH_CONNECTIONS, BENCH_WARMUP, BENCH_DURATION, BENCH_ROUNDS, BENCH_POOL_SIZE (10), BENCH_WAIT_TIMEOUT
 *   (1800 s: how long to wait for an evaluation or the dispatcher before giving up).
 *
 * Always exits 0 once it has measured: it is a measurement, not a test. It prints whether targets are met.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import pg from 'pg'
import { mintToken } from '../src/auth/mint-token.js'
import { SCOPES } from '../src/auth/principal.js'
import type { RuleEvaluation } from '../src/rules/segment-rules.js'
import { ADMIN_URL, createFreshDatabase, describeDatabase, intEnv, onCleanup, runBenchmark, startBenchService, startDriver } from './lifecycle.js'
import type { MembershipScenario, MembershipSummary, PreparedRequest } from './membership-driver.js'
import { type Api, call, expectBulk, expectStatus } from './api-client.js'
import { fmt, problems, table } from './report.js'

// ---------------------------------------------------------------------------------------------------
// Settings

const settings = {
  adminUrl: ADMIN_URL,
  ruleTenant: 'rules',
  importTenant: 'imports',
  customers: intEnv('BENCH_RULE_CUSTOMERS', 1_000_000),
  importCustomers: intEnv('BENCH_IMPORT_CUSTOMERS', 100_000),
  importBatches: intEnv('BENCH_IMPORT_BATCHES', 30),
  importWarmupBatches: 2,
  batchSize: 1_000,
  importRules: 50,
  previewRequests: intEnv('BENCH_PREVIEW_REQUESTS', 20),
  storefrontSegments: 5,
  itemsPerSegment: 10,
  legalEntities: 200,
  poolSize: intEnv('BENCH_POOL_SIZE', 10),
  connections: intEnv('BENCH_CONNECTIONS', 16),
  warmupSeconds: intEnv('BENCH_WARMUP', 2),
  durationSeconds: intEnv('BENCH_DURATION', 8),
  rounds: intEnv('BENCH_ROUNDS', 2),
  waitTimeoutMs: intEnv('BENCH_WAIT_TIMEOUT', 1800) * 1000,
}
const TARGET = { customersPerSecond: 20_000, previewP50Ms: 500, importRatio: 2, readRatio: 1.2 }
/** A throw-away HS256 secret: the service verifies, and the bench mints, tokens with it. */
const AUTH_SECRET = randomBytes(32).toString('base64url')

const FULL_SEGMENT = 'full-eval'
const FULL_RULE = 'attributes.spent:>=1000 OR tags:vip'
/** The same selection in SQL, to check the evaluation against something the service did not compute. */
const FULL_RULE_SQL = `(c.attributes->>'spent')::numeric >= 1000 or c.tags @> array['vip']`
const AUTO_COHORT = 7
const MANUAL_COHORT = 8
const autoSegment = (k: number) => `auto-${k}`
const manualSegment = (k: number) => `manual-${k}`
const importSegment = (k: number) => `rule-${String(k).padStart(2, '0')}`

// ---------------------------------------------------------------------------------------------------
// The data set: a pure function of the customer's number

const customerId = (n: number) => `c${String(n).padStart(8, '0')}`
const legalEntityId = (k: number) => `le-${String(k).padStart(3, '0')}`

/** Tags and how often a customer has each. vip 15% with spent ≥ 1000 (19%) makes the full rule select ~31%. */
const TAGS: readonly (readonly [string, number])[] = [
  ['vip', 0.15],
  ['newsletter', 0.4],
  ['mobile', 0.3],
  ['loyalty', 0.25],
  ['bronze', 0.2],
  ['b2b', 0.12],
  ['wholesale', 0.1],
  ['silver', 0.1],
  ['outlet', 0.08],
  ['churn-risk', 0.07],
  ['student', 0.06],
  ['gold', 0.05],
]
/** Weighted by repetition: DE 3/16, FR and GB 2/16, the others 1/16. */
const COUNTRIES = ['DE', 'DE', 'DE', 'FR', 'FR', 'GB', 'GB', 'IT', 'ES', 'NL', 'AT', 'CH', 'PL', 'SE', 'US', 'DK']
const FIRST_NAMES = ['Ada', 'Ben', 'Chloe', 'David', 'Emma', 'Finn', 'Greta', 'Hugo', 'Ida', 'Jonas', 'Klara', 'Leon', 'Mia', 'Noah', 'Olga', 'Paul']
const INDUSTRIES = ['retail', 'manufacturing', 'services', 'wholesale', 'public']
const LEGAL_ENTITY_SHARE = 0.2
const NO_ORDER_SHARE = 0.1
const ORDER_WINDOW_DAYS = 400
const MEAN_SPENT = 600

/** A uniform [0, 1) draw for customer n (a column named `n`) and a salt, in SQL. */
const uniformSql = (salt: string) => `((hashtextextended(n::text || '${salt}', 0) & 1048575)::float8 / 1048576)`

async function loadDirectory(db: pg.Client, tenant: string, count: number): Promise<void> {
  await db.query(
    `insert into directory_legal_entity (tenant, id, name, attributes, modified_at)
     select $1, 'le-' || lpad(k::text, 3, '0'), (array['Acme', 'Globex', 'Initech', 'Umbrella'])[1 + k % 4] || ' ' || k,
       jsonb_build_object('industry', ($2::text[])[1 + k % ${INDUSTRIES.length}], 'employees', (k * 37) % 5000), now()
     from generate_series(0, ${settings.legalEntities - 1}) k`,
    [tenant, INDUSTRIES],
  )
  // One statement per 250,000: a single one of 1M rows holds its snapshot (and the WAL) for minutes.
  const step = 250_000
  for (let from = 1; from <= count; from += step) {
    const to = Math.min(count, from + step - 1)
    await db.query(
      `insert into directory_customer (tenant, id, email, first_name, last_name, tags, attributes, legal_entity_ids, modified_at)
       select $1, 'c' || lpad(n::text, 8, '0'), 'c' || n || '@example.com', ($4::text[])[1 + n % ${FIRST_NAMES.length}], 'Last' || n,
         array(select t.tag from unnest($5::text[], $6::float8[]) as t(tag, p)
               where ((hashtextextended(n::text || t.tag, 0) & 1048575)::float8 / 1048576) < t.p),
         jsonb_strip_nulls(jsonb_build_object(
           'spent', round((-${MEAN_SPENT} * ln(1 - ${uniformSql('spent')}))::numeric, 2),
           'country', ($7::text[])[1 + floor(${uniformSql('country')} * ${COUNTRIES.length})::int],
           'lastOrderAt', case when ${uniformSql('ordered')} >= ${NO_ORDER_SHARE} then
             to_char((now() at time zone 'UTC') - ${uniformSql('order')} * interval '${ORDER_WINDOW_DAYS} days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') end,
           'cohort', n % 100)),
         case when ${uniformSql('le')} < ${LEGAL_ENTITY_SHARE} then array['le-' || lpad(floor(${uniformSql('lepick')} * ${settings.legalEntities})::int::text, 3, '0')] end,
         now()
       from generate_series($2::int, $3::int) n`,
      [tenant, from, to, FIRST_NAMES, TAGS.map(([tag]) => tag), TAGS.map(([, p]) => p), COUNTRIES],
    )
  }
  await db.query('vacuum analyze directory_customer, directory_legal_entity')
}

/** mulberry32: the import batches' values, reproducible from the batch number. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A directory entry as a feed sends it, with the same spread as the SQL-loaded ones. */
function customerEntry(n: number, rand: () => number) {
  const ordered = rand() >= NO_ORDER_SHARE
  const lastOrderAt = new Date(Date.now() - rand() * ORDER_WINDOW_DAYS * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return {
    id: customerId(n),
    email: `c${n}@example.com`,
    firstName: FIRST_NAMES[n % FIRST_NAMES.length],
    lastName: `Last${n}`,
    tags: TAGS.filter(([, p]) => rand() < p).map(([tag]) => tag),
    attributes: {
      spent: Math.round(-MEAN_SPENT * Math.log(1 - rand()) * 100) / 100,
      country: COUNTRIES[Math.floor(rand() * COUNTRIES.length)],
      ...(ordered && { lastOrderAt }),
      cohort: n % 100,
    },
    ...(rand() < LEGAL_ENTITY_SHARE && { legalEntityIds: [legalEntityId(Math.floor(rand() * settings.legalEntities))] }),
  }
}

/**
 * Batch `index` (over both phases): half existing customers changed, spread over the directory (a stride
 * prime to its size visits distinct customers), half new ones after the loaded range.
 */
function importBatch(index: number) {
  const rand = random(index + 1)
  const half = settings.batchSize / 2
  const existing = Array.from({ length: half }, (_, i) => 1 + (((index * half + i) * 7919) % settings.importCustomers))
  const fresh = Array.from({ length: half }, (_, i) => settings.importCustomers + 1 + index * half + i)
  return [...existing, ...fresh].map((n) => customerEntry(n, rand))
}

/** 50 rules, 10 shapes × 5: what a tenant's marketing team accumulates. */
function importRules(): string[] {
  const shapes: ((k: number) => string)[] = [
    (k) => `tags:${['gold', 'silver', 'bronze', 'student', 'outlet'][k]}`,
    (k) => `tags:(${[['wholesale', 'b2b'], ['vip', 'gold'], ['churn-risk', 'outlet'], ['student', 'mobile'], ['silver', 'loyalty']][k].join(',')})`,
    (k) => `attributes.spent:>=${[1500, 2000, 3000, 4000, 5000][k]}`,
    (k) => `attributes.spent:(>=${[100, 300, 600, 900, 1200][k]} AND <${[150, 350, 650, 950, 1250][k]})`,
    (k) => `attributes.country:(${[['DE', 'AT', 'CH'], ['FR', 'ES'], ['GB', 'US'], ['NL', 'DK', 'SE'], ['PL', 'IT']][k].join(',')}) AND tags:newsletter`,
    (k) => `attributes.lastOrderAt:>now-${[7, 14, 30, 45, 60][k]}d`,
    (k) => (k < 4 ? `legalEntity.attributes.industry:${INDUSTRIES[k]}` : 'legalEntity.name:~^Acme'),
    (k) => `tags:${['vip', 'loyalty', 'wholesale', 'mobile', 'newsletter'][k]} AND attributes.spent:>=${[500, 800, 1000, 1500, 2500][k]}`,
    (k) => `attributes.country:${['DE', 'FR', 'GB', 'IT', 'ES'][k]} AND NOT tags:(newsletter,mobile,loyalty)`,
    (k) => `(tags:loyalty OR tags:vip) AND attributes.lastOrderAt:<now-${[300, 330, 350, 370, 390][k]}d`,
  ]
  return shapes.flatMap((shape) => Array.from({ length: 5 }, (_, k) => shape(k)))
}

// ---------------------------------------------------------------------------------------------------
// HTTP helpers

async function createSegments(api: Api, tenant: string, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 200) {
    const body = ids.slice(i, i + 200).map((id) => ({ id, name: { en: `Segment ${id}` }, status: 'ACTIVE', siteCode: 'main' }))
    await expectBulk(api, 'POST', `/customer-segment/${tenant}/segments/bulk`, body, [201])
  }
}

type Evaluation = RuleEvaluation

const getRule = async (api: Api, tenant: string, segment: string) =>
  (await expectStatus(api, 'GET', `/customer-segment/${tenant}/segments/${segment}/rule`, undefined, [200])) as { query: string; evaluation: Evaluation }

const putRule = (api: Api, tenant: string, segment: string, query: string) =>
  expectStatus(api, 'PUT', `/customer-segment/${tenant}/segments/${segment}/rule`, { query }, [201])

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` every `everyMs` until it answers a value; prints `progress` every 10 s; gives up after BENCH_WAIT_TIMEOUT. */
async function waitFor<T>(what: string, everyMs: number, check: () => Promise<T | undefined>, progress?: () => string): Promise<T> {
  const started = performance.now()
  let reported = started
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    const now = performance.now()
    if (now - started > settings.waitTimeoutMs) throw new Error(`gave up waiting for ${what} after ${settings.waitTimeoutMs / 1000} s`)
    if (progress && now - reported >= 10_000) {
      reported = now
      console.log(`  … ${what}: ${progress()} (${((now - started) / 1000).toFixed(0)} s)`)
    }
    await pause(everyMs)
  }
}

/**
 * Waits until the dispatcher has marked every event: the evaluations leave hundreds of thousands behind,
 * and working them off while the next part measures would charge that part for them. Returns seconds.
 */
async function dispatcherCaughtUp(db: pg.Client): Promise<number> {
  const started = performance.now()
  let left = 0
  await waitFor(
    'the dispatcher',
    500,
    async () => {
      left = (await db.query<{ n: number }>('select count(*)::int as n from outbox_event where dispatched_at is null')).rows[0].n
      return left === 0 ? true : undefined
    },
    () => `${fmt(left)} events not dispatched yet`,
  )
  return (performance.now() - started) / 1000
}

// ---------------------------------------------------------------------------------------------------
// Statistics

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const loadAvg = () => os.loadavg()[0].toFixed(1)

// ---------------------------------------------------------------------------------------------------
// 1. Full evaluation

interface FullResult {
  customers: number
  added: number
  events: number
  evaluationMs: number
  wallMs: number
}

async function measureFullEvaluation(api: Api, db: pg.Client): Promise<FullResult> {
  const t = settings.ruleTenant
  const started = performance.now()
  await putRule(api, t, FULL_SEGMENT, FULL_RULE)
  let last: Evaluation | undefined
  const evaluation = await waitFor(
    'the full evaluation',
    200,
    async () => {
      last = (await getRule(api, t, FULL_SEGMENT)).evaluation
      return last.state === 'DONE' ? last : undefined
    },
    () => `${last?.state} ${fmt(last?.evaluated ?? 0)} of ${fmt(last?.total ?? 0)} evaluated, ${fmt(last?.added ?? 0)} added`,
  )
  const wallMs = performance.now() - started
  if (!evaluation.startedAt || !evaluation.finishedAt) throw new Error(`a DONE evaluation without startedAt/finishedAt: ${JSON.stringify(evaluation)}`)
  const evaluationMs = Date.parse(evaluation.finishedAt) - Date.parse(evaluation.startedAt)

  const { rows } = await db.query<{ automatic: number; events: number; deleted: number; expected: number }>(
    `select
       (select count(*)::int from customer_assignment where tenant = $1 and segment_id = $2 and assignment_type = 'AUTOMATIC') as automatic,
       (select count(*)::int from outbox_event where tenant = $1 and type = 'customer-segment.customer-assignment-created' and subject like $3) as events,
       (select count(*)::int from outbox_event where tenant = $1 and type = 'customer-segment.customer-assignment-deleted') as deleted,
       (select count(*)::int from directory_customer c where c.tenant = $1 and (${FULL_RULE_SQL})) as expected`,
    [t, FULL_SEGMENT, `segments/${FULL_SEGMENT}/customers/%`],
  )
  const counts = rows[0]
  const line = `added ${fmt(evaluation.added)}, removed ${evaluation.removed}, AUTOMATIC rows ${fmt(counts.automatic)}, created events ${fmt(counts.events)}, deleted events ${counts.deleted}, selected by SQL ${fmt(counts.expected)}`
  console.log(`  ${line}`)
  const consistent = evaluation.added === counts.automatic && counts.automatic === counts.events && counts.events === counts.expected
  if (!consistent || evaluation.removed !== 0 || counts.deleted !== 0) throw new Error(`the evaluation's counts disagree: ${line}`)
  if (evaluation.evaluated !== settings.customers) throw new Error(`evaluated ${evaluation.evaluated} customers, expected ${settings.customers}`)
  return { customers: evaluation.evaluated, added: evaluation.added, events: counts.events, evaluationMs, wallMs }
}

// ---------------------------------------------------------------------------------------------------
// 2. Previews

const PREVIEW_RULES = ['tags:(wholesale,gold)', 'attributes.spent:(>=500 AND <2000)', 'attributes.lastOrderAt:>now-30d']

interface PreviewResult {
  latencies: number[]
  byRule: { query: string; p50: number; matching: number }[]
}

async function measurePreviews(api: Api): Promise<PreviewResult> {
  const path = `/customer-segment/${settings.ruleTenant}/segments/rule-preview`
  const preview = async (query: string) => {
    const started = performance.now()
    const answer = (await expectStatus(api, 'POST', path, { query }, [200])) as { matching: number; total: number; sample: unknown[] }
    const ms = performance.now() - started
    if (answer.total !== settings.customers) throw new Error(`preview of '${query}': total ${answer.total}, expected ${settings.customers}`)
    return { ms, matching: answer.matching }
  }
  const matching = new Map<string, number>()
  for (const query of PREVIEW_RULES) matching.set(query, (await preview(query)).matching)
  const timed: { query: string; ms: number }[] = []
  for (let i = 0; i < settings.previewRequests; i++) {
    const query = PREVIEW_RULES[i % PREVIEW_RULES.length]
    timed.push({ query, ms: (await preview(query)).ms })
  }
  const byRule = PREVIEW_RULES.map((query) => ({
    query,
    p50: percentile(timed.filter((x) => x.query === query).map((x) => x.ms), 50),
    matching: matching.get(query) ?? 0,
  }))
  for (const r of byRule) console.log(`  ${r.query.padEnd(40)} p50 ${r.p50.toFixed(0)} ms, selects ${fmt(r.matching)}`)
  return { latencies: timed.map((x) => x.ms), byRule }
}

// ---------------------------------------------------------------------------------------------------
// 4. Storefront reads, automatic against manual members

type ReadKind = 'segments' | 'items'
type Side = 'automatic' | 'manual'
const READ_TITLES: Record<ReadKind, string> = {
  segments: 'GET segments?customerId= (operator)',
  items: 'GET segments/items (customer token)',
}

interface ReadFigures {
  p50: number
  p99: number
  reqPerSec: number
  note?: string
}
type ReadResult = Record<ReadKind, Record<Side, ReadFigures>>

/** Customers of `cohort` in exactly the 5 segments of `prefix` and no other, spread over the id range. */
async function readCustomers(db: pg.Client, cohort: number, prefix: string, count: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `select a.customer_id as id from customer_assignment a
     where a.tenant = $1 and a.customer_id in (select c.id from directory_customer c where c.tenant = $1 and (c.attributes->>'cohort')::int = $2)
     group by a.customer_id
     having count(*) = $3 and bool_and(a.segment_id like $4)
     order by a.customer_id`,
    [settings.ruleTenant, cohort, settings.storefrontSegments, `${prefix}-%`],
  )
  if (rows.length === 0) throw new Error(`no cohort ${cohort} customer is in exactly the ${prefix} segments`)
  const step = Math.max(1, rows.length / count)
  return Array.from({ length: Math.min(count, rows.length) }, (_, i) => rows[Math.floor(i * step)].id)
}

async function prepareStorefront(api: Api, db: pg.Client): Promise<void> {
  const t = settings.ruleTenant
  const k = settings.storefrontSegments
  const ids = Array.from({ length: k }, (_, i) => i)
  for (const i of ids) {
    // Segment i of either side has the same products, so both sides read the same items.
    const products = Array.from({ length: settings.itemsPerSegment }, (_, j) => ({ id: `prod-${i}-${j}` }))
    await expectBulk(api, 'PUT', `/customer-segment/${t}/segments/${autoSegment(i)}/items/PRODUCT/bulk`, products, [201])
    await expectBulk(api, 'PUT', `/customer-segment/${t}/segments/${manualSegment(i)}/items/PRODUCT/bulk`, products, [201])
  }
  // The rule text does not matter to the reads, only the membership it makes: every rule selects the whole
  // cohort, so each of its customers is in exactly these 5 segments (besides the full rule's, for some).
  const started = performance.now()
  for (const i of ids) await putRule(api, t, autoSegment(i), `attributes.cohort:${AUTO_COHORT}`)
  await waitFor(
    'the storefront rules',
    200,
    async () => {
      const rules = await Promise.all(ids.map((i) => getRule(api, t, autoSegment(i))))
      return rules.every((r) => r.evaluation.state === 'DONE') ? rules : undefined
    },
  )
  const evaluationMs = performance.now() - started
  const inserted = await db.query(
    `insert into customer_assignment (tenant, segment_id, customer_id, assignment_type, version, created_at, modified_at)
     select $1, 'manual-' || k, c.id, 'MANUAL', 1, now(), now()
     from directory_customer c cross join generate_series(0, $3::int - 1) k
     where c.tenant = $1 and (c.attributes->>'cohort')::int = $2
     order by 2, 3`,
    [t, MANUAL_COHORT, k],
  )
  await db.query('vacuum analyze customer_assignment')
  const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from customer_assignment where tenant = $1 and segment_id like 'auto-%'`, [t])
  console.log(
    `  ${k} rules (cohort ${AUTO_COHORT}) evaluated in ${seconds(evaluationMs)}: ${fmt(rows[0].n)} AUTOMATIC assignments; ` +
      `${fmt(inserted.rowCount ?? 0)} MANUAL assignments (cohort ${MANUAL_COHORT}) by SQL`,
  )
}

function checkRead(kind: ReadKind, side: Side, status: number, json: unknown): string | undefined {
  if (status !== 200) return `status ${status}: ${JSON.stringify(json).slice(0, 200)}`
  const own = Array.from({ length: settings.storefrontSegments }, (_, i) => (side === 'automatic' ? autoSegment(i) : manualSegment(i)))
  const items = json as { id?: string; segmentId?: string }[]
  if (kind === 'segments') {
    const got = items.map((s) => s.id).sort().join(',')
    return got === own.join(',') ? undefined : `segments ${got}, expected ${own.join(',')}`
  }
  if (items.length !== settings.storefrontSegments * settings.itemsPerSegment) return `${items.length} items, expected ${settings.storefrontSegments * settings.itemsPerSegment}`
  return items.every((i) => own.includes(String(i.segmentId))) ? undefined : 'an item of a segment the customer is not in'
}

async function measureStorefront(api: Api, db: pg.Client, origin: string, secret: Uint8Array): Promise<ReadResult> {
  const t = settings.ruleTenant
  const driver = startDriver<MembershipScenario, MembershipSummary>('./membership-driver.ts', 'BENCH_MEMBERSHIP_DRIVER')
  const requests = {} as Record<ReadKind, Record<Side, PreparedRequest[]>>
  requests.segments = {} as Record<Side, PreparedRequest[]>
  requests.items = {} as Record<Side, PreparedRequest[]>
  for (const [side, cohort, prefix] of [
    ['automatic', AUTO_COHORT, 'auto'],
    ['manual', MANUAL_COHORT, 'manual'],
  ] as const) {
    const operatorCustomers = await readCustomers(db, cohort, prefix, 1000)
    const tokenCustomers = operatorCustomers.filter((_, i) => i % Math.max(1, Math.floor(operatorCustomers.length / 200)) === 0).slice(0, 200)
    requests.segments[side] = operatorCustomers.map((id) => ({ method: 'GET', path: `/customer-segment/${t}/segments?customerId=${id}`, token: api.operator }))
    requests.items[side] = []
    for (const id of tokenCustomers) {
      const token = await mintToken(secret, { tenant: t, scopes: [SCOPES.segmentReadOwn], customerId: id, ttl: '2h' })
      requests.items[side].push({ method: 'GET', path: `/customer-segment/${t}/segments/items`, token })
    }
    console.log(`  ${side}: operator reads rotate over ${fmt(operatorCustomers.length)} customers, customer reads over ${tokenCustomers.length} tokens`)
    for (const kind of ['segments', 'items'] as ReadKind[]) {
      const sample = requests[kind][side][Math.floor(requests[kind][side].length / 2)]
      const { status, json } = await call(api, sample.method, sample.path, undefined, sample.token)
      const problem = checkRead(kind, side, status, json)
      if (problem) throw new Error(`${kind} (${side}) ${sample.path}: ${problem}`)
    }
  }

  const result = {} as ReadResult
  for (const kind of ['segments', 'items'] as ReadKind[]) {
    const runs: Record<Side, MembershipSummary[]> = { automatic: [], manual: [] }
    for (let round = 0; round < settings.rounds; round++) {
      // Alternating which side goes first, so a drift of the machine's load does not favour one.
      const order: Side[] = round % 2 === 0 ? ['automatic', 'manual'] : ['manual', 'automatic']
      for (const side of order) {
        const summary = await driver.run({
          type: 'run',
          label: `${kind} ${side}`,
          origin,
          requests: requests[kind][side],
          connections: settings.connections,
          warmupSeconds: settings.warmupSeconds,
          durationSeconds: settings.durationSeconds,
        })
        runs[side].push(summary)
        const issue = problems(summary)
        console.log(
          `  ${summary.label.padEnd(18)} round ${round + 1}: ${fmt(summary.reqPerSec).padStart(6)} req/s  p50 ${summary.p50} ms  p90 ${summary.p90} ms  p99 ${summary.p99} ms  max ${summary.max} ms` +
            `  (${fmt(summary.requests)} requests${issue ? `; ${issue}` : ''}; load avg ${loadAvg()})`,
        )
      }
    }
    const figures = (s: MembershipSummary[]): ReadFigures => {
      const issues = s.map(problems).filter((x) => x !== undefined)
      return { p50: mean(s.map((x) => x.p50)), p99: mean(s.map((x) => x.p99)), reqPerSec: mean(s.map((x) => x.reqPerSec)), note: issues.length > 0 ? issues.join('; ') : undefined }
    }
    result[kind] = { automatic: figures(runs.automatic), manual: figures(runs.manual) }
  }
  return result
}

// ---------------------------------------------------------------------------------------------------
// 3. Import batches without and with 50 rules

interface ImportResult {
  without: number[]
  with: number[]
  rulesEvaluationMs: number
  automatic: number
  mismatches: string[]
}

async function importBatches(api: Api, firstIndex: number, label: string): Promise<number[]> {
  const path = `/customer-segment/${settings.importTenant}/directory/customers`
  let index = firstIndex
  for (let i = 0; i < settings.importWarmupBatches; i++) await expectBulk(api, 'PUT', path, importBatch(index++), [204])
  const latencies: number[] = []
  for (let i = 0; i < settings.importBatches; i++) {
    const body = importBatch(index++)
    const started = performance.now()
    await expectBulk(api, 'PUT', path, body, [204])
    latencies.push(performance.now() - started)
  }
  console.log(
    `  ${label}: ${settings.importBatches} batches of ${fmt(settings.batchSize)}: median ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, ` +
      `max ${Math.max(...latencies).toFixed(0)} ms → ${fmt((settings.batchSize * 1000) / mean(latencies))} customers/s (load avg ${loadAvg()})`,
  )
  return latencies
}

async function measureImports(api: Api, db: pg.Client): Promise<ImportResult> {
  const t = settings.importTenant
  const segments = Array.from({ length: settings.importRules }, (_, k) => importSegment(k))
  await createSegments(api, t, segments)
  const batchesPerPhase = settings.importWarmupBatches + settings.importBatches
  const without = await importBatches(api, 0, 'no rules')

  const rules = importRules()
  const started = performance.now()
  for (const [k, query] of rules.entries()) await putRule(api, t, segments[k], query)
  let pending = rules.length
  await waitFor(
    `the ${rules.length} rules`,
    500,
    async () => {
      pending = (await db.query<{ n: number }>(`select count(*)::int as n from segment_rule where tenant = $1 and state <> 'DONE'`, [t])).rows[0].n
      return pending === 0 ? true : undefined
    },
    () => `${pending} not DONE yet`,
  )
  const rulesEvaluationMs = performance.now() - started
  // The API's view of the same: every rule DONE, and what they added is what the table holds.
  const evaluations = await Promise.all(segments.map((s) => getRule(api, t, s)))
  const notDone = evaluations.filter((r) => r.evaluation.state !== 'DONE')
  if (notDone.length > 0) throw new Error(`${notDone.length} rules not DONE through the API after the table said so`)
  const added = evaluations.reduce((sum, r) => sum + r.evaluation.added - r.evaluation.removed, 0)
  const automatic = (await db.query<{ n: number }>(`select count(*)::int as n from customer_assignment where tenant = $1 and assignment_type = 'AUTOMATIC'`, [t])).rows[0].n
  if (added !== automatic) throw new Error(`the rules added ${added} customers net, the table holds ${automatic} AUTOMATIC assignments`)
  const caughtUp = await dispatcherCaughtUp(db)
  console.log(
    `  ${rules.length} rules over ${fmt(settings.importCustomers + batchesPerPhase * settings.batchSize / 2)} customers evaluated in ${seconds(rulesEvaluationMs)}: ` +
      `${fmt(automatic)} AUTOMATIC assignments; dispatcher caught up ${caughtUp.toFixed(1)} s later`,
  )

  const withRules = await importBatches(api, batchesPerPhase, `${rules.length} rules`)

  // The batches kept membership exact: each rule holds what its preview selects now. Rules with relative
  // dates are left out, as customers cross their boundary by the second.
  const mismatches: string[] = []
  for (const [k, query] of rules.entries()) {
    if (query.includes('now')) continue
    const preview = (await expectStatus(api, 'POST', `/customer-segment/${t}/segments/rule-preview`, { query }, [200])) as { matching: number }
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from customer_assignment where tenant = $1 and segment_id = $2`, [t, segments[k]])
    if (rows[0].n !== preview.matching) mismatches.push(`${segments[k]} '${query}': ${rows[0].n} members, preview ${preview.matching}`)
  }
  const checked = rules.filter((q) => !q.includes('now')).length
  console.log(`  membership after the batches equals the preview for ${checked - mismatches.length} of ${checked} rules without relative dates`)
  for (const m of mismatches) console.log(`  MISMATCH ${m}`)
  return { without, with: withRules, rulesEvaluationMs, automatic, mismatches }
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now()
  const cpus = os.cpus()
  const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB; node ${process.version}`
  console.log(`Customer Segment Service — rules benchmark (${fmt(settings.customers)} directory customers)`)
  console.log(`machine: ${machine}; load avg ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)

  const databaseUrl = await createFreshDatabase(settings.adminUrl, 'css_bench_r')
  const db = new pg.Client({ connectionString: databaseUrl })
  await db.connect()
  onCleanup('bench connection', () => db.end())
  const database = await describeDatabase(databaseUrl, db)
  console.log(`database: ${database}`)

  const server = await startBenchService(databaseUrl, { authSecret: AUTH_SECRET, poolSize: settings.poolSize })
  if (!server.delivery) throw new Error('the service started without its background work (DELIVERY_WORKER=false?): no rule evaluator')
  const secret = new TextEncoder().encode(AUTH_SECRET)
  const api: Api = {
    base: server.url,
    operator: await mintToken(secret, { tenant: settings.ruleTenant, scopes: [SCOPES.segmentManage, SCOPES.segmentRead], ttl: '2h' }),
  }
  const importApi: Api = {
    base: server.url,
    operator: await mintToken(secret, { tenant: settings.importTenant, scopes: [SCOPES.segmentManage, SCOPES.segmentRead], ttl: '2h' }),
  }
  console.log(`service: ${server.url} (LOG_LEVEL=warn, pool ${settings.poolSize}; rule evaluator and dispatcher in process)`)

  let t0 = performance.now()
  await loadDirectory(db, settings.ruleTenant, settings.customers)
  const size = (await db.query<{ t: string }>(`select pg_size_pretty(pg_total_relation_size('directory_customer')) as t`)).rows[0].t
  console.log(`\nloaded ${fmt(settings.customers)} directory customers into '${settings.ruleTenant}' by SQL in ${seconds(performance.now() - t0)} (table with indexes ${size})`)
  await createSegments(api, settings.ruleTenant, [
    FULL_SEGMENT,
    ...Array.from({ length: settings.storefrontSegments }, (_, i) => autoSegment(i)),
    ...Array.from({ length: settings.storefrontSegments }, (_, i) => manualSegment(i)),
  ])

  console.log(`\n== 1. full evaluation of '${FULL_RULE}' over ${fmt(settings.customers)} customers ==`)
  const full = await measureFullEvaluation(api, db)
  const customersPerSecond = full.customers / (full.evaluationMs / 1000)
  const eventsPerSecond = full.events / (full.evaluationMs / 1000)
  console.log(
    `  startedAt → finishedAt ${seconds(full.evaluationMs)} (PUT → DONE seen ${seconds(full.wallMs)}): ${fmt(customersPerSecond)} customers/s, ${fmt(eventsPerSecond)} events/s (load avg ${loadAvg()})`,
  )
  console.log(`  dispatcher caught up ${(await dispatcherCaughtUp(db)).toFixed(1)} s after the evaluation ended`)

  console.log(`\n== 2. rule previews over ${fmt(settings.customers)} customers (${settings.previewRequests} sequential, after one untimed of each rule) ==`)
  const previews = await measurePreviews(api)
  const previewP50 = percentile(previews.latencies, 50)
  const previewMax = Math.max(...previews.latencies)
  console.log(`  all: p50 ${previewP50.toFixed(0)} ms, max ${previewMax.toFixed(0)} ms`)

  console.log(`\n== 4. storefront reads: members through rules against MANUAL members (${settings.storefrontSegments} segments each) ==`)
  await prepareStorefront(api, db)
  console.log(`  dispatcher caught up ${(await dispatcherCaughtUp(db)).toFixed(1)} s later`)
  const reads = await measureStorefront(api, db, new URL(server.url).origin, secret)

  console.log(`\n== 3. import batches into '${settings.importTenant}' (${fmt(settings.importCustomers)} customers), without and with ${settings.importRules} rule segments ==`)
  t0 = performance.now()
  await loadDirectory(db, settings.importTenant, settings.importCustomers)
  console.log(`  loaded ${fmt(settings.importCustomers)} directory customers by SQL in ${seconds(performance.now() - t0)}`)
  const imports = await measureImports(importApi, db)

  // The summary.
  const verdict = (ok: boolean) => (ok ? 'met' : 'not met')
  const importWithout = percentile(imports.without, 50)
  const importWith = percentile(imports.with, 50)
  const importRatio = importWith / importWithout
  const rows: string[][] = [
    ['1. full evaluation, customers/s', fmt(customersPerSecond), `≥ ${fmt(TARGET.customersPerSecond)}`, verdict(customersPerSecond >= TARGET.customersPerSecond)],
    ['   events/s (assignment-created)', fmt(eventsPerSecond), '', ''],
    ['   duration (startedAt → finishedAt)', seconds(full.evaluationMs), '', ''],
    ['2. rule preview p50 ms', previewP50.toFixed(0), `< ${TARGET.previewP50Ms}`, verdict(previewP50 < TARGET.previewP50Ms)],
    ['   rule preview max ms', previewMax.toFixed(0), '', ''],
    ['3. import batch, no rules: median / p95 ms', `${importWithout.toFixed(0)} / ${percentile(imports.without, 95).toFixed(0)}`, '', ''],
    [`   import batch, ${settings.importRules} rules: median / p95 ms`, `${importWith.toFixed(0)} / ${percentile(imports.with, 95).toFixed(0)}`, '', ''],
    ['   median ratio', importRatio.toFixed(2), `≤ ${TARGET.importRatio}`, verdict(importRatio <= TARGET.importRatio)],
  ]
  const readVerdicts: boolean[] = []
  for (const kind of ['segments', 'items'] as ReadKind[]) {
    const { automatic, manual } = reads[kind]
    for (const p of ['p50', 'p99'] as const) {
      const ratio = automatic[p] / manual[p]
      readVerdicts.push(ratio <= TARGET.readRatio)
      rows.push([
        `4. ${READ_TITLES[kind]} ${p} ms, automatic / manual`,
        `${fmt(automatic[p], 1)} / ${fmt(manual[p], 1)} = ${ratio.toFixed(2)}`,
        `≤ ${TARGET.readRatio}`,
        verdict(ratio <= TARGET.readRatio),
      ])
    }
  }
  console.log('')
  console.log(table(['figure', 'value', 'target', ''], rows))
  console.log('')
  console.log(`machine: ${machine}; ${database.split(',')[0]}; load avg at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  console.log(
    `settings: ${fmt(settings.customers)} customers (rules), ${fmt(settings.importCustomers)} (imports), ${settings.importBatches} batches of ${fmt(settings.batchSize)}, ` +
      `${settings.previewRequests} previews, reads ${settings.rounds} × (${settings.warmupSeconds} + ${settings.durationSeconds}) s at ${settings.connections} connections`,
  )
  const invalid = (['segments', 'items'] as ReadKind[]).flatMap((k) => [reads[k].automatic.note, reads[k].manual.note]).filter((n) => n !== undefined)
  if (invalid.length > 0) console.log(`WARNING: read runs with failed requests (figures not comparable): ${invalid.join('; ')}`)
  if (imports.mismatches.length > 0) console.log(`WARNING: ${imports.mismatches.length} rules whose membership differs from their preview after the import batches`)
  console.log('')
  console.log(`target full evaluation ≥ ${fmt(TARGET.customersPerSecond)} customers/s: ${verdict(customersPerSecond >= TARGET.customersPerSecond)} (${fmt(customersPerSecond)})`)
  console.log(`target rule preview p50 < ${TARGET.previewP50Ms} ms: ${verdict(previewP50 < TARGET.previewP50Ms)} (${previewP50.toFixed(0)} ms)`)
  console.log(`target import batch median with ${settings.importRules} rules ≤ ${TARGET.importRatio}× without: ${verdict(importRatio <= TARGET.importRatio)} (${importRatio.toFixed(2)})`)
  console.log(`target storefront reads of automatic members within ${TARGET.readRatio}× of manual (p50 and p99): ${verdict(readVerdicts.every(Boolean))}`)
  console.log(`\ntotal time ${((performance.now() - started) / 1000).toFixed(0)} s`)
}

await runBenchmark(main)

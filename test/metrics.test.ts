/**
 * Prometheus metrics at /metrics, on each storage engine: a scrape needs no tenant token and is left out of
 * the API document; with METRICS_TOKEN it takes only that bearer token; requests are labelled by route
 * pattern, so hostile paths cannot add series; a real delivery to a real receiver moves the delivery
 * counters and the commit-to-delivery histogram; the outbox lag grows while no dispatcher runs; the
 * example dashboard and alert rules use only metrics a scrape has. On PostgreSQL, a scrape while the
 * database is cut off answers at once, saying so. A `segments worker` serves its own on METRICS_PORT.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { openDatabase } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import { buildApp } from '../src/http/app.js'
import { configureWebhook, type Receiver, sleep, startReceiver, subscribe, waitFor } from './support/delivery-helpers.js'
import { deployExpressions, metricNamesIn, REPLICA_METRIC } from './support/deploy-expressions.js'
import { startFaultProxy } from './support/fault-proxy.js'
import { ENGINES, freshPostgresDatabase, startTestApp, startTestDelivery, type TestApp } from './support/harness.js'
import { ensureAttemptPartitions } from '../src/delivery/retention/attempt-partitions.js'
import { startService } from './support/service-process.js'
import { freshTenant, tenantClient } from './support/segment-helpers.js'

const CREATED = 'customer-segment.segment-created'
const TOKEN = 'a-metrics-token-of-some-length'

/** One sample of the exposition: its name, labels and value. */
interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

function parse(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = []
  const types = new Map<string, string>()
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line)
    if (type) types.set(type[1], type[2])
    if (line === '' || line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    assert.ok(match, `an exposition line: ${line}`)
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]))
    samples.push({ name: match[1], labels, value: Number(match[3]) })
  }
  return { samples, types }
}

/** The value of the one sample of `name` whose labels include `labels` (undefined: none). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  assert.ok(found.length <= 1, `one sample of ${name} ${JSON.stringify(labels)}, found ${found.length}`)
  return found[0]?.value
}

async function scrape(t: TestApp, token?: string): Promise<Sample[]> {
  const res = await t.call({ url: '/metrics', token: null, headers: token ? { authorization: `Bearer ${token}` } : {} })
  assert.equal(res.statusCode, 200, res.body)
  return parse(res.body).samples
}

for (const engine of ENGINES) {
  describe(`metrics on ${engine}`, () => {
    let t: TestApp
    let receiver: Receiver
    before(async () => {
      t = await startTestApp(engine, { delivery: {} })
      receiver = await startReceiver()
    })
    after(async () => {
      await t.close()
      await receiver.close()
    })

    it('answers a scrape without a tenant token, in the text format, and is not in the API document', async () => {
      const res = await t.call({ url: '/metrics', token: null })
      assert.equal(res.statusCode, 200)
      assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/)
      const { samples, types } = parse(res.body)
      assert.equal(valueOf(samples, 'segments_database_up'), 1)
      assert.equal(valueOf(samples, 'segments_database_pool_max_connections', { pool: 'main' }), engine === 'pglite' ? 1 : 5)
      for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes']) {
        assert.ok(types.has(name), `the process metric ${name}`)
      }
      const document = (await t.call({ url: '/openapi.json' })).json() as { paths: Record<string, unknown> }
      assert.equal(document.paths['/metrics'], undefined)
    })

    it('takes only the METRICS_TOKEN bearer token when one is set (401 otherwise)', async () => {
      const guarded = await startTestApp(engine, { metricsToken: TOKEN })
      try {
        for (const authorization of [undefined, 'Bearer wrong', `Bearer ${TOKEN.replace(/.$/, 'X')}`, `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
          const res = await guarded.app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} })
          assert.equal(res.statusCode, 401, `${authorization} is refused`)
          assert.equal(res.json().code, 401)
          assert.match(String(res.headers['www-authenticate']), /^Bearer/)
          assert.doesNotMatch(res.body, /segments_/)
        }
        // A tenant's API token is no metrics token.
        assert.equal((await guarded.call({ url: '/metrics' })).statusCode, 401)
        assert.ok(valueOf(await scrape(guarded, TOKEN), 'segments_database_up') === 1)
      } finally {
        await guarded.close()
      }
    })

    it('labels requests by route pattern and status, never by URL', async () => {
      assert.equal((await t.call({ url: '/customer-segment/acme/segments/no-such-segment-x1' })).statusCode, 404)
      const samples = await scrape(t)
      const count = valueOf(samples, 'segments_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/customer-segment/:tenant/segments/:segmentId',
        status_code: '404',
      })
      assert.ok(count !== undefined && count >= 1)
      assert.ok(!samples.some((s) => Object.values(s.labels).some((v) => v.includes('no-such-segment-x1') || v.includes('acme'))))
    })

    it('keeps the series bounded under hostile paths: every unknown path is one label value', async () => {
      const before = (await scrape(t)).filter((s) => s.name === 'segments_http_request_duration_seconds_count').length
      for (let i = 0; i < 300; i++) {
        const path = `/${Math.random().toString(36).slice(2)}/${'x'.repeat(i % 50)}?q=${i}`
        assert.equal((await t.call({ url: path, method: i % 2 ? 'GET' : 'POST', token: null })).statusCode, 404)
      }
      const samples = (await scrape(t)).filter((s) => s.name === 'segments_http_request_duration_seconds_count')
      const unmatched = samples.filter((s) => s.labels.route === 'unmatched')
      assert.deepEqual(unmatched.map((s) => `${s.labels.method} ${s.labels.status_code}`).sort(), ['GET 404', 'POST 404'])
      assert.ok(unmatched.reduce((sum, s) => sum + s.value, 0) >= 300)
      // The 404s added the unmatched series and /metrics's own, nothing per path.
      assert.ok(samples.length <= before + 3, `${samples.length} series after, ${before} before`)
    })

    it('counts a real delivery: attempts by outcome, deliveries by state and config, commit-to-delivery latency', async () => {
      const c = await tenantClient(t, freshTenant('counted'))
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}/counted` })
      await subscribe(t.database.db, c.tenant, [CREATED])
      const start = await scrape(t)
      const attempts = (outcome: string, samples: Sample[]) => valueOf(samples, 'segments_delivery_attempts_total', { outcome }) ?? 0
      const delivered = (samples: Sample[]) => valueOf(samples, 'segments_deliveries_total', { state: 'delivered', config: 'http' }) ?? 0
      const latencyCount = (samples: Sample[]) => valueOf(samples, 'segments_delivery_latency_seconds_count', { attempt: 'first' }) ?? 0
      const retriedCount = (samples: Sample[]) => valueOf(samples, 'segments_delivery_latency_seconds_count', { attempt: 'retry' }) ?? 0
      // The second event's first attempt gets a 500, its retry a 204.
      let answered = 0
      receiver.reply = (request) => (request.path === '/counted' && ++answered === 2 ? { status: 500 } : {})
      await c.create({ id: 'first', name: { en: 'First' }, siteCode: 'main' })
      await waitFor('the first delivery', () => receiver.to('/counted').length === 1)
      await c.create({ id: 'second', name: { en: 'Second' }, siteCode: 'main' })
      await waitFor('the retry of the second', () => receiver.to('/counted').length === 3)
      const end = await waitFor('the outcomes counted', async () => {
        const samples = await scrape(t)
        return delivered(samples) - delivered(start) === 2 ? samples : undefined
      })
      assert.equal(attempts('success', end) - attempts('success', start), 2)
      assert.equal(attempts('server_error', end) - attempts('server_error', start), 1)
      assert.equal(latencyCount(end) - latencyCount(start), 1)
      assert.equal(retriedCount(end) - retriedCount(start), 1)
      const sum = valueOf(end, 'segments_delivery_latency_seconds_sum', { attempt: 'first' }) ?? 0
      assert.ok(sum > 0 && sum < 10, `a first-attempt latency of ${sum} s`)
      assert.equal(valueOf(end, 'segments_delivery_sends_in_flight'), 0)
      receiver.reply = () => ({})
    })

    it('shows the outbox lag growing while no dispatcher runs, and back to 0 once one does', async () => {
      const held = await startTestApp(engine)
      try {
        const c = await tenantClient(held, freshTenant('held'))
        await c.create({ id: 'waiting', name: { en: 'Waiting' }, siteCode: 'main' })
        await sleep(50)
        const samples = await scrape(held)
        assert.ok((valueOf(samples, 'segments_outbox_lag_seconds') ?? 0) > 0.04)
        assert.ok((valueOf(samples, 'segments_outbox_undispatched_events') ?? 0) >= 1)
        const dispatcher = await startTestDelivery(held.database)
        try {
          await waitFor('the lag back to 0', async () => valueOf(await scrape(held), 'segments_outbox_lag_seconds') === 0)
        } finally {
          await dispatcher.stop(1_000)
        }
      } finally {
        await held.close()
      }
    })

    it('says how far ahead the attempt log’s time ranges reach: not at all with retention off, two days and more once made', async () => {
      const own = await startTestApp(engine)
      try {
        assert.ok(Number.isNaN(valueOf(await scrape(own), 'segments_delivery_attempt_ranges_ahead_seconds')), 'no ranges: retention is off')
        await ensureAttemptPartitions(own.database.db, new Date())
        // A scrape within a second of the last is answered from the same read.
        const ahead = await waitFor('the ranges in a scrape', async () => {
          const value = valueOf(await scrape(own), 'segments_delivery_attempt_ranges_ahead_seconds') ?? Number.NaN
          return !Number.isNaN(value) && value
        })
        assert.ok(ahead > 2 * 86_400 && ahead <= 3 * 86_400, `the rest of today and two days: ${ahead} s`)
      } finally {
        await own.close()
      }
    })

    it('has every metric the example dashboard and alert rules use', async () => {
      const res = await t.call({ url: '/metrics', token: null })
      const { types } = parse(res.body)
      const expressions = deployExpressions()
      assert.ok(expressions.length >= 20, `${expressions.length} expressions found`)
      const suffixed = (name: string) => /^(.*)_(bucket|sum|count)$/.exec(name)?.[1]
      for (const { where, expr } of expressions) {
        const names = metricNamesIn(expr)
        assert.ok(names.length > 0, `${where} uses a metric: ${expr}`)
        // The replica's metrics exist only with DATABASE_READ_URL: read-replica.test.ts checks those.
        for (const name of names.filter((n) => !REPLICA_METRIC.test(n))) {
          const base = suffixed(name)
          const known = types.has(name) || (base !== undefined && ['histogram', 'summary'].includes(types.get(base) ?? ''))
          assert.ok(known, `${where} uses ${name}, which a scrape does not have`)
        }
      }
    })
  })
}

describe('metrics while PostgreSQL is cut off', { skip: !process.env.DATABASE_URL && 'needs PostgreSQL: set DATABASE_URL' }, () => {
  it('answers a scrape at once with database_up 0 and the metrics it can, then recovers', async () => {
    const { url, drop } = await freshPostgresDatabase()
    const target = new URL(url)
    const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) })
    const database = await openDatabase({ engine: 'postgres', url: proxy.url(url), poolSize: 2, acquireTimeoutMs: 10_000 })
    let cut = false
    try {
      await migrate(database)
      const app = await buildApp({ database, verifyToken: async () => assert.fail('no token is needed') })
      try {
        const up = parse((await app.inject({ url: '/metrics' })).body).samples
        assert.equal(valueOf(up, 'segments_database_up'), 1)
        await proxy.cut()
        cut = true
        await sleep(1_100)
        for (let i = 0; i < 3; i++) {
          const started = Date.now()
          const res = await app.inject({ url: '/metrics' })
          const took = Date.now() - started
          assert.equal(res.statusCode, 200)
          assert.ok(took < 3_000, `a scrape took ${took} ms with the database away`)
          const { samples, types } = parse(res.body)
          assert.equal(valueOf(samples, 'segments_database_up'), 0)
          assert.ok(Number.isNaN(valueOf(samples, 'segments_outbox_lag_seconds')))
          assert.ok(types.has('process_cpu_seconds_total'))
          assert.ok((valueOf(samples, 'segments_database_errors_total', { kind: 'unreachable' }) ?? 0) >= 1)
        }
        await proxy.restore()
        cut = false
        await waitFor('the database back in the metrics', async () => valueOf(parse((await app.inject({ url: '/metrics' })).body).samples, 'segments_database_up') === 1, 20_000)
      } finally {
        await app.close()
      }
    } finally {
      if (cut) await proxy.restore()
      await database.close()
      await proxy.close()
      await drop()
    }
  })
})

describe('metrics of a segments worker process', () => {
  let dataDir: string
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'css-worker-metrics-'))
  })
  after(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('serves /metrics on METRICS_PORT, with its token', async () => {
    const worker = await startService('worker', { DATA_DIR: dataDir, METRICS_PORT: '0', METRICS_TOKEN: TOKEN })
    try {
      const [ready] = worker.logged('delivery worker ready')
      const url = ready.metrics as string
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
      assert.equal((await fetch(url)).status, 401)
      const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })
      assert.equal(res.status, 200)
      const { samples, types } = parse(await res.text())
      assert.equal(valueOf(samples, 'segments_database_up'), 1)
      assert.ok(types.has('segments_delivery_attempts_total') && types.has('process_cpu_seconds_total'))
      assert.ok(!types.has('segments_http_request_duration_seconds'), 'a worker serves no API')
      assert.equal((await fetch(url.replace(/\/metrics$/, '/health'))).status, 404)
    } finally {
      assert.equal(await worker.stop(), 0)
    }
  })
})

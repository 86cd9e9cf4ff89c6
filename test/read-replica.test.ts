/**
 * Storefront reads from a read replica (DATABASE_READ_URL). With the embedded engine the setting is refused.
 * On PostgreSQL, where the machine can create clusters (pg_createcluster, run as root): a primary cluster of
 * the test's own and a streaming replica of it (pg_basebackup -R), and `segments serve` on the two. With
 * replay paused on the replica, a write is seen by operators' reads (the primary) and not yet by the
 * storefront's (the replica), and appears there once replay resumes; the replica's lag is measured; with the
 * replica stopped, storefront reads answer 503 with Retry-After while writes and operators' reads go on, and
 * they answer again once it is back, the outage logged once. A storefront read the replica cancels for a
 * conflict with replay (a lock replayed from the primary) answers 503 with Retry-After too, and the replica
 * stays up.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import pg from 'pg'
import { mintToken } from '../src/auth/mint-token.js'
import { SCOPES } from '../src/auth/principal.js'
import { ConfigError, loadConfig } from '../src/config.js'
import { isRetryableConflict, isUnreachable } from '../src/db/availability.js'
import { segmentsFailure } from './support/cli-path.js'
import { sleep } from './support/delivery-helpers.js'
import { ALL_SCOPES, freshPostgresDatabase, TEST_SECRET } from './support/harness.js'
import { type ServiceProcess, startService } from './support/service-process.js'
import { deployExpressions, metricNamesIn, REPLICA_METRIC } from './support/deploy-expressions.js'

const run = promisify(execFile)
const REPLICA_URL = 'postgres://postgres@127.0.0.1:5433/postgres'

describe('DATABASE_READ_URL with the embedded engine', () => {
  it('is refused by the configuration: it needs DATABASE_URL', () => {
    assert.throws(
      () => loadConfig({ DATABASE_READ_URL: REPLICA_URL }),
      (error: Error) => error instanceof ConfigError && /DATABASE_READ_URL needs DATABASE_URL: the embedded engine/.test(error.message),
    )
    const config = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', DATABASE_READ_URL: REPLICA_URL, AUTH_SECRET: TEST_SECRET })
    assert.equal(config.databaseReadUrl, REPLICA_URL)
    assert.equal(config.databaseReadPoolSize, 10)
  })

  it('stops serve at start-up, saying why', { timeout: 30_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'css-replica-'))
    try {
      const { code, stderr } = await segmentsFailure(['serve'], { DATA_DIR: dataDir, PORT: '0', DATABASE_READ_URL: REPLICA_URL })
      assert.equal(code, 1)
      assert.match(stderr, /DATABASE_READ_URL needs DATABASE_URL/)
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})

describe('a DATABASE_READ_URL that cannot be used (PostgreSQL)', { skip: !process.env.DATABASE_URL && 'needs PostgreSQL: set DATABASE_URL' }, () => {
  it('stops serve at start-up with a message naming DATABASE_READ_URL', { timeout: 30_000 }, async () => {
    const { url, drop } = await freshPostgresDatabase()
    try {
      const missing = new URL(url)
      missing.pathname = '/css_no_such_replica'
      const { code, stderr } = await segmentsFailure(['serve'], { PORT: '0', DATABASE_URL: url, DATABASE_READ_URL: missing.toString(), AUTH_SECRET: TEST_SECRET, DELIVERY_WORKER: 'false' })
      assert.equal(code, 1)
      assert.match(stderr, /database "css_no_such_replica" does not exist on the PostgreSQL server in DATABASE_READ_URL/)
    } finally {
      await drop()
    }
  })
})

const VERSION = '15'
const BIN = `/usr/lib/postgresql/${VERSION}/bin`
const clusterSkip =
  (!process.env.DATABASE_URL && 'needs PostgreSQL: set DATABASE_URL') ||
  (!existsSync('/usr/bin/pg_createcluster') && 'needs pg_createcluster (Debian postgresql-common)') ||
  (process.getuid?.() !== 0 && 'pg_createcluster needs root') ||
  (!existsSync(`${BIN}/pg_basebackup`) && `needs PostgreSQL ${VERSION} server binaries (pg_basebackup)`)

async function freePort(taken: number[] = []): Promise<number> {
  for (;;) {
    const server = createServer()
    server.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise((resolve) => server.close(resolve))
    if (!taken.includes(port)) return port
  }
}

/** Polls `check` every `everyMs` until it returns a value other than undefined/false; fails after `timeoutMs`. */
async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}

const TENANT = 'shop'
const base = `/customer-segment/${TENANT}/segments`

interface Answer {
  status: number
  retryAfter: string | null
  body: any
}

describe('storefront reads from a streaming replica (PostgreSQL clusters of the test own)', { skip: clusterSkip }, () => {
  const suffix = randomBytes(4).toString('hex')
  const primaryName = `css_rp_${suffix}`
  const replicaName = `css_rr_${suffix}`
  const created: string[] = []
  let primaryUrl: string
  let replicaUrl: string
  let replicaAdmin: pg.Client | undefined
  let serve: ServiceProcess | undefined
  let operator: string
  let customer: string
  const ctl = (name: string, ...args: string[]) => run('pg_ctlcluster', ['--skip-systemctl-redirect', VERSION, name, ...args])

  async function call(method: string, path: string, token: string, body?: unknown): Promise<Answer> {
    const res = await fetch(`${serve?.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: text ? JSON.parse(text) : undefined }
  }
  const ids = (answer: Answer): string[] => (answer.body as { id?: string; item?: { id: string } }[]).map((entry) => entry.item?.id ?? entry.id ?? '').sort()
  /** The customer's storefront reads: their items, their segments, and which of p1–p4 match gold and silver. */
  const storefront = async () => {
    const items = await call('GET', `${base}/items`, customer)
    const segments = await call('GET', base, customer)
    const match = await call('POST', `${base}/match`, customer, { siteCode: 'main', items: ['p1', 'p2', 'p3', 'p4'].map((id) => ({ id })), segmentIds: ['gold', 'silver'] })
    return { items, segments, match }
  }
  const metric = async (name: string): Promise<number | undefined> => {
    const text = await (await fetch(`${serve?.url}/metrics`)).text()
    const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
  }

  before(async () => {
    const primaryPort = await freePort()
    const replicaPort = await freePort([primaryPort])
    primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`
    replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/postgres`
    created.push(primaryName)
    await run('pg_createcluster', [VERSION, primaryName, '-p', String(primaryPort), '--start', '--', '--auth=trust'])
    await appendFile(`/etc/postgresql/${VERSION}/${primaryName}/pg_hba.conf`, '\nhost replication all 127.0.0.1/32 trust\n')
    await ctl(primaryName, 'reload')
    created.push(replicaName)
    await run('pg_createcluster', [VERSION, replicaName, '-p', String(replicaPort), '--', '--auth=trust'])
    const dataDir = `/var/lib/postgresql/${VERSION}/${replicaName}`
    assert.ok(existsSync(dataDir), `the replica's data directory is ${dataDir}`)
    // Emptied, not removed: the directory is the postgres user's, its parent may not be.
    for (const entry of await readdir(dataDir)) await rm(join(dataDir, entry), { recursive: true, force: true })
    // A copy of the primary that starts as its standby (-R writes standby.signal and primary_conninfo).
    await run('runuser', ['-u', 'postgres', '--', `${BIN}/pg_basebackup`, '-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '-c', 'fast'])
    await ctl(replicaName, 'start')
    replicaAdmin = await waitFor(
      'the replica to accept connections',
      async () => {
        const client = new pg.Client({ connectionString: replicaUrl })
        client.on('error', () => {})
        try {
          await client.connect()
          const { rows } = await client.query('select pg_is_in_recovery() as standby')
          assert.equal(rows[0].standby, true, 'the replica is a standby')
          return client
        } catch (error) {
          await client.end().catch(() => {})
          if (error instanceof assert.AssertionError) throw error
          return undefined
        }
      },
      20_000,
    )
    serve = await startService('serve', {
      DATABASE_URL: primaryUrl,
      DATABASE_READ_URL: replicaUrl,
      DATABASE_READ_POOL_SIZE: '4',
      DATABASE_ACQUIRE_TIMEOUT_MS: '2000',
      AUTH_SECRET: TEST_SECRET,
      DELIVERY_WORKER: 'false',
    })
    const secret = new TextEncoder().encode(TEST_SECRET)
    operator = await mintToken(secret, { tenant: TENANT, scopes: ALL_SCOPES, ttl: '1h' })
    customer = await mintToken(secret, { tenant: TENANT, scopes: [SCOPES.segmentReadOwn], customerId: 'c1', ttl: '1h' })
  })

  after(async () => {
    if (serve) assert.equal(await serve.stop(), 0, 'serve stops cleanly on SIGTERM')
    await replicaAdmin?.end().catch(() => {})
    for (const name of created.reverse()) await run('pg_dropcluster', [VERSION, name, '--stop']).catch(() => {})
  })

  it('has in its scrape every replica metric the example alert rules and dashboard use', async () => {
    const text = await (await fetch(`${serve?.url}/metrics`)).text()
    const types = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]))
    const used = deployExpressions().flatMap(({ where, expr }) => metricNamesIn(expr).filter((name) => REPLICA_METRIC.test(name)).map((name) => ({ where, name })))
    assert.ok(used.length >= 2, `the alert rules use the replica's metrics: ${JSON.stringify(used)}`)
    for (const { where, name } of used) assert.ok(types.has(name), `${where} uses ${name}, which a scrape with DATABASE_READ_URL does not have`)
    assert.equal(await metric('segments_database_replica_up'), 1)
  })

  it('answers storefront reads from the replica: a write shows there only once replay has caught up', { timeout: 60_000 }, async (t) => {
    assert.match(serve?.logged('listening on')[0]?.msg ?? '', /storefront reads from PostgreSQL postgres@127\.0\.0\.1:\d+\/postgres/)
    assert.equal((await call('POST', base, operator, { id: 'gold', name: { en: 'Gold' }, siteCode: 'main', status: 'ACTIVE' })).status, 201)
    assert.equal((await call('PUT', `${base}/gold/customers/c1`, operator, {})).status, 201)
    assert.equal((await call('PUT', `${base}/gold/items/PRODUCT/p1`, operator, {})).status, 201)
    await waitFor('the replica to show p1', async () => (await call('GET', `${base}/items`, customer)).body?.length === 1, 10_000)

    // Replay lag: from the primary's commit (its answer) until the replica shows the row.
    const lags: number[] = []
    for (let i = 0; i < 20; i += 1) {
      assert.equal((await call('PUT', `${base}/gold/items/CATEGORY/lag${i}`, operator, {})).status, 201)
      const committed = performance.now()
      await waitFor(
        `lag${i} on the replica`,
        async () => (await replicaAdmin?.query('select 1 from item_assignment where tenant = $1 and item_id = $2', [TENANT, `lag${i}`]))?.rowCount === 1,
        5_000,
        1,
      )
      lags.push(performance.now() - committed)
    }
    lags.sort((a, b) => a - b)
    t.diagnostic(`replay lag over 20 writes: median ${lags[10].toFixed(1)} ms, max ${lags[19].toFixed(1)} ms`)

    await replicaAdmin?.query('select pg_wal_replay_pause()')
    await waitFor('replay paused', async () => (await replicaAdmin?.query('select pg_get_wal_replay_pause_state() as state'))?.rows[0].state === 'paused', 5_000)
    assert.equal((await call('PUT', `${base}/gold/items/PRODUCT/p2`, operator, {})).status, 201)
    assert.equal((await call('POST', base, operator, { id: 'silver', name: { en: 'Silver' }, siteCode: 'main', status: 'ACTIVE' })).status, 201)
    assert.equal((await call('PUT', `${base}/silver/customers/c1`, operator, {})).status, 201)
    assert.equal((await call('PUT', `${base}/silver/items/PRODUCT/p3`, operator, {})).status, 201)

    // Operators read the primary: their own writes are there at once.
    assert.equal((await call('GET', `${base}/gold/items/PRODUCT/p2`, operator)).status, 200)
    assert.equal((await call('GET', `${base}/silver`, operator)).status, 200)
    assert.deepEqual(ids(await call('GET', base, operator)), ['gold', 'silver'])
    // The storefront reads the replica, where replay stopped before them.
    const paused = await storefront()
    assert.deepEqual(ids(paused.items).filter((id) => !id.startsWith('lag')), ['p1'])
    assert.deepEqual(ids(paused.segments), ['gold'])
    assert.deepEqual(paused.match.body, [{ id: 'p1' }])
    // And they ran there as the named prepared statements of the storefront's hot reads.
    const { rows: sessions } = (await replicaAdmin?.query(`select query from pg_stat_activity where application_name = 'customer-segment-service'`)) ?? { rows: [] }
    assert.ok(
      sessions.some((session: { query: string }) => session.query.includes('/* prepared */')),
      `a prepared storefront statement ran on the replica: ${JSON.stringify(sessions)}`,
    )
    assert.equal((await call('GET', `${base}/items/category-trees`, customer)).status, 200)
    // Items across segments are a storefront question whoever asks: an operator's read of them goes there too.
    assert.ok(!ids(await call('GET', `${base}/items`, operator)).includes('p2'))

    await sleep(1_100)
    const pausedLag = await metric('segments_database_replica_lag_seconds')
    assert.ok(pausedLag !== undefined && pausedLag >= 1, `the lag metric shows the paused replay (${pausedLag} s)`)
    assert.equal(await metric('segments_database_replica_up'), 1)
    assert.ok(((await metric('segments_database_pool_connections{pool="replica"}')) ?? 0) >= 1, 'the replica pool is reported')

    await replicaAdmin?.query('select pg_wal_replay_resume()')
    const resumedAt = performance.now()
    const caughtUp = await waitFor(
      'the storefront to show the writes made while replay was paused',
      // Replay applies the writes in their order: once the first read of the three (the items) shows the
      // last write (p3), the two after it must show every write. Waiting on a later read alone would let
      // the items have been read a moment before replay reached them.
      async () => {
        const now = await storefront()
        return ids(now.items).includes('p3') ? now : undefined
      },
      10_000,
      5,
    )
    t.diagnostic(`storefront shows the paused writes ${(performance.now() - resumedAt).toFixed(0)} ms after replay resumed`)
    assert.deepEqual(ids(caughtUp.items).filter((id) => !id.startsWith('lag')), ['p1', 'p2', 'p3'])
    assert.deepEqual(ids(caughtUp.segments), ['gold', 'silver'])
    assert.deepEqual(caughtUp.match.body, [{ id: 'p1' }, { id: 'p2' }, { id: 'p3' }])
    await waitFor('the lag metric back to 0', async () => (await metric('segments_database_replica_lag_seconds')) === 0, 5_000)
  })

  it('answers 503 with Retry-After to a storefront read cancelled by a recovery conflict, without taking the replica for down', { timeout: 60_000 }, async () => {
    // The read must still be running on the replica when replay needs a lock it holds. The primary's open
    // transaction locks directory_category (ACCESS EXCLUSIVE); once replay holds that lock, `match` waits for
    // it on the replica while holding the tables its statement locks first, segment among them (first
    // parse or prepared statement alike). The same transaction then locks segment: replay's lock conflicts
    // with the waiting read, and with max_standby_streaming_delay = 0 the replica cancels the read at once.
    const locker = new pg.Client({ connectionString: primaryUrl })
    const flusher = new pg.Client({ connectionString: primaryUrl })
    const reader = new pg.Client({ connectionString: replicaUrl, application_name: 'css-test' })
    for (const client of [locker, flusher, reader]) {
      client.on('error', () => {})
      await client.connect()
    }
    const logFile = `/var/log/postgresql/postgresql-${VERSION}-${replicaName}.log`
    const replicaLogBefore = existsSync(logFile) ? (await readFile(logFile, 'utf8')).length : 0
    try {
      await replicaAdmin?.query('alter system set max_standby_streaming_delay = 0')
      await replicaAdmin?.query('select pg_reload_conf()')
      await waitFor('the replica to cancel conflicting reads at once', async () => {
        const client = new pg.Client({ connectionString: replicaUrl })
        await client.connect()
        try {
          return (await client.query('show max_standby_streaming_delay')).rows[0].max_standby_streaming_delay === '0'
        } finally {
          await client.end()
        }
      }, 5_000)

      await locker.query('begin')
      await locker.query('lock table directory_category in access exclusive mode')
      // The lock's WAL record reaches the replica with the next flush: a commit that wrote WAL (a commit
      // that only took a transaction id, like txid_current()'s, is not flushed at once).
      await flusher.query(`select pg_logical_emit_message(true, 'css-test', 'flush')`)
      await waitFor(
        'replay to hold the lock on the replica',
        async () =>
          (await replicaAdmin?.query(`select 1 from pg_locks where granted and mode = 'AccessExclusiveLock' and relation = 'directory_category'::regclass`))?.rowCount === 1,
        10_000,
      )
      // A read of the test's own, caught the same way, shows the error the replica answers.
      const direct: Promise<unknown> = reader.query('select count(*) from segment s, directory_category c').then(
        () => undefined,
        (error: unknown) => error,
      )
      const answer = call('POST', `${base}/match`, customer, { siteCode: 'main', items: [{ id: 'p1' }], segmentIds: ['gold'] })
      answer.catch(() => {}) // awaited below
      await waitFor(
        'both reads to wait for directory_category on the replica',
        async () =>
          (
            await replicaAdmin?.query(
              `select a.application_name from pg_locks l join pg_stat_activity a using (pid)
               where not l.granted and l.relation = 'directory_category'::regclass order by 1`,
            )
          )?.rows.map((row: { application_name: string }) => row.application_name).join() === 'css-test,customer-segment-service',
        5_000,
      )
      await locker.query('lock table segment in access exclusive mode')
      await locker.query('commit')

      const error = (await direct) as pg.DatabaseError
      assert.ok(error instanceof Error, 'the replica cancelled the direct read')
      assert.equal(error.message, 'canceling statement due to conflict with recovery')
      assert.equal(error.code, '40001')
      assert.equal(error.detail, 'User was holding a relation lock for too long.')
      assert.ok(isRetryableConflict(error) && !isUnreachable(error), 'a race, not an outage')

      const conflict = await answer
      assert.equal(conflict.status, 503, JSON.stringify(conflict.body))
      assert.equal(conflict.retryAfter, '5')
      assert.equal(conflict.body.code, 503)
      assert.equal(conflict.body.status, 'Service Unavailable')
      assert.equal(typeof conflict.body.message, 'string')
      assert.equal(conflict.body.details?.type, 'database_conflict')
      // The replica logs both cancellations: the test's read and the service's.
      const replicaLog = (await readFile(logFile, 'utf8')).slice(replicaLogBefore)
      assert.equal(replicaLog.match(/ERROR:  canceling statement due to conflict with recovery.*\n.*DETAIL:  User was holding a relation lock for too long\./g)?.length, 2, replicaLog)

      // The replica is up: no outage, and the next read answers.
      assert.equal(await metric('segments_database_replica_up'), 1)
      assert.ok(((await metric('segments_database_errors_total{kind="conflict"}')) ?? 0) >= 1, 'counted as a conflict')
      assert.deepEqual(await (await fetch(`${serve?.url}/ready`)).json(), { status: 'ready', replica: 'reachable' })
      const next = await call('POST', `${base}/match`, customer, { siteCode: 'main', items: [{ id: 'p1' }], segmentIds: ['gold'] })
      assert.equal(next.status, 200)
      assert.deepEqual(next.body, [{ id: 'p1' }])
      assert.equal(serve?.logged('read replica unreachable').length, 0)
      assert.equal(serve?.logged('unhandled error').length, 0)
    } finally {
      await locker.query('rollback').catch(() => {})
      await locker.end().catch(() => {})
      await flusher.end().catch(() => {})
      await reader.end().catch(() => {})
      await replicaAdmin?.query('alter system reset max_standby_streaming_delay').catch(() => {})
      await replicaAdmin?.query('select pg_reload_conf()').catch(() => {})
    }
  })

  it('answers 503 with Retry-After on storefront reads while the replica is down; everything else goes on', { timeout: 60_000 }, async () => {
    await ctl(replicaName, 'stop', '-m', 'fast')
    const down = await storefront()
    for (const answer of [down.items, down.segments, down.match]) {
      assert.equal(answer.status, 503, JSON.stringify(answer.body))
      assert.equal(answer.retryAfter, '5')
      assert.equal(answer.body.code, 503)
      assert.equal(answer.body.status, 'Service Unavailable')
    }
    // Writes and operators' reads use the primary.
    assert.equal((await call('PUT', `${base}/gold/items/PRODUCT/p4`, operator, {})).status, 201)
    assert.equal((await call('GET', `${base}/gold/items/PRODUCT/p4`, operator)).status, 200)
    assert.deepEqual(ids(await call('GET', base, operator)), ['gold', 'silver'])
    // Readiness is the primary's; the body says the replica is away.
    const ready = await fetch(`${serve?.url}/ready`)
    assert.equal(ready.status, 200)
    assert.deepEqual(await ready.json(), { status: 'ready', replica: 'unreachable' })
    await waitFor('the replica metric to say it is down', async () => (await metric('segments_database_replica_up')) === 0, 5_000)
    assert.ok(Number.isNaN(await metric('segments_database_replica_lag_seconds')))

    await ctl(replicaName, 'start')
    const back = await waitFor(
      'storefront reads answering again, with the write made meanwhile',
      async () => {
        const now = await storefront()
        return now.items.status === 200 && ids(now.items).includes('p4') ? now : undefined
      },
      20_000,
      100,
    )
    assert.equal(back.segments.status, 200)
    assert.deepEqual(back.match.body, [{ id: 'p1' }, { id: 'p2' }, { id: 'p3' }, { id: 'p4' }])
    await waitFor('ready with the replica', async () => ((await (await fetch(`${serve?.url}/ready`)).json()) as { replica?: string }).replica === 'reachable', 10_000)
    await waitFor('the replica outage logged as over', () => serve?.logged('read replica reachable again').length === 1, 10_000)
    assert.equal(serve?.logged('read replica unreachable').length, 1)
    assert.equal(serve?.logged('database unreachable').length, 0, 'the primary was never taken for away')
    assert.deepEqual(serve?.logs.filter((line) => line.level >= 50), [], 'nothing logged at error level')
  })
})

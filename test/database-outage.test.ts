/**
 * Staying up through database outages, on PostgreSQL: `segments serve` (with its delivery worker) and a
 * `segments worker`, each a process of its own, under a steady load of changes through the API while the
 * database goes away:
 * - behind a fault-injecting TCP proxy that drops every connection and refuses new ones for 10 s;
 * - on a PostgreSQL cluster of the test's own, restarted (fast, then immediate), where the machine can
 *   create one (pg_createcluster, run as root).
 * Each time: no process exits; during the outage the API answers 503 in the error format with
 * `Retry-After` (never a 500) and `/ready` answers 503; it answers normally again by itself soon after;
 * every committed event reaches the receiver; duplicates are counted and stay rare; and each process
 * logs the outage once and the return once, no errors.
 * And in process: a database that stops taking connections (a maintenance window) is an outage too, 503.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import pg from 'pg'
import { mintToken } from '../src/auth/mint-token.js'
import { type Database, openDatabase } from '../src/db/database.js'
import { configureWebhook, type Receiver, sleep, startReceiver, subscribe, waitFor } from './support/delivery-helpers.js'
import { startFaultProxy } from './support/fault-proxy.js'
import { ALL_SCOPES, freshPostgresDatabase, startTestApp, TEST_SECRET } from './support/harness.js'
import { type ServiceProcess, startService } from './support/service-process.js'

const run = promisify(execFile)
const CREATED = 'customer-segment.segment-created'
const TENANT = 'outage'
const postgres = process.env.DATABASE_URL
const needsPostgres = !postgres && 'needs PostgreSQL: set DATABASE_URL'

/** What the API answered while a load ran. */
interface Answer {
  at: number
  status: number
  retryAfter: string | null
  body: string
}

/** Creates segments through the API from four clients, each one request after another with a short pause, until stopped. */
function startLoad(url: string, token: string) {
  const answers: Answer[] = []
  let running = true
  let made = 0
  const client = async () => {
    while (running) {
      const id = `s${made++}`
      let answer: Answer
      try {
        const res = await fetch(`${url}/customer-segment/${TENANT}/segments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ id, name: { en: id }, siteCode: 'main' }),
        })
        answer = { at: Date.now(), status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() }
      } catch (error) {
        answer = { at: Date.now(), status: 0, retryAfter: null, body: String(error) }
      }
      answers.push(answer)
      await sleep(25)
    }
  }
  const clients = Promise.all([client(), client(), client(), client()])
  return {
    answers,
    async stop() {
      running = false
      await clients
    },
  }
}

/** The service's two processes on `serviceUrl`, and what the test reads and checks around them. */
async function startStack(directUrl: string, serviceUrl: string, receiver: Receiver) {
  const env = {
    DATABASE_URL: serviceUrl,
    AUTH_SECRET: TEST_SECRET,
    DELIVERY_ALLOW_PRIVATE: 'true',
    DATABASE_ACQUIRE_TIMEOUT_MS: '2000',
  }
  const serve = await startService('serve', env)
  const worker = await startService('worker', env)
  const database = await openDatabase({ engine: 'postgres', url: directUrl, poolSize: 2 })
  await configureWebhook(database.db, TENANT, { destinationUrl: `${receiver.url}/events` })
  await subscribe(database.db, TENANT, [CREATED])
  const token = await mintToken(new TextEncoder().encode(TEST_SECRET), { tenant: TENANT, scopes: ALL_SCOPES, ttl: '1h' })
  return { serve, worker, database, url: serve.url as string, token }
}

/** Waits until the API creates segments again after an outage that ended at `endedAt`; returns how long that took. */
async function recoveryMs(answers: Answer[], endedAt: number): Promise<number> {
  const first = await waitFor('the API to answer 201 again', () => answers.find((a) => a.at > endedAt && a.status === 201), 20_000)
  return first.at - endedAt
}

/** Every event in the outbox has reached the receiver at least once; returns the duplicates. */
async function assertAllDelivered(database: Database, receiver: Receiver): Promise<{ events: number; duplicates: number }> {
  const { rows } = await sql<{ id: string }>`select id from outbox_event where tenant = ${TENANT}`.execute(database.db)
  const ids = rows.map((row) => row.id)
  await waitFor(
    'every event at the receiver',
    () => {
      const seen = new Set(receiver.requests.map((r) => r.headers['webhook-id']))
      return ids.every((id) => seen.has(id))
    },
    60_000,
  )
  const received = receiver.requests.filter((r) => ids.includes(r.headers['webhook-id'] as string))
  return { events: ids.length, duplicates: received.length - new Set(received.map((r) => r.headers['webhook-id'])).size }
}

/** The process logged as many returns of the database as outages. */
const pastOutage = (process: ServiceProcess) => process.logged('database reachable again').length === process.logged('database unreachable').length

/** During an outage: 503s in the error format with Retry-After; never a 500 or another 5xx. */
function assertOutageAnswers(answers: Answer[], from: number, to: number, { require503 }: { require503: boolean }): void {
  const during = answers.filter((a) => a.at >= from && a.at <= to)
  const unavailable = during.filter((a) => a.status === 503)
  if (require503) assert.ok(unavailable.length > 0, 'the API answered 503 during the outage')
  for (const answer of unavailable) {
    assert.equal(answer.retryAfter, '5')
    const body = JSON.parse(answer.body)
    assert.equal(body.code, 503)
    assert.equal(body.status, 'Service Unavailable')
    assert.match(body.message, /database/)
  }
  const bad = answers.filter((a) => a.status === 0 || (a.status >= 500 && a.status !== 503))
  assert.deepEqual(bad, [], 'no connection refused, no 500')
}

/**
 * Each process is running, logged each outage once (`outages` of them, or at most that many when a short
 * one may pass unnoticed) and each return once, and nothing at error level.
 */
function assertLoggedOnce(processes: ServiceProcess[], outages: number, { exact }: { exact: boolean }): void {
  for (const process of processes) {
    assert.ok(process.alive(), `the process is still running: ${process.stderr()} ${JSON.stringify(process.logs.slice(-5))}`)
    const unreachable = process.logged('database unreachable').length
    if (exact) assert.equal(unreachable, outages, JSON.stringify(process.logged('database')))
    else assert.ok(unreachable >= 1 && unreachable <= outages, JSON.stringify(process.logged('database')))
    assert.equal(process.logged('database reachable again').length, unreachable)
    const errors = process.logs.filter((line) => line.level >= 50)
    assert.deepEqual(errors, [], 'nothing logged at error level')
  }
}

describe('an outage behind a proxy that cuts every connection (PostgreSQL)', { skip: needsPostgres }, () => {
  let receiver: Receiver
  let drop: () => Promise<void>
  let directUrl: string
  before(async () => {
    receiver = await startReceiver()
    ;({ url: directUrl, drop } = await freshPostgresDatabase())
  })
  after(async () => {
    await receiver?.close()
    await drop?.()
  })

  it('keeps both processes up, answers 503 meanwhile, recovers by itself and delivers every event', { timeout: 120_000 }, async (t) => {
    const target = new URL(directUrl)
    const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) })
    const stack = await startStack(directUrl, proxy.url(directUrl), receiver)
    const load = startLoad(stack.url, stack.token)
    try {
      await waitFor('deliveries under load', () => receiver.requests.length >= 20, 20_000)
      const cutAt = Date.now()
      await proxy.cut()
      await sleep(3_000)
      const ready = await fetch(`${stack.url}/ready`)
      assert.equal(ready.status, 503, 'not ready while the database is away')
      assert.equal((await fetch(`${stack.url}/health`)).status, 200, 'alive all the same')
      await sleep(7_000)
      const restoredAt = Date.now()
      await proxy.restore()
      const recovered = await recoveryMs(load.answers, restoredAt)
      await sleep(2_000)
      await load.stop()
      assertOutageAnswers(load.answers, cutAt, restoredAt, { require503: true })
      assert.ok(recovered < 10_000, `answered 201 again ${recovered} ms after the database came back`)
      assert.equal((await fetch(`${stack.url}/ready`)).status, 200)
      const drainFrom = Date.now()
      const { events, duplicates } = await assertAllDelivered(stack.database, receiver)
      t.diagnostic(`${events} events, ${duplicates} duplicates, 201 again ${recovered} ms after the cut ended, all delivered ${Date.now() - drainFrom} ms after the load stopped`)
      assert.ok(events > 100, `a real load (${events} events)`)
      assert.ok(duplicates <= Math.max(3, events / 100), `${duplicates} duplicates for ${events} events`)
      // A process with nothing to do learns of the return at its next probe, within a couple of seconds.
      await waitFor('both processes past the outage', () => [stack.serve, stack.worker].every(pastOutage), 10_000)
      assertLoggedOnce([stack.serve, stack.worker], 1, { exact: true })
    } finally {
      await load.stop()
      assert.deepEqual(await Promise.all([stack.serve.stop(), stack.worker.stop()]), [0, 0], 'both stop cleanly on SIGTERM')
      await stack.database.close()
      await proxy.close()
    }
  })
})

describe('a PostgreSQL that is not up yet at start (PostgreSQL)', { skip: needsPostgres }, () => {
  it('is waited for: serve starts once it accepts connections, having said once what it waits for', { timeout: 60_000 }, async () => {
    const { url, drop } = await freshPostgresDatabase()
    const target = new URL(url)
    const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) })
    await proxy.cut()
    try {
      // PostgreSQL comes up once the service has found it down and said so (however long its start takes).
      let sawWait: () => void = () => {}
      const waiting = new Promise<void>((resolve) => {
        sawWait = resolve
      })
      const env = { DATABASE_URL: proxy.url(url), AUTH_SECRET: TEST_SECRET, DATABASE_START_TIMEOUT_MS: '30000' }
      const starting = startService('serve', env, 40_000, (line) => {
        if (line.msg.startsWith('waiting for PostgreSQL')) sawWait()
      })
      await Promise.race([waiting, starting])
      await sleep(1_000)
      await proxy.restore()
      const serve = await starting
      try {
        assert.equal((await fetch(`${serve.url}/ready`)).status, 200)
        const waited = serve.logged('waiting for PostgreSQL')
        assert.equal(waited.length, 1)
        assert.equal(waited[0].code, 'ECONNREFUSED')
        assert.equal(serve.logged('PostgreSQL accepts connections').length, 1)
      } finally {
        assert.equal(await serve.stop(), 0)
      }
    } finally {
      await proxy.close()
      await drop()
    }
  })
})

const VERSION = '15'
const clusterSkip =
  needsPostgres ||
  (!existsSync('/usr/bin/pg_createcluster') && 'needs pg_createcluster (Debian postgresql-common)') ||
  (process.getuid?.() !== 0 && 'pg_createcluster needs root') ||
  (!existsSync(`/usr/lib/postgresql/${VERSION}/bin/postgres`) && `needs PostgreSQL ${VERSION} server binaries`)

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('a PostgreSQL cluster of its own, restarted under load', { skip: clusterSkip }, () => {
  const name = `css_${randomBytes(4).toString('hex')}`
  let port: number
  let receiver: Receiver
  const ctl = (...args: string[]) => run('pg_ctlcluster', ['--skip-systemctl-redirect', VERSION, name, ...args])
  before(async () => {
    port = await freePort()
    await run('pg_createcluster', [VERSION, name, '-p', String(port), '--start', '--', '--auth=trust'])
    receiver = await startReceiver()
  })
  after(async () => {
    await receiver?.close()
    await run('pg_dropcluster', [VERSION, name, '--stop']).catch(() => {})
  })

  it('survives a fast and an immediate restart: no exit, recovery by itself, every event delivered', { timeout: 150_000 }, async (t) => {
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`
    const stack = await startStack(url, url, receiver)
    const load = startLoad(stack.url, stack.token)
    try {
      await waitFor('deliveries under load', () => receiver.requests.length >= 20, 20_000)
      for (const [round, mode] of ['fast', 'immediate'].entries()) {
        const from = Date.now()
        await ctl('restart', '-m', mode)
        const restartedAt = Date.now()
        const recovered = await recoveryMs(load.answers, restartedAt)
        assert.ok(recovered < 10_000, `${mode}: answered 201 again ${recovered} ms after the restart`)
        t.diagnostic(`${mode} restart took ${restartedAt - from} ms; 201 again ${recovered} ms after it`)
        assertOutageAnswers(load.answers, from, restartedAt, { require503: false })
        await waitFor(`${mode}: both processes past the outage`, () => [stack.serve, stack.worker].every(pastOutage), 20_000)
        assert.ok(stack.serve.logged('database unreachable').length >= round + 1, `${mode}: the API process noticed the restart`)
        await sleep(1_000)
      }
      await load.stop()
      const drainFrom = Date.now()
      const { events, duplicates } = await assertAllDelivered(stack.database, receiver)
      t.diagnostic(`${events} events, ${duplicates} duplicates, all delivered ${Date.now() - drainFrom} ms after the load stopped`)
      assert.ok(events > 100, `a real load (${events} events)`)
      assert.ok(duplicates <= Math.max(3, events / 100), `${duplicates} duplicates for ${events} events`)
      assertLoggedOnce([stack.serve, stack.worker], 2, { exact: false })
    } finally {
      await load.stop()
      assert.deepEqual(await Promise.all([stack.serve.stop(), stack.worker.stop()]), [0, 0], 'both stop cleanly on SIGTERM')
      await stack.database.close()
    }
  })
})

describe('a database that refuses new connections (PostgreSQL)', { skip: needsPostgres }, () => {
  it('answers 503 in the error format, not 500, and answers again once it takes connections', { timeout: 30_000 }, async () => {
    const t = await startTestApp('postgres')
    const name = new URL(t.databaseUrl as string).pathname.slice(1)
    const admin = new pg.Client({ connectionString: postgres })
    await admin.connect()
    const token = await mintToken(new TextEncoder().encode(TEST_SECRET), { tenant: TENANT, scopes: ALL_SCOPES, ttl: '5m' })
    const read = (url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
    const urls = [`/customer-segment/${TENANT}/segments`, `/customer-segment/${TENANT}/segments/items`]
    try {
      for (const url of urls) assert.equal((await read(url)).statusCode, 200)
      // What a maintenance window does: the database stops taking connections, and those open are ended.
      await admin.query(`alter database ${name} allow_connections false`)
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name])
      for (const url of urls) {
        const res = await read(url)
        assert.equal(res.statusCode, 503, res.body)
        assert.equal(res.json().code, 503)
        assert.ok(res.headers['retry-after'], 'Retry-After')
      }
      await admin.query(`alter database ${name} allow_connections true`)
      for (const url of urls) await waitFor(`${url} answering again`, async () => (await read(url)).statusCode === 200, 15_000)
    } finally {
      await admin.query(`alter database ${name} allow_connections true`)
      await admin.end()
      await t.close()
    }
  })
})

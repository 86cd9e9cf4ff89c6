/**
 * Delivery across processes, on PostgreSQL only (`segments worker` processes share a database; PGlite
 * belongs to one process): a worker killed with SIGKILL in the middle of its deliveries loses nothing
 * once a worker runs again (duplicates carry the same webhook-id and body), and two workers share the
 * load without delivering anything twice. Changes are made through the API in this process.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { configureWebhook, deliveriesOf, type Receiver, sleep, startReceiver, subscribe, waitFor } from './support/delivery-helpers.js'
import { CLI, ROOT } from './support/cli-path.js'
import { startTestApp, TEST_SECRET, type TestApp } from './support/harness.js'
import { freshTenant, tenantClient, type TenantClient } from './support/segment-helpers.js'

const SEGMENT_CREATED = 'customer-segment.segment-created'
const skip = process.env.DATABASE_URL ? false : 'needs PostgreSQL: set DATABASE_URL (worker processes cannot share an in-memory PGlite)'

interface WorkerProcess {
  child: ChildProcess
  workerId: string
  /** Resolves with the exit code (or signal). */
  exited: Promise<number | string>
}

/** Spawns `segments worker` and waits until it says it is ready. */
async function spawnWorker(databaseUrl: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [...CLI, 'worker'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: TEST_SECRET,
      DELIVERY_ALLOW_PRIVATE: 'true',
      DELIVERY_CONCURRENCY: '16',
      DELIVERY_TARGET_CONCURRENCY: '4',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string)
  const stderr: string[] = []
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()))
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const ready = new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line)
        if (entry.msg === 'delivery worker ready') resolve(entry.workerId)
      } catch {
        // not a log line
      }
    })
    exited.then((code) => reject(new Error(`worker exited (${code}) before it was ready: ${stderr.join('')}`)))
  })
  const timeout = sleep(20_000).then(() => {
    throw new Error('worker not ready within 20 s')
  })
  const workerId = await Promise.race([ready, timeout])
  return { child, workerId, exited }
}

describe('delivery across worker processes (PostgreSQL)', { skip }, () => {
  let t: TestApp
  let receiver: Receiver
  const workers: WorkerProcess[] = []

  before(async () => {
    t = await startTestApp('postgres')
    receiver = await startReceiver()
  })
  after(async () => {
    for (const { child } of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await Promise.all(workers.map((w) => w.exited))
    await t?.close()
    await receiver?.close()
  })

  async function tenantWithWebhook(prefix: string, path: string): Promise<TenantClient> {
    const c = await tenantClient(t, freshTenant(prefix))
    await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}${path}` })
    await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
    return c
  }

  /** Creates `count` segments through the bulk API, 50 per request; returns their event ids. */
  async function createSegments(c: TenantClient, count: number): Promise<void> {
    for (let done = 0; done < count; done += 50) {
      const batch = Array.from({ length: Math.min(50, count - done) }, () => ({ name: { en: 'Segment' }, siteCode: 'main' }))
      const res = await c.call({ method: 'POST', url: c.url('/bulk'), payload: batch })
      assert.equal(res.statusCode, 207, res.body)
    }
  }

  it('a worker killed with SIGKILL mid-deliveries loses nothing after a restart', { timeout: 60_000 }, async () => {
    const path = '/killed'
    const c = await tenantWithWebhook('killed', path)
    receiver.reply = () => ({ delayMs: 50 })
    const first = await spawnWorker(t.databaseUrl as string)
    workers.push(first)
    await createSegments(c, 150)
    const ids = (await c.events()).map((event) => event.id)
    assert.equal(ids.length, 150)
    await waitFor('some deliveries', () => receiver.to(path).length >= 20, 15_000)
    first.child.kill('SIGKILL')
    assert.equal(await first.exited, 'SIGKILL')
    const before = await deliveriesOf(t.database.db, c.tenant)
    const strandedRows = before.filter((row) => row.state === 'pending' && row.locked_by === first.workerId)
    const stranded = strandedRows.length
    assert.ok(stranded > 0, 'the worker was killed holding claims')
    assert.ok(before.filter((row) => row.state === 'delivered').length < 150, 'the worker was killed before it had delivered everything')

    // A dead worker's rows come back when their 60 s lease runs out; here the clock is moved instead.
    await sql`update delivery set next_attempt_at = now() where state = 'pending' and locked_by is not null`.execute(t.database.db)
    const second = await spawnWorker(t.databaseUrl as string)
    workers.push(second)
    await waitFor('every event after the restart', () => new Set(receiver.to(path).map((r) => r.headers['webhook-id'])).size === 150, 30_000)

    const bodies = new Map<string, string>()
    for (const request of receiver.to(path)) {
      const id = request.headers['webhook-id'] as string
      assert.ok(ids.includes(id), `unknown webhook-id ${id}`)
      const seen = bodies.get(id)
      if (seen !== undefined) assert.equal(request.body, seen, 'a duplicate carries the same body')
      bodies.set(id, request.body)
    }
    await waitFor('every delivery recorded', async () => (await deliveriesOf(t.database.db, c.tenant)).every((row) => row.state === 'delivered'), 10_000)
    const duplicates = receiver.to(path).length - 150
    assert.ok(duplicates <= stranded + 16, `${duplicates} duplicates for ${stranded} stranded rows`)

    // Each attempt the killed worker was making is in the log, its outcome unknown, before the redelivery.
    for (const row of strandedRows) {
      const attempts = await t.database.db.selectFrom('delivery_attempt').selectAll().where('delivery_id', '=', row.id).orderBy('attempt').execute()
      assert.equal(attempts[0].attempt, row.attempts)
      assert.equal(attempts[0].duration_ms, null)
      assert.equal(attempts[0].error, `outcome unknown: worker ${first.workerId} did not report this attempt before its lease ran out`)
      assert.equal(attempts.at(-1)?.status, 204)
    }

    second.child.kill('SIGTERM')
    assert.equal(await second.exited, 0, 'SIGTERM shuts the worker down cleanly')
  })

  it('two workers share the load without delivering anything twice', { timeout: 60_000 }, async () => {
    const path = '/shared'
    const c = await tenantWithWebhook('shared', path)
    receiver.reply = () => ({ delayMs: 10 })
    const pair = await Promise.all([spawnWorker(t.databaseUrl as string), spawnWorker(t.databaseUrl as string)])
    workers.push(...pair)
    const lockers = new Set<string>()
    let watching = true
    const watch = (async () => {
      while (watching) {
        const rows = await sql<{ locked_by: string }>`select distinct locked_by from delivery where locked_by is not null`.execute(t.database.db)
        for (const row of rows.rows) lockers.add(row.locked_by)
        await sleep(10)
      }
    })()
    try {
      await createSegments(c, 200)
      await waitFor('every event', () => receiver.to(path).length >= 200, 30_000)
      await sleep(300)
    } finally {
      watching = false
      await watch
    }
    const ids = receiver.to(path).map((r) => r.headers['webhook-id'] as string)
    assert.equal(ids.length, 200, 'each event exactly once')
    assert.equal(new Set(ids).size, 200)
    for (const worker of pair) assert.ok(lockers.has(worker.workerId), `worker ${worker.workerId} took part (saw ${[...lockers].join(', ')})`)
    const attempts = await t.database.db
      .selectFrom('delivery_attempt')
      .innerJoin('delivery', 'delivery.id', 'delivery_attempt.delivery_id')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('delivery.tenant', '=', c.tenant)
      .executeTakeFirstOrThrow()
    assert.equal(Number(attempts.n), 200, 'one attempt per delivery')
    for (const worker of pair) worker.child.kill('SIGTERM')
    assert.deepEqual(await Promise.all(pair.map((w) => w.exited)), [0, 0])
  })
})

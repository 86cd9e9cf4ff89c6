/**
 * The order in which a manual assignment write takes its locks, watched from other connections: first the
 * segment's membership lock (an advisory lock, rule-locks.ts), then the segment's row, both in one
 * statement. Every transaction takes advisory locks before row locks, which is what keeps rule
 * evaluation, directory writes and manual writes free of deadlocks; this checks that PostgreSQL's plan of
 * that one statement keeps the order.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { customerPath, segment } from './support/assignment-helpers.js'
import { waitFor } from './support/delivery-helpers.js'
import { startTestApp, type TestApp } from './support/harness.js'
import { freshTenant, tenantClient } from './support/segment-helpers.js'

const postgres = Boolean(process.env.DATABASE_URL)

describe('the locks of a manual assignment write (PostgreSQL)', { skip: !postgres && 'needs PostgreSQL: set DATABASE_URL (the embedded engine runs one transaction at a time, so nothing waits there)' }, () => {
  let t: TestApp
  const clients: pg.Client[] = []
  before(async () => {
    t = await startTestApp('postgres')
  })
  after(async () => {
    await Promise.all(clients.map((client) => client.end()))
    await t.close()
  })

  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: t.databaseUrl })
    await client.connect()
    clients.push(client)
    return client
  }

  /** Backends of this database waiting for a lock of `locktype`. */
  async function waitingFor(probe: pg.Client, locktype: 'advisory' | 'tuple' | 'transactionid'): Promise<number> {
    const { rows } = await probe.query<{ n: number }>(
      `select count(*)::int as n from pg_locks l join pg_stat_activity a using (pid)
       where a.datname = current_database() and not l.granted and l.locktype = $1`,
      [locktype],
    )
    return rows[0].n
  }

  it('waits for the membership lock without holding the segment row, and holds the membership lock while it waits for the row', { timeout: 30_000 }, async () => {
    const c = await tenantClient(t, freshTenant('lockorder'))
    await segment(c, 'gold')
    const [holder, probe] = [await connect(), await connect()]

    // Someone holds the membership lock (as a chunk of a rule evaluation does): the write waits for it…
    await holder.query('begin')
    await holder.query('select pg_advisory_xact_lock(hashtext($1::text), hashtext($2::text))', [c.tenant, 'gold'])
    const first = c.call({ method: 'PUT', url: c.url(customerPath('gold', 'ada')), payload: {} })
    await waitFor('the write to wait for the membership lock', async () => (await waitingFor(probe, 'advisory')) === 1)
    // …and has not locked the segment row meanwhile: a segment update could take it at once.
    await probe.query('begin')
    const row = await probe.query('select id from segment where tenant = $1 and id = $2 for update nowait', [c.tenant, 'gold'])
    assert.equal(row.rowCount, 1)
    await probe.query('rollback')
    await holder.query('commit')
    assert.equal((await first).statusCode, 201)

    // Someone holds the segment row (as a segment update does): the write waits for it holding the membership lock.
    await holder.query('begin')
    await holder.query('select id from segment where tenant = $1 and id = $2 for update', [c.tenant, 'gold'])
    const second = c.call({ method: 'PUT', url: c.url(customerPath('gold', 'bob')), payload: {} })
    await waitFor('the write to wait for the segment row', async () => (await waitingFor(probe, 'transactionid')) + (await waitingFor(probe, 'tuple')) >= 1)
    const taken = await probe.query('select pg_try_advisory_lock(hashtext($1::text), hashtext($2::text)) as taken', [c.tenant, 'gold'])
    assert.equal(taken.rows[0].taken, false, 'the waiting write holds the membership lock')
    await holder.query('commit')
    assert.equal((await second).statusCode, 201)

    const assigned = await t.database.db.selectFrom('customer_assignment').select('customer_id').where('tenant', '=', c.tenant).orderBy('customer_id').execute()
    assert.deepEqual(assigned.map((r) => r.customer_id), ['ada', 'bob'])
  })

  it('reads the assignment that a write it waited for committed, though it sends its reads with the lock', { timeout: 30_000 }, async () => {
    const c = await tenantClient(t, freshTenant('lockorder'))
    await segment(c, 'gold')
    const [holder, probe] = [await connect(), await connect()]

    // Another write of the segment holds the membership lock and creates ada's assignment meanwhile…
    await holder.query('begin')
    await holder.query('select pg_advisory_xact_lock(hashtext($1::text), hashtext($2::text))', [c.tenant, 'gold'])
    await holder.query(
      `insert into customer_assignment (tenant, segment_id, customer_id, assignment_type, mixins, version, created_at, modified_at)
       values ($1, 'gold', 'ada', 'MANUAL', '{"tier":"gold"}', 1, now(), now())`,
      [c.tenant],
    )
    const put = c.call({ method: 'PUT', url: c.url(customerPath('gold', 'ada')), payload: { mixins: { tier: 'gold' } } })
    await waitFor('the write to wait for the membership lock', async () => (await waitingFor(probe, 'advisory')) === 1)
    await holder.query('commit')

    // …so this write finds it: the same content, nothing to change (a read from before the lock would
    // have found no row and created it a second time: 201, a created event).
    assert.equal((await put).statusCode, 204)
    const rows = await t.database.db.selectFrom('customer_assignment').select(['customer_id', 'version']).where('tenant', '=', c.tenant).execute()
    assert.deepEqual(rows, [{ customer_id: 'ada', version: 1 }])
    const events = await t.database.db.selectFrom('outbox_event').select('type').where('tenant', '=', c.tenant).where('type', 'like', '%assignment%').execute()
    assert.deepEqual(events, [])
  })

  it('answers 404 for a segment that does not exist, and writes nothing', { timeout: 30_000 }, async () => {
    const c = await tenantClient(t, freshTenant('lockorder'))
    const res = await c.call({ method: 'PUT', url: c.url(customerPath('nowhere', 'ada')), payload: {} })
    assert.equal(res.statusCode, 404)
    const rows = await t.database.db.selectFrom('customer_assignment').select('customer_id').where('tenant', '=', c.tenant).execute()
    assert.deepEqual(rows, [])
    const events = await t.database.db.selectFrom('outbox_event').select('sequence').where('tenant', '=', c.tenant).execute()
    assert.deepEqual(events, [])
  })
})

/**
 * The PostgreSQL pool's transactions, counted in round trips by a proxy in front of the database: a BEGIN
 * goes out with the first statement behind it, statements sent together (send-together.ts) go out at once,
 * and neither changes what the statements see or what a failure undoes.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { alwaysReachable } from '../src/db/availability.js'
import { type Database, openDatabase } from '../src/db/database.js'
import { sendTogether } from '../src/db/send-together.js'
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.js'

const databaseUrl = process.env.DATABASE_URL

describe('transactions of the PostgreSQL pool', { skip: !databaseUrl && 'needs PostgreSQL: set DATABASE_URL (the embedded engine has no connection to count round trips on)' }, () => {
  let proxy: FaultProxy
  let database: Database
  before(async () => {
    const url = new URL(databaseUrl as string)
    proxy = await startFaultProxy({ host: url.hostname, port: Number(url.port || 5432) })
    // One connection, so that a temporary table is there for every statement.
    database = await openDatabase({ engine: 'postgres', url: proxy.url(databaseUrl as string), poolSize: 1, availability: alwaysReachable })
    await sql`create temporary table pool_test (id int primary key)`.execute(database.db)
  })
  after(async () => {
    await database?.close()
    await proxy?.close()
  })

  /** The round trips `run` makes. */
  async function roundTrips(run: () => Promise<unknown>): Promise<number> {
    const before = proxy.roundTrips()
    await run()
    return proxy.roundTrips() - before
  }

  it('sends BEGIN with the first statement: a transaction of one statement is two round trips', async () => {
    const trips = await roundTrips(() => database.db.transaction().execute((tx) => sql`insert into pool_test values (1)`.execute(tx)))
    assert.equal(trips, 2)
    const { rows } = await sql<{ id: number }>`select id from pool_test`.execute(database.db)
    assert.deepEqual(rows, [{ id: 1 }])
  })

  it('sends statements sent together at once, each seeing what the one before it did', async () => {
    let seen: unknown
    const trips = await roundTrips(() =>
      database.db.transaction().execute(async (tx) => {
        seen = await sendTogether(tx, [
          sql`insert into pool_test values (2)`.compile(tx),
          undefined,
          sql<{ n: number }>`select count(*)::int as n from pool_test`.compile(tx),
        ])
      }),
    )
    assert.equal(trips, 2, 'BEGIN, the insert and the count, then COMMIT')
    assert.deepEqual(seen, [[], [], [{ n: 2 }]])
  })

  it('sends nothing for a transaction without a statement', async () => {
    assert.equal(await roundTrips(() => database.db.transaction().execute(async () => 'nothing')), 0)
  })

  it('undoes the statements before a failed one, and the connection goes on', async () => {
    await assert.rejects(
      database.db.transaction().execute((tx) => sendTogether(tx, [sql`insert into pool_test values (3)`.compile(tx), sql`insert into pool_test values (1)`.compile(tx)])),
      /duplicate key/,
    )
    await assert.rejects(
      database.db.transaction().execute(async (tx) => {
        await sql`insert into pool_test values (4)`.execute(tx)
        throw new Error('changed my mind')
      }),
      /changed my mind/,
    )
    const { rows } = await sql<{ id: number }>`select id from pool_test order by id`.execute(database.db)
    assert.deepEqual(rows, [{ id: 1 }, { id: 2 }])
  })

  it('keeps the isolation level a transaction asks for', async () => {
    const level = await database.db
      .transaction()
      .setIsolationLevel('serializable')
      .execute(async (tx) => (await sql<{ level: string }>`select current_setting('transaction_isolation') as level`.execute(tx)).rows[0].level)
    assert.equal(level, 'serializable')
  })
})

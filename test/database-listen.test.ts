/**
 * `Database.listen`, on each engine: a NOTIFY reaches listeners when its transaction commits and never
 * when it rolls back; on PostgreSQL a dropped listening connection is reopened and every listener is
 * told once (notifications sent meanwhile are lost).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { Database } from '../src/db/database.js'
import { sleep, waitFor } from './support/delivery-helpers.js'
import { ENGINES, openTestDatabase } from './support/harness.js'

for (const engine of ENGINES) {
  describe(`listen on ${engine}`, () => {
    let database: Database
    let dispose: () => Promise<void>
    before(async () => {
      ;({ database, dispose } = await openTestDatabase(engine))
    })
    after(() => dispose())

    it('tells listeners of committed notifications only', async () => {
      const heard: string[] = []
      const stop = await database.listen('css_test_commit', (payload) => heard.push(payload))
      try {
        await database.db.transaction().execute(async (tx) => {
          await sql`select pg_notify('css_test_commit', 'kept')`.execute(tx)
        })
        await assert.rejects(
          database.db.transaction().execute(async (tx) => {
            await sql`select pg_notify('css_test_commit', 'dropped')`.execute(tx)
            throw new Error('roll back')
          }),
        )
        await waitFor('the notification', () => heard.includes('kept'), 5_000)
        await sleep(100)
        assert.deepEqual(heard, ['kept'])
      } finally {
        await stop()
      }
      await sql`select pg_notify('css_test_commit', 'after')`.execute(database.db)
      await sleep(100)
      assert.deepEqual(heard, ['kept'], 'nothing after unlisten')
    })

    it('refuses channel names that would need quoting', async () => {
      await assert.rejects(database.listen('Bad"name', () => {}), /not a plain lower-case channel name/)
    })

    it('reopens a dropped listening connection (PostgreSQL)', { skip: engine === 'pglite' && 'PGlite is in-process: there is no connection to drop' }, async () => {
      const heard: string[] = []
      const stop = await database.listen('css_test_drop', (payload) => heard.push(payload))
      try {
        await sql`select pg_notify('css_test_drop', 'before')`.execute(database.db)
        await waitFor('the first notification', () => heard.includes('before'), 5_000)
        await sql`select pg_terminate_backend(pid) from pg_stat_activity
                  where datname = current_database() and query like 'listen%' and pid <> pg_backend_pid()`.execute(database.db)
        await waitFor('listeners told of the reconnect', () => heard.includes(''), 5_000)
        await sql`select pg_notify('css_test_drop', 'after')`.execute(database.db)
        await waitFor('a notification after the reconnect', () => heard.includes('after'), 5_000)
      } finally {
        await stop()
      }
    })
  })
}

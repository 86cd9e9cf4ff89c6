/**
 * Retention, on each engine: delivered deliveries (with their attempts) and unreferenced events older than
 * the retention period go; pending and failed deliveries and their events stay; the monthly statistics
 * read the same before and after. Then a soak: under a steady stream of changes with a retention of a
 * second or two, the delivery, attempt and event tables stay flat while every event is still delivered.
 * `npm run soak:retention` runs the soak for longer (RETENTION_SOAK_SECONDS).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { pruneDeliveries, pruneEvents } from '../src/delivery/retention/prune.js'
import { configureWebhook, type Receiver, sleep, startReceiver, subscribe, waitFor } from './support/delivery-helpers.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { freshTenant, tenantClient } from './support/segment-helpers.js'

const CREATED = 'customer-segment.segment-created'
const DAY = 86_400_000
const SOAK_SECONDS = Number(process.env.RETENTION_SOAK_SECONDS ?? 8)

async function counts(t: TestApp, tenant: string) {
  const { rows } = await sql<{ deliveries: string; attempts: string; events: string }>`
    select (select count(*) from delivery where tenant = ${tenant}) as deliveries,
           (select count(*) from delivery_attempt a join delivery d on d.id = a.delivery_id where d.tenant = ${tenant}) as attempts,
           (select count(*) from outbox_event where tenant = ${tenant}) as events
  `.execute(t.database.db)
  return { deliveries: Number(rows[0].deliveries), attempts: Number(rows[0].attempts), events: Number(rows[0].events) }
}

for (const engine of ENGINES) {
  describe(`retention on ${engine}`, () => {
    let receiver: Receiver
    before(async () => {
      receiver = await startReceiver()
    })
    after(() => receiver.close())

    it('deletes what is delivered and old, keeps what may still be sent, and keeps the statistics', { timeout: 60_000 }, async () => {
      const t = await startTestApp(engine, { delivery: {} })
      try {
        const tenant = freshTenant('keep')
        const c = await tenantClient(t, tenant)
        await configureWebhook(t.database.db, tenant, { destinationUrl: `${receiver.url}/keep` })
        await subscribe(t.database.db, tenant, [CREATED])
        for (let i = 0; i < 6; i++) await c.create({ name: { en: `S${i}` }, siteCode: 'main' })
        await waitFor('six deliveries', async () => (await t.database.db.selectFrom('delivery').where('tenant', '=', tenant).where('state', '=', 'delivered').select('id').execute()).length === 6)
        await t.delivery?.stop()
        const deliveries = await t.database.db.selectFrom('delivery').where('tenant', '=', tenant).select(['id', 'event_sequence']).orderBy('id').execute()
        // Two delivered 40 days ago, one failed and one pending as old, two recent; and an old event nothing was sent for.
        const old = new Date(Date.now() - 40 * DAY)
        const ids = deliveries.map((delivery) => delivery.id)
        await t.database.db.updateTable('delivery').set({ finished_at: old, created_at: old }).where('id', 'in', ids.slice(0, 4)).execute()
        await t.database.db.updateTable('delivery').set({ state: 'failed' }).where('id', '=', ids[2]).execute()
        await t.database.db.updateTable('delivery').set({ state: 'pending', finished_at: null }).where('id', '=', ids[3]).execute()
        await t.database.db.updateTable('outbox_event').set({ published_at: old }).where('tenant', '=', tenant).where('sequence', 'in', deliveries.slice(0, 4).map((d) => d.event_sequence)).execute()
        await subscribe(t.database.db, tenant, [CREATED], { subscribed: false })
        await c.create({ name: { en: 'Nobody listens' }, siteCode: 'main' })
        const lonely = await t.database.db.selectFrom('outbox_event').where('tenant', '=', tenant).orderBy('sequence', 'desc').select('sequence').executeTakeFirstOrThrow()
        await t.database.db.updateTable('outbox_event').set({ published_at: old, dispatched_at: old }).where('sequence', '=', lonely.sequence).execute()

        const month = `${old.getUTCFullYear()}-${String(old.getUTCMonth() + 1).padStart(2, '0')}`
        const statistics = async () => (await c.call({ method: 'GET', url: `/webhook/${tenant}/statistics?fromYearMonth=${month}` })).json()
        const before = await statistics()
        const cutoff = new Date(Date.now() - 30 * DAY)
        assert.equal(await pruneDeliveries(t.database.db, cutoff, 1), 1, 'batches are bounded')
        assert.equal(await pruneDeliveries(t.database.db, cutoff, 100), 1)
        assert.equal(await pruneDeliveries(t.database.db, cutoff, 100), 0)
        assert.equal(await pruneEvents(t.database.db, cutoff, 100), 3, 'the two delivered ones and the one nothing was sent for')
        assert.equal(await pruneEvents(t.database.db, cutoff, 100), 0)

        const left = await t.database.db.selectFrom('delivery').where('tenant', '=', tenant).select(['id', 'state']).orderBy('id').execute()
        assert.deepEqual(left.map((row) => row.id), ids.slice(2), 'the failed, the pending and the recent ones stay')
        const attempts = await t.database.db.selectFrom('delivery_attempt').where('delivery_id', 'in', ids.slice(0, 2)).select('delivery_id').execute()
        assert.deepEqual(attempts, [], 'attempts go with their delivery')
        const events = await t.database.db.selectFrom('outbox_event').where('tenant', '=', tenant).select('sequence').execute()
        assert.equal(events.length, 4, 'the events of the kept deliveries stay')
        assert.deepEqual(await statistics(), before, 'the monthly statistics read the same')
        const failed = await c.call({ method: 'POST', url: `/webhook/${tenant}/events/${(await t.database.db.selectFrom('outbox_event').where('sequence', '=', deliveries[2].event_sequence).select('id').executeTakeFirstOrThrow()).id}/resend`, payload: { targetId: 'default' } })
        assert.equal(failed.statusCode, 202, 'a failed delivery can still be resent')
      } finally {
        await t.close()
      }
    })

    it(`keeps the tables flat under a steady stream of changes (${SOAK_SECONDS} s)`, { timeout: (SOAK_SECONDS + 60) * 1000 }, async () => {
      const retentionMs = 1_500
      const t = await startTestApp(engine, { delivery: { retentionMs, retentionIntervalMs: 250 } })
      try {
        const tenant = freshTenant('soak')
        const c = await tenantClient(t, tenant)
        await configureWebhook(t.database.db, tenant, { destinationUrl: `${receiver.url}/soak` })
        await subscribe(t.database.db, tenant, [CREATED])
        const samples: { deliveries: number; attempts: number; events: number }[] = []
        const started = Date.now()
        let made = 0
        while (Date.now() - started < SOAK_SECONDS * 1000) {
          // About 40 changes a second.
          await Promise.all(Array.from({ length: 4 }, () => c.create({ name: { en: 'Soak' }, siteCode: 'main' })))
          made += 4
          await sleep(100)
          if (made % 40 === 0) samples.push(await counts(t, tenant))
        }
        await waitFor('every event delivered', () => receiver.to('/soak').length >= made, 30_000)
        // Each table holds at most what retention (and a round's interval) lets it: far less than was made.
        const bound = Math.ceil((made / SOAK_SECONDS) * ((retentionMs + 250) / 1000 + 1.5))
        const late = samples.slice(Math.ceil(samples.length / 2))
        for (const sample of late) {
          assert.ok(sample.deliveries <= bound && sample.events <= bound && sample.attempts <= bound, `flat: ${JSON.stringify(sample)} of ${made} made, bound ${bound}`)
        }
        const month = new Date().toISOString().slice(0, 7)
        const statistics = (await c.call({ method: 'GET', url: `/webhook/${tenant}/statistics?fromYearMonth=${month}` })).json()
        assert.equal(statistics.monthStatistics[0].succesfullySentWebhooks, made, 'every delivery counted, pruned or not')
      } finally {
        await t.close()
      }
    })
  })
}

/**
 * Retention, on each engine: delivered deliveries (with their attempts) and unreferenced events older than
 * the retention period go; pending and failed deliveries and their events stay; the monthly statistics
 * read the same before and after. The attempt log lives in time ranges that retention makes ahead and drops
 * whole. Then a soak: under a steady stream of changes with a retention of a
 * second or two, the delivery, attempt and event tables stay flat while every event is still delivered.
 * `npm run soak:retention` runs the soak for longer (RETENTION_SOAK_SECONDS).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import {
  attemptPartitionName,
  dropExpiredAttemptPartitions,
  ensureAttemptPartitions,
  listAttemptPartitions,
  pruneDefaultAttempts,
} from '../src/delivery/retention/attempt-partitions.js'
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

    it('files attempts in time ranges made ahead, never over attempts already in the default partition, and drops expired ranges whole', { timeout: 60_000 }, async () => {
      // Retention off: nothing makes ranges, so the first attempts land in the default partition.
      const t = await startTestApp(engine, { delivery: {} })
      try {
        const db = t.database.db
        const tenant = freshTenant('ranges')
        const c = await tenantClient(t, tenant)
        await configureWebhook(db, tenant, { destinationUrl: `${receiver.url}/ranges` })
        await subscribe(db, tenant, [CREATED])
        const logged = async () =>
          (
            await sql<{ home: string; delivery_id: number; claimed_at: Date }>`select a.tableoid::regclass::text as home, a.delivery_id, a.claimed_at
              from delivery_attempt a join delivery d on d.id = a.delivery_id where d.tenant = ${tenant} order by a.delivery_id`.execute(db)
          ).rows
        const deliveredCount = async () => (await db.selectFrom('delivery').where('tenant', '=', tenant).where('state', '=', 'delivered').select('id').execute()).length
        for (let i = 0; i < 3; i++) await c.create({ name: { en: `Early ${i}` }, siteCode: 'main' })
        await waitFor('three deliveries', async () => (await deliveredCount()) === 3)
        const early = await logged()
        assert.deepEqual(new Set(early.map((row) => row.home)), new Set(['delivery_attempt_default']))
        // The migration filed what was logged before it in one range that ends when it ran.
        const [legacy, ...none] = await listAttemptPartitions(db)
        assert.deepEqual([legacy.name, legacy.start, none], ['delivery_attempt_00000000_000000', undefined, []])
        assert.ok(legacy.end.getTime() <= early[0].claimed_at.getTime())

        const now = new Date()
        const day = Math.floor(now.getTime() / DAY) * DAY
        const made = await ensureAttemptPartitions(db, now)
        assert.equal(made.length, 3, 'the rest of today, and the two days after')
        assert.deepEqual(made.slice(1), [1, 2].map((k) => attemptPartitionName(new Date(day + k * DAY))))
        assert.deepEqual(await ensureAttemptPartitions(db, now), [], 'made once')
        const [, today, ...later] = await listAttemptPartitions(db)
        assert.equal(today.name, made[0])
        assert.ok(today.start && early.every((row) => row.claimed_at < today.start!), "today's range starts after the attempts already in the default partition")
        assert.deepEqual([today.end.getTime(), later.map((range) => range.end.getTime())], [day + DAY, [day + 2 * DAY, day + 3 * DAY]])
        assert.deepEqual(await logged(), early, 'nothing was moved')
        const first = early[0].delivery_id
        const listed = await c.call({ method: 'GET', url: `/webhook/${tenant}/deliveries/${first}/attempts` })
        assert.equal(listed.statusCode, 200, listed.body)
        assert.equal(listed.json().length, 1)

        for (let i = 0; i < 2; i++) await c.create({ name: { en: `Later ${i}` }, siteCode: 'main' })
        await waitFor('five deliveries', async () => (await deliveredCount()) === 5)
        const rows = await logged()
        assert.deepEqual(rows.map((row) => row.home), [...early.map(() => 'delivery_attempt_default'), today.name, today.name], 'new attempts land in their range')

        // A delivered delivery retention deletes leaves its attempt in the range, which takes it whole later;
        // one in the default partition takes its attempt along.
        const old = new Date(now.getTime() - 40 * DAY)
        await db.updateTable('delivery').set({ finished_at: old }).where('id', 'in', [rows[0].delivery_id, rows[4].delivery_id]).execute()
        assert.equal(await pruneDeliveries(db, new Date(now.getTime() - 30 * DAY), 100), 2)
        const attemptsOf = async (id: number) => (await db.selectFrom('delivery_attempt').where('delivery_id', '=', id).select('attempt').execute()).length
        assert.deepEqual([await attemptsOf(rows[0].delivery_id), await attemptsOf(rows[4].delivery_id)], [0, 1])
        assert.equal((await c.call({ method: 'GET', url: `/webhook/${tenant}/deliveries/${rows[4].delivery_id}/attempts` })).statusCode, 404, 'not read without its delivery')
        early.shift()

        assert.deepEqual(await dropExpiredAttemptPartitions(db, new Date()), [legacy.name], 'only the range that ended')
        // With no range for its time any more, an attempt from long ago is in the default partition; it goes by batches.
        await db.insertInto('delivery_attempt').values({ delivery_id: first, attempt: 9, claimed_at: new Date(now.getTime() - 40 * DAY), started_at: new Date(now.getTime() - 40 * DAY), duration_ms: 5, status: 500 }).execute()
        assert.equal(await pruneDefaultAttempts(db, new Date(now.getTime() - 30 * DAY), 100), 1)
        assert.equal(await pruneDefaultAttempts(db, new Date(now.getTime() - 30 * DAY), 100), 0)
        // A day later, today's range has expired: it goes whole, the deliveries stay.
        assert.deepEqual(await dropExpiredAttemptPartitions(db, new Date(day + DAY)), [today.name])
        assert.deepEqual(await logged(), early, 'the attempts in the default partition wait until they are old')
        assert.equal(await deliveredCount(), 3, 'the deliveries retention left keep their outcome')
        const gone = await c.call({ method: 'GET', url: `/webhook/${tenant}/deliveries/${rows[3].delivery_id}/attempts` })
        assert.equal(gone.statusCode, 200, gone.body)
        assert.deepEqual(gone.json(), [])
        assert.deepEqual((await listAttemptPartitions(db)).map((range) => range.name), made.slice(1))
        // A range detached by an engine that stopped before dropping it is dropped by the next round.
        await sql`alter table delivery_attempt detach partition ${sql.id(made[1])}`.execute(db)
        assert.deepEqual(await dropExpiredAttemptPartitions(db, now), [made[1]])
        assert.equal((await sql`select 1 from pg_class where relname = ${made[1]}`.execute(db)).rows.length, 0)
      } finally {
        await t.close()
      }
    })

    it('gives up dropping a range while a reader holds the attempt log, and drops it in a later round', { timeout: 60_000, skip: engine === 'pglite' && 'PGlite has one connection: no second session can hold a lock' }, async () => {
      const t = await startTestApp(engine)
      try {
        const db = t.database.db
        const day = Math.floor(Date.now() / DAY) * DAY
        const made = await ensureAttemptPartitions(db, new Date(day + 3 * DAY))
        assert.deepEqual(made, [3, 4, 5].map((k) => attemptPartitionName(new Date(day + k * DAY))))
        let release = () => {}
        const held = new Promise<void>((resolve) => (release = resolve))
        let holding = () => {}
        const started = new Promise<void>((resolve) => (holding = resolve))
        const reader = db.transaction().execute(async (tx) => {
          await sql`select count(*) from delivery_attempt`.execute(tx)
          holding()
          await held
        })
        await started
        const before = Date.now()
        assert.deepEqual(await dropExpiredAttemptPartitions(db, new Date(day + 5 * DAY)), [], 'nothing dropped while the reader holds the log')
        assert.ok(Date.now() - before < 10_000, 'the drop waited at most its lock timeout')
        release()
        await reader
        assert.deepEqual(await dropExpiredAttemptPartitions(db, new Date(day + 5 * DAY)), ['delivery_attempt_00000000_000000', ...made.slice(0, 2)])
      } finally {
        await t.close()
      }
    })

    it(`keeps the tables flat under a steady stream of changes (${SOAK_SECONDS} s)`, { timeout: (SOAK_SECONDS + 60) * 1000 }, async () => {
      const retentionMs = 1_500
      // Attempt ranges of a second each, so that ranges are made and dropped many times over.
      const t = await startTestApp(engine, { delivery: { retentionMs, retentionIntervalMs: 250, attemptPartitionMs: 1_000 } })
      try {
        const tenant = freshTenant('soak')
        const c = await tenantClient(t, tenant)
        await configureWebhook(t.database.db, tenant, { destinationUrl: `${receiver.url}/soak` })
        await subscribe(t.database.db, tenant, [CREATED])
        const samples: { deliveries: number; attempts: number; events: number; ranges: number }[] = []
        const rangesSeen = new Set<string>()
        const sample = async () => {
          const ranges = await listAttemptPartitions(t.database.db)
          for (const range of ranges) rangesSeen.add(range.name)
          return { ...(await counts(t, tenant)), ranges: ranges.length }
        }
        const started = Date.now()
        let made = 0
        while (Date.now() - started < SOAK_SECONDS * 1000) {
          // About 40 changes a second.
          await Promise.all(Array.from({ length: 4 }, () => c.create({ name: { en: 'Soak' }, siteCode: 'main' })))
          made += 4
          await sleep(100)
          if (made % 40 === 0) samples.push(await sample())
        }
        await waitFor('every event delivered', () => receiver.to('/soak').length >= made, 30_000)
        // Each table holds at most what retention (and a round's interval) lets it: far less than was made.
        const bound = Math.ceil((made / SOAK_SECONDS) * ((retentionMs + 250) / 1000 + 1.5))
        const late = samples.slice(Math.ceil(samples.length / 2))
        // Ranges: the three made ahead, those the retention still covers, one a round may not have dropped yet.
        const rangeBound = 3 + Math.ceil(retentionMs / 1_000) + 1
        for (const sample of late) {
          assert.ok(sample.deliveries <= bound && sample.events <= bound && sample.attempts <= bound, `flat: ${JSON.stringify(sample)} of ${made} made, bound ${bound}`)
          assert.ok(sample.ranges <= rangeBound, `attempt ranges: ${sample.ranges}, bound ${rangeBound}`)
        }
        assert.ok(rangesSeen.size >= SOAK_SECONDS, `ranges are made and dropped as time goes on: ${rangesSeen.size} seen`)
        const { rows: strays } = await sql<{ n: string }>`select count(*) as n from delivery_attempt_default`.execute(t.database.db)
        assert.ok(Number(strays[0].n) <= bound, `attempts land in their ranges, not the default partition: ${strays[0].n} there`)
        const month = new Date().toISOString().slice(0, 7)
        const statistics = (await c.call({ method: 'GET', url: `/webhook/${tenant}/statistics?fromYearMonth=${month}` })).json()
        assert.equal(statistics.monthStatistics[0].succesfullySentWebhooks, made, 'every delivery counted, pruned or not')
      } finally {
        await t.close()
      }
    })
  })
}

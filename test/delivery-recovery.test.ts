/**
 * Delivery that keeps its promises when things change or fail, on each storage engine:
 * - a configuration change applies to every event committed after the change's response (secret,
 *   excluded fields), and a replaced secret keeps signing beside the new one for the grace period;
 * - a due retry is sent on time even behind a backlog of first attempts;
 * - a receiver that was down for 30 s gets its backlog as soon as it is back, without any API call;
 * - the attempt of a worker that was lost is logged as "outcome unknown", and replaced by the real
 *   outcome if that worker reports after all.
 */
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { Webhook } from 'standardwebhooks'
import { recordAttempts } from '../src/delivery/record-attempts.js'
import { DEFAULT_RETRY_DELAYS_MS } from '../src/delivery/retry-policy.js'
import { deliveriesOf, type Receiver, type Received, sleep, startReceiver, waitFor } from './support/delivery-helpers.js'
import { ENGINES, startTestApp, startTestDelivery, type TestApp } from './support/harness.js'
import { freshTenant, tenantClient, type TenantClient } from './support/segment-helpers.js'
import { webhookClient } from './support/webhook-helpers.js'

const CREATED = 'customer-segment.segment-created'
const OUTAGE_MS = 30_000
const RETRY_MS = 4_000

const emporixSignature = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64')

/** Verifies the Standard Webhooks signature of `request` with `secret` (raw bytes), as a receiver's library would. */
function verifiesWith(secret: string, request: Received): boolean {
  try {
    new Webhook(secret, { format: 'raw' }).verify(request.body, request.headers as Record<string, string>)
    return true
  } catch {
    return false
  }
}

for (const engine of ENGINES) {
  describe(`delivery through changes and failures on ${engine}`, () => {
    let t: TestApp
    let receiver: Receiver
    // Each test runs the delivery engine it needs (one at a time).
    before(async () => {
      t = await startTestApp(engine)
      receiver = await startReceiver()
    })
    after(async () => {
      await t.close()
      await receiver.close()
    })

    /** A tenant configured through the API to send to `path`, subscribed to segment-created unless told not to. */
    async function tenantWithWebhook(prefix: string, path: string, secretKey?: string, { subscribed = true } = {}): Promise<TenantClient> {
      const c = await tenantClient(t, freshTenant(prefix))
      const w = await webhookClient(t, c.tenant)
      await w.create({ code: 'http', provider: 'HTTP', active: true, configuration: { destinationUrl: `${receiver.url}${path}`, secretKey } })
      if (subscribed) {
        const res = await w.call({ method: 'PATCH', url: w.url('/event-subscriptions'), payload: [{ eventType: CREATED, action: 'SUBSCRIBE' }] })
        assert.equal(res.statusCode, 207, res.body)
      }
      return c
    }

    /** Runs `body` with a delivery engine of the given options, stopped after. */
    async function withDelivery(options: Parameters<typeof startTestDelivery>[1], body: () => Promise<void>): Promise<void> {
      const delivery = await startTestDelivery(t.database, options)
      try {
        await body()
      } finally {
        await delivery.stop(1_000)
      }
    }

    const createSegment = (c: TenantClient, id: string) => c.create({ id, name: { en: id }, siteCode: 'main' })
    const arrival = (path: string, id: string) => waitFor(`segment ${id} at ${path}`, () => receiver.to(path).find((r) => JSON.parse(r.body).id === id))

    it('signs and filters every event committed after a change with the changed configuration', () =>
      withDelivery({}, async () => {
        const path = '/changes'
        const c = await tenantWithWebhook('changes', path, 'secret-0')
        const w = await webhookClient(t, c.tenant)
        // Warm the worker's routing: the next events come right after the changes.
        await createSegment(c, 'warm')
        await arrival(path, 'warm')
        for (let round = 1; round <= 5; round++) {
          const secret = `secret-${round}`
          const put = await w.put({ code: 'http', provider: 'HTTP', active: true, configuration: { destinationUrl: `${receiver.url}${path}`, secretKey: secret } })
          assert.equal(put.statusCode, 204, put.body)
          await createSegment(c, `after-secret-${round}`)
          const request = await arrival(path, `after-secret-${round}`)
          assert.equal(request.headers['emporix-event-signature'], emporixSignature(secret, request.body), `round ${round}: signed with the new secret`)

          const excluded = round % 2 === 1
          const fields = excluded ? { fieldsToUnsubscribe: ['name'] } : { fieldsToSubscribe: ['name'] }
          const [subscription] = (await w.call({ method: 'GET', url: w.url('/event-subscriptions') })).json().filter((s: { event: { type: string } }) => s.event.type === CREATED)
          const changed = await w.call({ method: 'PATCH', url: w.url('/event-subscriptions'), payload: [{ eventType: CREATED, ...fields, metadata: { version: subscription.metadata.version } }] })
          assert.equal(changed.json()[0].code, 200, changed.body)
          await createSegment(c, `after-fields-${round}`)
          const body = JSON.parse((await arrival(path, `after-fields-${round}`)).body)
          assert.equal('name' in body, !excluded, `round ${round}: name ${excluded ? 'excluded' : 'included'}`)
        }
    }))

    it('keeps signing with the replaced secret beside the new one for the grace period, then only with the new one', () =>
      withDelivery({ secretGraceMs: 1_500 }, async () => {
        const path = '/rotation'
        const c = await tenantWithWebhook('rotation', path, 'old-secret')
        const w = await webhookClient(t, c.tenant)
        const rotate = (secretKey: string) =>
          w.patch([{ op: 'UPSERT', path: '/configuration/http/secretKey', value: secretKey }]).then((res) => assert.equal(res.statusCode, 204, res.body))

        await createSegment(c, 'before')
        const before = await arrival(path, 'before')
        assert.equal(before.headers['webhook-signature']?.toString().split(' ').length, 1)

        await rotate('new-secret')
        assert.equal((await w.read()).configuration.secretKeyExists, true)
        assert.ok(!JSON.stringify(await w.read()).includes('old-secret'), 'a replaced secret is never shown')
        await createSegment(c, 'during')
        const during = await arrival(path, 'during')
        assert.equal(during.headers['webhook-signature']?.toString().split(' ').length, 2)
        assert.ok(verifiesWith('new-secret', during), 'the new secret verifies')
        assert.ok(verifiesWith('old-secret', during), 'the old secret verifies during the grace period')
        assert.equal(during.headers['emporix-event-signature'], emporixSignature('new-secret', during.body), 'the Emporix header carries the new one')

        await sleep(1_600)
        await createSegment(c, 'later')
        const later = await arrival(path, 'later')
        assert.ok(verifiesWith('new-secret', later))
        assert.ok(!verifiesWith('old-secret', later), 'the old secret no longer verifies after the grace period')

        // Removing the secret signs nothing: no leftover signature with a replaced one.
        const removed = await w.patch([{ op: 'REMOVE', path: '/configuration/http/secretKey' }])
        assert.equal(removed.statusCode, 204, removed.body)
        await createSegment(c, 'unsigned')
        const unsigned = await arrival(path, 'unsigned')
        assert.equal(unsigned.headers['webhook-signature'], undefined)
        assert.equal(unsigned.headers['emporix-event-signature'], undefined)
    }))

    it('sends a due retry on time behind a backlog of first attempts', { timeout: 120_000 }, async (ctx) => {
      const path = '/backlog'
      const c = await tenantWithWebhook('backlog', path)
      try {
        // Segments named fail-* are refused once; everything is answered slowly. Every event is written
        // before the delivery engine starts, so the backlog is there however long the writes take: the
        // five fail-* go first, and their retries come due while the 1,000 others, at 4 × 20 per second,
        // take about 12 s. What could delay the retries is the backlog alone.
        const refused = new Set<string>()
        receiver.reply = (request) => {
          const id = JSON.parse(request.body).id as string
          if (request.path === path && id.startsWith('fail-') && !refused.has(id)) {
            refused.add(id)
            return { status: 500, delayMs: 50 }
          }
          return { delayMs: 50 }
        }
        const bulk = (ids: string[]) =>
          c.call({ method: 'POST', url: c.url('/bulk'), payload: ids.map((id) => ({ id, name: { en: id }, siteCode: 'main' })) })
        for (let i = 0; i < 5; i++) assert.equal((await bulk([`fail-${i}`])).statusCode, 207)
        for (let batch = 0; batch < 10; batch++) {
          const res = await bulk(Array.from({ length: 100 }, (_, i) => `bulk-${batch}-${i}`))
          assert.equal(res.statusCode, 207, res.body)
        }
        await withDelivery({ retryDelaysMs: [RETRY_MS], concurrency: 8, targetConcurrency: 4 }, async () => {
          await waitFor('the retries', () => receiver.to(path).filter((r) => JSON.parse(r.body).id.startsWith('fail-')).length === 10, 60_000)
          const backlogLeft = 1_000 - receiver.to(path).filter((r) => JSON.parse(r.body).id.startsWith('bulk-')).length
          assert.ok(backlogLeft > 200, `the retries came while a backlog was waiting (${backlogLeft} left)`)

          const attempts = () => sql<{ id: string; attempt: number; started_at: Date; duration_ms: number; error: string | null }>`
            select o.payload->>'id' as id, a.attempt, a.started_at, a.duration_ms, a.error
            from delivery_attempt a join delivery d on d.id = a.delivery_id join outbox_event o on o.sequence = d.event_sequence
            where d.tenant = ${c.tenant} and o.payload->>'id' like 'fail-%' order by 1, 2`.execute(t.database.db)
          const rows = await waitFor('the retries in the attempt log', async () => {
            const logged = await attempts()
            return logged.rows.length === 10 && logged
        })
          for (let i = 0; i < 5; i++) {
            const [first, retry] = rows.rows.filter((row) => row.id === `fail-${i}`)
            const due = first.started_at.getTime() + first.duration_ms + RETRY_MS * 1.2
            const late = retry.started_at.getTime() - due
            ctx.diagnostic(`retry of fail-${i}: ${late} ms past its latest due time, ${backlogLeft} first attempts waiting`)
            // A retry that waited behind the backlog would be many seconds late (it takes about 12 s to
            // drain). The margin is for the embedded engine, whose statements run on the process's own
            // thread: a statement of the dispatcher or the worker holds every timer of the process for a while.
            assert.ok(late < 3_000, `retry of fail-${i} was ${late} ms past its latest due time`)
          }
          })
      } finally {
        receiver.reply = () => ({})
      }
    })

    it(`drains the backlog of a receiver that was down for ${OUTAGE_MS / 1000} s as soon as it is back, without any API call`, { timeout: 180_000 }, async (ctx) => {
      const outage = await startReceiver()
      const path = '/outage'
      const c = await tenantClient(t, freshTenant('outage'))
      const w = await webhookClient(t, c.tenant)
      await w.create({ code: 'http', provider: 'HTTP', active: true, configuration: { destinationUrl: `${outage.url}${path}` } })
      await w.call({ method: 'PATCH', url: w.url('/event-subscriptions'), payload: [{ eventType: CREATED, action: 'SUBSCRIBE' }] })
      assert.deepEqual(DEFAULT_RETRY_DELAYS_MS.slice(0, 2), [5_000, 300_000], 'the real schedule: a second retry would wait 5 minutes')
      const delivery = await startTestDelivery(t.database, { retryDelaysMs: DEFAULT_RETRY_DELAYS_MS })
      let producing = true
      let made = 0
      const producer = (async () => {
        while (producing) {
          await createSegment(c, `s${made}`)
          made += 1
          await sleep(100)
        }
      })()
      try {
        await waitFor('first deliveries', () => outage.requests.length >= 5)
        await outage.down()
        await sleep(OUTAGE_MS)
        const backlog = (await deliveriesOf(t.database.db, c.tenant)).filter((row) => row.state !== 'delivered').length
        // About 10 changes a second are made; on a loaded machine fewer, so the bound is loose.
        assert.ok(backlog >= 50, `a backlog built up (${backlog} of ${made} made)`)
        const waiting = await t.database.db
          .selectFrom('delivery')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('tenant', '=', c.tenant)
          .where('state', '=', 'pending')
          .where('next_attempt_at', '>', new Date(Date.now() + 60_000))
          .executeTakeFirstOrThrow()
        assert.ok(Number(waiting.n) > 0, 'deliveries were waiting minutes for their next retry')
        const committedBefore = (await c.events()).map((event) => event.id)
        await outage.up()
        const back = Date.now()
        await sleep(3_000)
        producing = false
        await producer
        const ids = new Set((await c.events()).map((event) => event.id))
        assert.equal(ids.size, made)
        const firstArrival = () => {
          const arrivals = new Map<string, number>()
          for (const r of outage.requests) if (!arrivals.has(r.headers['webhook-id'] as string)) arrivals.set(r.headers['webhook-id'] as string, r.at)
          return arrivals
        }
        const arrivals = await waitFor('every event at the receiver', () => [...ids].every((id) => firstArrival().has(id)) && firstArrival(), 30_000)
        const drainMs = Math.max(...committedBefore.map((id) => arrivals.get(id) as number)) - back
        ctx.diagnostic(`${made} events, a backlog of ${backlog}, the backlog delivered ${drainMs} ms after the receiver was back`)
        assert.ok(drainMs < 10_000, `the backlog drained ${drainMs} ms after the receiver was back`)
        const duplicates = outage.requests.length - new Set(outage.requests.map((r) => r.headers['webhook-id'])).size
        assert.equal(duplicates, 0, 'a receiver that was down gets each event once')
      } finally {
        producing = false
        await producer
        await delivery.stop(1_000)
        await outage.close()
      }
    })

    it('retries an event the receiver keeps refusing on its schedule, while other events succeed', () =>
      withDelivery({ retryDelaysMs: [1_500, 1_500] }, async () => {
        const path = '/poison'
        const c = await tenantWithWebhook('poison', path)
        receiver.reply = (request) => (request.path === path && JSON.parse(request.body).id === 'poison' ? { status: 500 } : {})
        try {
          await createSegment(c, 'poison')
          for (let i = 0; i < 40; i++) {
            await createSegment(c, `fine-${i}`)
            await sleep(100)
          }
          await waitFor('three attempts of the refused event', () => receiver.to(path).filter((r) => JSON.parse(r.body).id === 'poison').length === 3, 10_000)
          const times = receiver.to(path).filter((r) => JSON.parse(r.body).id === 'poison').map((r) => r.at)
          for (let i = 1; i < times.length; i++) {
            const gap = times[i] - times[i - 1]
            assert.ok(gap >= 1_500 * 0.8 - 50, `attempt ${i + 1} came ${gap} ms after the one before, not on its schedule`)
          }
        } finally {
          receiver.reply = () => ({})
        }
      }))

    it('logs the attempt of a lost worker as outcome unknown, and takes its late report after all', async () => {
      const path = '/lost'
      // Not subscribed: the event gets no delivery of its own; the test writes the one a lost worker left.
      const c = await tenantWithWebhook('lost', path, undefined, { subscribed: false })
      await createSegment(c, 'stranded')
      // A worker that claimed the delivery and died: its lease ran out a moment ago.
      const { rows } = await sql<{ sequence: number }>`select sequence from outbox_event where tenant = ${c.tenant}`.execute(t.database.db)
      await t.database.db
        .insertInto('delivery_target')
        .values({ tenant: c.tenant, config_code: 'http', target_id: 'default' })
        .onConflict((oc) => oc.doNothing())
        .execute()
      const claimedAt = new Date(Date.now() - 61_000)
      const { id } = await t.database.db
        .insertInto('delivery')
        .values({
          tenant: c.tenant,
          event_sequence: rows[0].sequence,
          config_code: 'http',
          target_id: 'default',
          state: 'pending',
          attempts: 1,
          locked_by: 'lost-worker',
          locked_at: claimedAt,
          next_attempt_at: new Date(Date.now() - 1_000),
          created_at: claimedAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await sql`update outbox_event set dispatched_at = now() where tenant = ${c.tenant}`.execute(t.database.db)
      const delivery = await startTestDelivery(t.database)
      try {
        await waitFor('the redelivery', async () => (await deliveriesOf(t.database.db, c.tenant))[0]?.state === 'delivered')
      } finally {
        await delivery.stop(1_000)
      }
      const attempts = await t.database.db.selectFrom('delivery_attempt').selectAll().where('delivery_id', '=', id).orderBy('attempt').execute()
      assert.equal(attempts.length, 2)
      assert.equal(attempts[0].attempt, 1)
      assert.equal(attempts[0].started_at.getTime(), claimedAt.getTime())
      assert.equal(attempts[0].duration_ms, null)
      assert.equal(attempts[0].status, null)
      assert.match(attempts[0].error ?? '', /outcome unknown: worker lost-worker did not report this attempt before its lease ran out/)
      assert.equal(attempts[1].attempt, 2)
      assert.equal(attempts[1].status, 204)

      const log = await c.call({ method: 'GET', url: `/webhook/${c.tenant}/deliveries/${id}/attempts` })
      assert.equal(log.statusCode, 200, log.body)
      assert.equal(log.json()[0].durationMs, null)

      // The lost worker was only cut off: its report of attempt 1 still lands in the log, not on the delivery,
      // and replaces the entry filed under its claim's time although the request started a little later.
      const sentAt = new Date(claimedAt.getTime() + 3)
      const applied = await recordAttempts(t.database.db, 'lost-worker', [
        { deliveryId: id, attempt: 1, claimedAt, startedAt: sentAt, durationMs: 42, status: 500, excerpt: 'oops', error: 'HTTP 500', requestHeaders: '{"webhook-id":"x"}', state: 'pending', retryInMs: 5_000 },
      ])
      assert.equal(applied.size, 0)
      const [reported] = await t.database.db.selectFrom('delivery_attempt').selectAll().where('delivery_id', '=', id).where('attempt', '=', 1).execute()
      assert.deepEqual([reported.duration_ms, reported.status, reported.error, reported.request_headers], [42, 500, 'HTTP 500', { 'webhook-id': 'x' }])
      assert.equal(reported.started_at.getTime(), sentAt.getTime())
      assert.equal((await deliveriesOf(t.database.db, c.tenant))[0].state, 'delivered')
    })
  })
}

/**
 * The delivery engine end to end, on each storage engine: changes made through the API reach a real
 * receiver on loopback as signed POSTs (DESIGN §4) whose body is the canonical JSON of the payload;
 * routing by subscription, entry, filter and excluded fields; retries, redirects, 410, a receiver that
 * is down for a while, a target removed before sending, the monthly limit, and a slow target beside a
 * fast one. Webhook configs are written straight into their table, in their stored shape.
 */
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { sql } from 'kysely'
import { pino } from 'pino'
import { notifyWorkers } from '../src/delivery/delivery-channel.js'
import { type DispatchSummary, dispatchEvents, notifiedEvents, type UndispatchedEvent } from '../src/delivery/dispatch-events.js'
import { type Dispatcher, startDispatcher } from '../src/delivery/dispatcher.js'
import { OUTBOX_CHANNEL } from '../src/events/outbox.js'
import { canonicalJson } from '../src/delivery/sign.js'
import { disableTarget } from '../src/delivery/target-health.js'
import { type RoutingCache, routingCache } from '../src/webhooks/routing-cache.js'
import { assignCustomer, assignItem, customerPath, segment } from './support/assignment-helpers.js'
import {
  configureWebhook,
  deliveriesOf,
  entry,
  type Receiver,
  sleep,
  startReceiver,
  subscribe,
  waitFor,
} from './support/delivery-helpers.js'
import { ENGINES, startTestApp, startTestDelivery, type TestApp } from './support/harness.js'
import { freshTenant, type LoggedEvent, tenantClient } from './support/segment-helpers.js'

const SEGMENT_CREATED = 'customer-segment.segment-created'
const SEGMENT_UPDATED = 'customer-segment.segment-updated'
const SEGMENT_DELETED = 'customer-segment.segment-deleted'
const CUSTOMER_CREATED = 'customer-segment.customer-assignment-created'
const ITEM_CREATED = 'customer-segment.item-assignment-created'
const SECRET = `whsec_${Buffer.from('a test secret of thirty-two bytes').toString('base64')}`

const minimal = (extra: Record<string, unknown> = {}) => ({ name: { en: 'Segment' }, siteCode: 'main', ...extra })

for (const engine of ENGINES) {
  describe(`delivery on ${engine}`, () => {
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

    const events = async (tenant: string): Promise<LoggedEvent[]> =>
      (await (await tenantClient(t, tenant)).events()).map((event) => ({ ...event, payload: event.payload }))

    it('POSTs a segment change with the DESIGN §4 headers and the canonical JSON body', async () => {
      const c = await tenantClient(t, freshTenant('headers'))
      await configureWebhook(t.database.db, c.tenant, {
        destinationUrl: `${receiver.url}/headers`,
        secretKey: SECRET,
        headers: { 'X-Api-Key': { value: 'k-123' } },
      })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      const id = await c.create(minimal({ description: { en: 'ü and "quotes"', de: 'ß' } }))
      const [event] = await events(c.tenant)
      const [request] = await waitFor('the delivery', () => receiver.to('/headers', event.id).length > 0 && receiver.to('/headers', event.id))

      const body = canonicalJson(event.payload)
      assert.equal(request.body, body)
      assert.equal(JSON.parse(request.body).id, id)
      const h = request.headers
      assert.equal(h['content-type'], 'application/json')
      assert.equal(h['emporix-event-signature'], createHmac('sha256', SECRET).update(body).digest('base64'))
      assert.equal(h['emporix-event-publish-time'], event.time)
      assert.equal(h['webhook-id'], event.id)
      assert.ok(Math.abs(Number(h['webhook-timestamp']) - Date.now() / 1000) < 30)
      new Webhook(SECRET).verify(request.body, h as Record<string, string>)
      assert.equal(h['ce-specversion'], '1.0')
      assert.equal(h['ce-id'], event.id)
      assert.equal(h['ce-type'], SEGMENT_CREATED)
      assert.equal(h['ce-source'], `/customer-segment/${c.tenant}`)
      assert.equal(h['ce-subject'], `segments/${id}`)
      assert.equal(h['ce-time'], event.time)
      assert.equal(h['ce-sequence'], String(event.sequence))
      assert.equal(h['x-api-key'], 'k-123')

      const [delivery] = await waitFor('the delivery to be recorded', async () => {
        const rows = await deliveriesOf(t.database.db, c.tenant)
        return rows[0]?.state === 'delivered' && rows
      })
      assert.equal(delivery.attempts, 1)
      assert.equal(delivery.last_status, 204)
      assert.equal(delivery.locked_by, null)
      const attempts = await t.database.db.selectFrom('delivery_attempt').selectAll().where('delivery_id', '=', delivery.id).execute()
      assert.equal(attempts.length, 1)
      assert.equal(attempts[0].status, 204)
      assert.equal(attempts[0].error, null)
      // The log keeps what was sent, the configured header's value masked.
      const logged = (await c.call({ method: 'GET', url: `/webhook/${c.tenant}/deliveries/${delivery.id}/attempts` })).json()[0].requestHeaders
      const { 'x-api-key': apiKey, ...rest } = request.headers
      assert.equal(apiKey, 'k-123')
      assert.equal(logged['x-api-key'], '(configured value)')
      for (const [name, value] of Object.entries(rest)) if (name in logged) assert.equal(logged[name], value, name)
      for (const name of ['webhook-id', 'webhook-signature', 'emporix-event-signature', 'ce-type']) assert.equal(logged[name], request.headers[name], name)
    })

    it('delivers assignment changes with their subjects, and nothing without a secret signs', async () => {
      const c = await tenantClient(t, freshTenant('assign'))
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}/assign` })
      await subscribe(t.database.db, c.tenant, [CUSTOMER_CREATED, ITEM_CREATED])
      await segment(c, 'seg')
      await assignCustomer(c, 'seg', 'c1', 'le1')
      await assignItem(c, 'seg', 'PRODUCT', 'p1')
      const logged = (await events(c.tenant)).filter((e) => e.type !== SEGMENT_CREATED)
      assert.equal(logged.length, 2)
      await waitFor('both deliveries', () => receiver.to('/assign').length >= 2)
      const subjects = receiver.to('/assign').map((r) => r.headers['ce-subject'])
      assert.deepEqual(subjects.sort(), [`segments/seg${customerPath('', 'c1', 'le1').replace('//', '/')}`, 'segments/seg/items/PRODUCT/p1'].sort())
      for (const request of receiver.to('/assign')) {
        const event = logged.find((e) => e.id === request.headers['webhook-id']) as LoggedEvent
        assert.equal(request.body, canonicalJson(event.payload))
        assert.equal(request.headers['emporix-event-signature'], undefined)
        assert.equal(request.headers['webhook-signature'], undefined)
      }
      assert.equal(receiver.to('/assign').filter((r) => r.headers['ce-type'] === SEGMENT_CREATED).length, 0, 'segment-created is not subscribed')
    })

    it('routes by entry and filter, uses entry URLs and secrets, and drops excluded fields', async () => {
      const c = await tenantClient(t, freshTenant('routing'))
      const active = entry({ eventType: SEGMENT_CREATED.toUpperCase(), destinationUrl: `${receiver.url}/active`, filter: "$[?@.status == 'ACTIVE']", secretKey: 'entry-secret' })
      const trimmed = entry({ eventType: SEGMENT_CREATED, destinationUrl: `${receiver.url}/trimmed`, excludedFields: ['description', 'metadata'] })
      const inherited = entry({ eventType: SEGMENT_CREATED, destinationUrl: `${receiver.url}/inherited` })
      const off = entry({ eventType: SEGMENT_CREATED, destinationUrl: `${receiver.url}/off`, active: false })
      await configureWebhook(t.database.db, c.tenant, {
        destinationUrl: `${receiver.url}/root`,
        secretKey: 'root-secret',
        eventsConfiguration: [active, trimmed, inherited, off],
      })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED, SEGMENT_DELETED], { excludedFields: ['siteCode'] })
      await subscribe(t.database.db, c.tenant, [SEGMENT_UPDATED], { subscribed: false })
      await c.create(minimal({ id: 'inactive', description: { en: 'd' } }))
      await c.create(minimal({ id: 'active', status: 'ACTIVE' }))
      const update = await c.call({ method: 'PATCH', url: c.url('/active'), payload: [{ op: 'replace', path: '/status', value: 'INACTIVE' }], headers: { 'content-type': 'application/json-patch+json' } })
      assert.ok(update.statusCode < 300, update.body)
      const del = await c.call({ method: 'DELETE', url: c.url('/inactive') })
      assert.equal(del.statusCode, 204, del.body)

      const logged = await events(c.tenant)
      const created = logged.filter((e) => e.type === SEGMENT_CREATED)
      const deleted = logged.find((e) => e.type === SEGMENT_DELETED) as LoggedEvent
      await waitFor('every routed delivery', () => receiver.to('/trimmed').length === 2 && receiver.to('/inherited').length === 2 && receiver.to('/active').length === 1 && receiver.to('/root').length === 1)
      await sleep(200)

      const [toActive] = receiver.to('/active')
      assert.equal(JSON.parse(toActive.body).id, 'active', 'the filter passes only the ACTIVE segment')
      assert.equal(toActive.headers['emporix-event-signature'], createHmac('sha256', 'entry-secret').update(toActive.body).digest('base64'))
      for (const request of receiver.to('/trimmed')) {
        const event = created.find((e) => e.id === request.headers['webhook-id']) as LoggedEvent
        const { description, metadata, ...rest } = event.payload
        assert.equal(request.body, canonicalJson(rest), 'the entry excludes description and metadata')
        assert.equal(request.headers['emporix-event-signature'], createHmac('sha256', 'root-secret').update(request.body).digest('base64'))
      }
      for (const request of receiver.to('/inherited')) {
        const event = created.find((e) => e.id === request.headers['webhook-id']) as LoggedEvent
        const { siteCode, ...rest } = event.payload
        assert.equal(request.body, canonicalJson(rest), "the entry inherits the subscription's excluded fields")
      }
      const [toRoot] = receiver.to('/root')
      assert.equal(toRoot.headers['webhook-id'], deleted.id, 'types without an entry go to the config destination')
      assert.equal(receiver.to('/off').length, 0, 'an inactive entry receives nothing')
      assert.equal(receiver.requests.filter((r) => r.headers['ce-type'] === SEGMENT_UPDATED && r.headers['ce-source'] === `/customer-segment/${c.tenant}`).length, 0, 'unsubscribed types are not delivered')
      const rows = await deliveriesOf(t.database.db, c.tenant)
      assert.equal(rows.length, 6)
      assert.ok(rows.every((row) => row.state === 'delivered'))
    })

    it('retries after a 500 with the same webhook-id, then delivers', async () => {
      const c = await tenantClient(t, freshTenant('retry'))
      let calls = 0
      const path = `/retry-${c.tenant}`
      const previous = receiver.reply
      receiver.reply = (request) => (request.path === path && ++calls === 1 ? { status: 500, body: 'try later' } : previous(request))
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}${path}` })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      await c.create(minimal())
      const [event] = await events(c.tenant)
      await waitFor('the retry', () => receiver.to(path).length >= 2)
      receiver.reply = previous
      const [first, second] = receiver.to(path)
      assert.equal(first.headers['webhook-id'], event.id)
      assert.equal(second.headers['webhook-id'], event.id)
      assert.equal(second.body, first.body)
      const [delivery] = await waitFor('delivered', async () => {
        const rows = await deliveriesOf(t.database.db, c.tenant)
        return rows[0]?.state === 'delivered' && rows
      })
      assert.equal(delivery.attempts, 2)
      const attempts = await t.database.db.selectFrom('delivery_attempt').selectAll().where('delivery_id', '=', delivery.id).orderBy('attempt').execute()
      assert.deepEqual(
        attempts.map((a) => [a.attempt, a.status, a.response_excerpt, a.error]),
        [
          [1, 500, 'try later', 'HTTP 500'],
          [2, 204, '', null],
        ],
      )
    })

    it('does not follow redirects: a 3xx is a failed attempt', async () => {
      const c = await tenantClient(t, freshTenant('redirect'))
      const path = `/redirect-${c.tenant}`
      const previous = receiver.reply
      receiver.reply = (request) => (request.path === path ? { status: 302, headers: { location: `${receiver.url}/elsewhere` } } : previous(request))
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}${path}` })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      await c.create(minimal())
      const rows = await waitFor('a failed attempt', async () => {
        const found = await deliveriesOf(t.database.db, c.tenant)
        return found[0]?.last_status === 302 && found
      })
      receiver.reply = previous
      assert.equal(rows[0].last_error, 'redirect not followed (HTTP 302)')
      assert.equal(receiver.to('/elsewhere').length, 0)
    })

    it('410 Gone disables the target and fails what it still had pending', async () => {
      const c = await tenantClient(t, freshTenant('gone'))
      const path = `/gone-${c.tenant}`
      const previous = receiver.reply
      receiver.reply = (request) => (request.path === path ? { status: 410 } : previous(request))
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}${path}` })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      await c.create(minimal())
      const target = await waitFor('the target disabled', async () => {
        const row = await t.database.db.selectFrom('delivery_target').selectAll().where('tenant', '=', c.tenant).executeTakeFirst()
        return row?.disabled_at ? row : undefined
      })
      assert.match(target.disabled_reason ?? '', /410/)
      const [gone] = await deliveriesOf(t.database.db, c.tenant)
      assert.equal(gone.state, 'failed')
      assert.equal(gone.last_status, 410)

      const seen = receiver.to(path).length
      await c.create(minimal())
      const rows = await waitFor('the next delivery refused', async () => {
        const found = await deliveriesOf(t.database.db, c.tenant)
        return found.length === 2 && found
      })
      assert.equal(rows[1].state, 'failed')
      assert.match(rows[1].last_error ?? '', /^target disabled/)
      assert.equal(rows[1].attempts, 0)
      await sleep(200)
      assert.equal(receiver.to(path).length, seen, 'a disabled target gets no request')
      receiver.reply = previous
    })

    it('a receiver that is down for a while gets every event once it is back', async () => {
      const c = await tenantClient(t, freshTenant('down'))
      const down = await startReceiver()
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${down.url}/down` })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      await down.down()
      for (let i = 0; i < 5; i++) await c.create(minimal())
      await waitFor('failed attempts', async () => {
        const rows = await deliveriesOf(t.database.db, c.tenant)
        return rows.length === 5 && rows.every((row) => row.attempts >= 2)
      })
      const refused = await deliveriesOf(t.database.db, c.tenant)
      assert.ok(refused.every((row) => row.state === 'pending' && row.last_status === null && /ECONNREFUSED/.test(row.last_error ?? '')), JSON.stringify(refused))
      await down.up()
      try {
        const ids = (await events(c.tenant)).map((e) => e.id).sort()
        await waitFor('every event', () => new Set(down.requests.map((r) => r.headers['webhook-id'])).size === 5, 15_000)
        assert.deepEqual([...new Set(down.requests.map((r) => r.headers['webhook-id'] as string))].sort(), ids)
        const target = await t.database.db.selectFrom('delivery_target').selectAll().where('tenant', '=', c.tenant).executeTakeFirstOrThrow()
        await waitFor('the failure clock cleared', async () => {
          const row = await t.database.db.selectFrom('delivery_target').select('failing_since').where('tenant', '=', c.tenant).executeTakeFirstOrThrow()
          return row.failing_since === null
        })
        assert.equal(target.disabled_at, null)
      } finally {
        await down.close()
      }
    })
  })

  describe(`delivery on ${engine}, with engines the tests start`, () => {
    let t: TestApp
    let receiver: Receiver
    before(async () => {
      t = await startTestApp(engine)
      receiver = await startReceiver()
    })
    after(async () => {
      await t.close()
      await receiver.close()
    })

    it('a target removed from the config before sending fails its delivery without a request', async () => {
      const c = await tenantClient(t, freshTenant('removed'))
      const doomed = entry({ eventType: SEGMENT_CREATED, destinationUrl: `${receiver.url}/removed` })
      await configureWebhook(t.database.db, c.tenant, { eventsConfiguration: [doomed] })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      await c.create(minimal())
      const dispatched = await dispatchEvents(t.database.db, { batchSize: 100 })
      assert.equal(dispatched.pending, 1)
      await configureWebhook(t.database.db, c.tenant, { eventsConfiguration: [{ ...doomed, active: false }] })
      const delivery = await startTestDelivery(t.database)
      try {
        const [row] = await waitFor('the delivery to fail', async () => {
          const rows = await deliveriesOf(t.database.db, c.tenant)
          return rows[0]?.state === 'failed' && rows
        })
        assert.match(row.last_error ?? '', /no longer takes deliveries/)
        assert.equal(receiver.to('/removed').length, 0)
      } finally {
        await delivery.stop()
      }
    })

    it('new deliveries go straight to the worker beside the dispatcher, claimed as they are created, as far as it has room', async () => {
      const c = await tenantClient(t, freshTenant('handover'))
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}/handover` })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      const previous = receiver.reply
      let answered = 0
      // The first two requests are held for a while: until then the worker's room at the target stays taken.
      receiver.reply = (request) => (request.path === '/handover' ? (answered++ < 2 ? { delayMs: 1_500 } : {}) : previous(request))
      // Two sends at a time: a worker holds at most 5 new rows of the target (3 per slot, less the retries' share).
      const delivery = await startTestDelivery(t.database, { targetConcurrency: 2 })
      try {
        await c.create(minimal())
        await waitFor('the first request', () => receiver.to('/handover').length === 1)
        const { rows: first } = await sql<{ locked_by: string; attempts: number; same_time: boolean }>`
          select locked_by, attempts, locked_at = created_at as same_time from delivery where tenant = ${c.tenant}`.execute(t.database.db)
        assert.deepEqual(first, [{ locked_by: delivery.workerId, attempts: 1, same_time: true }], 'claimed in the transaction that created it')

        const items = Array.from({ length: 12 }, (_, i) => ({ id: `h${i}`, ...minimal() }))
        const res = await c.call({ method: 'POST', url: c.url('/bulk'), payload: items })
        assert.equal(res.statusCode, 207, res.body)
        await waitFor('every delivery recorded', async () => {
          const rows = await deliveriesOf(t.database.db, c.tenant)
          return rows.length === 13 && rows.every((row) => row.state === 'delivered')
        })
        const ids = receiver.to('/handover').map((r) => r.headers['webhook-id'])
        assert.equal(ids.length, 13)
        assert.equal(new Set(ids).size, 13, 'each event once')
        // A row claimed as it was created was filed under its creation time; the others under a later claim.
        const { rows: claims } = await sql<{ handed: number; claimed: number }>`
          select count(*) filter (where a.claimed_at - d.created_at < interval '1 millisecond')::int as handed,
                 count(*) filter (where a.claimed_at - d.created_at >= interval '1 millisecond')::int as claimed
          from delivery d join delivery_attempt a on a.delivery_id = d.id and a.attempt = 1
          where d.tenant = ${c.tenant}`.execute(t.database.db)
        assert.deepEqual(claims, [{ handed: 1 + 4, claimed: 8 }], 'the 12 found room for 4 beside the one being sent')
      } finally {
        await delivery.stop(100)
        receiver.reply = previous
      }
    })

    it('a worker whose outcomes cannot be written stops sending once as many wait as it may hold rows, then goes on once they are written', async () => {
      const c = await tenantClient(t, freshTenant('unrecorded'))
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}/unrecorded` })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      // Every write of this tenant's outcomes fails (the attempt log refuses them; a claim's own entries,
      // which have no duration, pass).
      const fn = sql.id(`fail_${c.tenant.replace(/\W/g, '_')}`)
      await sql`create function ${fn}() returns trigger language plpgsql as $$
        begin
          if new.duration_ms is not null and exists (select 1 from delivery d where d.id = new.delivery_id and d.tenant = ${sql.lit(c.tenant)}) then
            raise exception 'outcomes refused for the test';
          end if;
          return new;
        end $$`.execute(t.database.db)
      await sql`create trigger refuse_outcomes before insert on delivery_attempt for each row execute function ${fn}()`.execute(t.database.db)
      // Two sends at a time: the worker may hold 6 rows, so at most 6 outcomes wait before it stops
      // claiming, and the 6 rows it holds then are still sent.
      const delivery = await startTestDelivery(t.database, { concurrency: 2, targetConcurrency: 2 })
      try {
        const items = Array.from({ length: 30 }, (_, i) => ({ id: `u${i}`, ...minimal() }))
        const res = await c.call({ method: 'POST', url: c.url('/bulk'), payload: items })
        assert.equal(res.statusCode, 207, res.body)
        await waitFor('the first sends', () => receiver.to('/unrecorded').length >= 6)
        await sleep(1_500)
        const sentWhileFailing = receiver.to('/unrecorded').length
        assert.ok(sentWhileFailing <= 12, `${sentWhileFailing} of 30 sent while no outcome could be written`)
        const rows = await deliveriesOf(t.database.db, c.tenant)
        assert.equal(rows.filter((row) => row.state === 'delivered').length, 0)

        await sql`drop trigger refuse_outcomes on delivery_attempt`.execute(t.database.db)
        await waitFor(
          'every delivery recorded',
          async () => {
            const now = await deliveriesOf(t.database.db, c.tenant)
            return now.length === 30 && now.every((row) => row.state === 'delivered')
          },
          20_000,
        )
        const ids = receiver.to('/unrecorded').map((r) => r.headers['webhook-id'])
        assert.equal(ids.length, 30, 'each event sent once')
        assert.equal(new Set(ids).size, 30)
      } finally {
        await delivery.stop(100)
        await sql`drop trigger if exists refuse_outcomes on delivery_attempt`.execute(t.database.db)
        await sql`drop function if exists ${fn}()`.execute(t.database.db)
      }
    })

    it('a batch that read its events without a lock writes only those no other dispatcher took meanwhile', async () => {
      while ((await dispatchEvents(t.database.db, { batchSize: 100 })).events > 0) {}
      const c = await tenantClient(t, freshTenant('optimistic'))
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}/optimistic` })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      for (let i = 0; i < 3; i++) await c.create(minimal())
      // Between the batch's read and its write (while it routes), another dispatcher takes two of the three
      // events: a batch of 4 gives one tenant at most 2.
      const routing = routingCache()
      let meanwhile: DispatchSummary | undefined
      const racing: RoutingCache = {
        async routingOf(db, versions) {
          if (!meanwhile) meanwhile = await dispatchEvents(t.database.db, { batchSize: 4 })
          return routing.routingOf(db, versions)
        },
      }
      const summary = await dispatchEvents(t.database.db, { batchSize: 100, optimistic: true, routing: racing })
      assert.deepEqual([meanwhile?.events, meanwhile?.pending], [2, 2])
      assert.deepEqual([summary.events, summary.lost, summary.pending, summary.more], [1, 2, 1, false])
      const rows = await deliveriesOf(t.database.db, c.tenant)
      assert.equal(rows.length, 3)
      assert.equal(new Set(rows.map((row) => row.event_id)).size, 3, 'one delivery per event')
      const { rows: left } = await sql<{ n: number }>`
        select count(*)::int as n from outbox_event where tenant = ${c.tenant} and dispatched_at is null`.execute(t.database.db)
      assert.equal(left[0].n, 0)
      assert.equal((await dispatchEvents(t.database.db, { batchSize: 100, optimistic: true })).events, 0, 'nothing is dispatched twice')
    })

    it('a commit notifies its events as the dispatcher reads them, unless they are too many or too large for a notification', async () => {
      const c = await tenantClient(t, freshTenant('notified'))
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}/notified` })
      const payloads: string[] = []
      const unlisten = await t.database.listen(OUTBOX_CHANNEL, (payload) => payloads.push(payload))
      try {
        const next = async (what: string) => {
          const seen = payloads.length
          return waitFor(what, () => payloads.length > seen && payloads[seen])
        }
        const awkward = { en: 'ü, "quotes", \\ and </script>', de: 'ß \u2028 😀', fr: '' }
        const created = next('the notification of a create')
        await c.create(minimal({ id: 'awkward', description: awkward }))
        const named = notifiedEvents(await created)
        const { rows } = await sql<UndispatchedEvent>`
          select e.sequence, e.id, e.tenant, e.type, e.subject, e.payload, e.published_at, e.traceparent,
                 (select v.version from webhook_routing_version v where v.tenant = e.tenant) as routing_version
          from outbox_event e where e.tenant = ${c.tenant} order by e.sequence`.execute(t.database.db)
        const read = rows.map((row) => ({ ...row, sequence: Number(row.sequence), routing_version: row.routing_version === null ? null : Number(row.routing_version) }))
        assert.equal(read.length, 1)
        assert.notEqual(read[0].routing_version, null)
        assert.deepEqual(named, read, 'the notification carries the event as the dispatcher reads it')

        await segment(c, 'many')
        await waitFor('the notification of the segment', () => payloads.length === 2)
        const tooMany = next('the notification of 21 assignments')
        const res = await c.call({ method: 'PUT', url: c.url('/many/customers/bulk'), payload: Array.from({ length: 21 }, (_, i) => ({ customerId: `m${i}` })) })
        assert.equal(res.statusCode, 207, res.body)
        assert.equal(await tooMany, '')
        const tooLarge = next('the notification of a large event')
        await c.create(minimal({ description: { en: 'x'.repeat(8_000) } }))
        assert.equal(await tooLarge, '')
        assert.equal(notifiedEvents(''), undefined)
      } finally {
        await unlisten()
      }
    })

    it('a dispatcher woken by notifications that carry their events writes them in one statement, without reading them', async () => {
      while ((await dispatchEvents(t.database.db, { batchSize: 100 })).events > 0) {}
      const c = await tenantClient(t, freshTenant('unread'))
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}/unread` })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      let statements = 0
      const counted = t.database.db.withPlugin({
        transformQuery: ({ node }) => {
          statements += 1
          return node
        },
        transformResult: async ({ result }) => result,
      })
      const routing = routingCache()
      const payloads: string[] = []
      const unlisten = await t.database.listen(OUTBOX_CHANNEL, (payload) => payloads.push(payload))
      // Each dispatcher is stopped after its first batch, which stop() waits for.
      const batchAfter = async (wake: (dispatcher: Dispatcher) => void) => {
        statements = 0
        const dispatcher = startDispatcher({ db: counted, availability: t.database.availability, log: pino({ level: 'silent' }), batchSize: 100, routing })
        wake(dispatcher)
        await dispatcher.stop()
        return statements
      }
      try {
        await c.create(minimal())
        await waitFor('the first notification', () => payloads.length === 1)
        assert.ok((await batchAfter((d) => d.wake())) > 2, 'read, the routing (loaded once), write')
        await c.create(minimal())
        const named = await waitFor('the second notification', () => payloads.length === 2 && payloads[1])
        assert.equal(notifiedEvents(named)?.length, 1)
        assert.equal(await batchAfter((d) => d.wake(named)), 1, 'the write alone')
        assert.equal((await deliveriesOf(t.database.db, c.tenant)).length, 2)
        assert.equal(await batchAfter((d) => d.wake(named)), 1, 'the same notification again: the write takes nothing')
        await c.create(minimal())
        await waitFor('the third notification', () => payloads.length === 3)
        assert.equal(await batchAfter((d) => d.wake(named)), 1, 'events not in the notification wait for a read')
        assert.equal((await deliveriesOf(t.database.db, c.tenant)).length, 2)
        assert.equal(await batchAfter((d) => d.wake()), 2, 'read, write')
        const rows = await deliveriesOf(t.database.db, c.tenant)
        assert.equal(rows.length, 3)
        assert.equal(new Set(rows.map((row) => row.event_id)).size, 3, 'one delivery per event')
      } finally {
        await unlisten()
      }
    })

    it('the monthly limit refuses deliveries once a tenant has had that many this month', async () => {
      const c = await tenantClient(t, freshTenant('limit'))
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}/limit` })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      const delivery = await startTestDelivery(t.database, { monthlyLimit: 2 })
      try {
        for (let i = 1; i <= 2; i++) {
          await c.create(minimal())
          await waitFor(`delivery ${i}`, async () => (await deliveriesOf(t.database.db, c.tenant)).filter((row) => row.state === 'delivered').length === i)
        }
        await c.create(minimal())
        const rows = await waitFor('the third delivery', async () => {
          const found = await deliveriesOf(t.database.db, c.tenant)
          return found.length === 3 && found
        })
        assert.equal(rows[2].state, 'failed')
        assert.match(rows[2].last_error ?? '', /monthly delivery limit reached: 2/)
        await sleep(100)
        assert.equal(receiver.to('/limit').length, 2)
      } finally {
        await delivery.stop()
      }
    })

    it('refuses loopback targets unless private addresses are allowed (SSRF guard), and warns in the log', async () => {
      const c = await tenantClient(t, freshTenant('ssrf'))
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}/ssrf` })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      const warnings: { details: Record<string, unknown>; message: string }[] = []
      const quiet = () => {}
      const log = { debug: quiet, info: quiet, error: quiet, warn: (details: Record<string, unknown>, message: string) => warnings.push({ details, message }) }
      const delivery = await startTestDelivery(t.database, { allowPrivate: false, log: log as never })
      try {
        await c.create(minimal())
        await c.create(minimal())
        const [row] = await waitFor('a refused attempt', async () => {
          const rows = await deliveriesOf(t.database.db, c.tenant)
          return rows[0]?.last_error ? rows : undefined
        })
        assert.match(row.last_error ?? '', /refused to connect to 127\.0\.0\.1: loopback addresses are not allowed/)
        assert.equal(receiver.to('/ssrf').length, 0)
        await waitFor('the second refusal', async () => (await deliveriesOf(t.database.db, c.tenant)).every((r) => r.last_error))
        const refused = warnings.filter((w) => w.message.startsWith('delivery refused'))
        assert.equal(refused.length, 1, 'one warning per target, not one per delivery')
        assert.equal(refused[0].details.tenant, c.tenant)
        assert.match(String(refused[0].details.reason), /loopback addresses are not allowed/)
      } finally {
        await delivery.stop()
      }
    })

    it('gives up after the last attempt of the schedule; a resend starts a fresh schedule', async () => {
      const c = await tenantClient(t, freshTenant('exhaust'))
      const path = `/exhaust-${c.tenant}`
      const previous = receiver.reply
      receiver.reply = (request) => (request.path === path ? { status: 503, headers: { 'retry-after': '0' } } : previous(request))
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}${path}` })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      const delivery = await startTestDelivery(t.database, { retryDelaysMs: [20, 20] })
      try {
        await c.create(minimal())
        const [failed] = await waitFor('the delivery to fail', async () => {
          const rows = await deliveriesOf(t.database.db, c.tenant)
          return rows[0]?.state === 'failed' && rows
        })
        assert.equal(failed.attempts, 3)
        assert.equal(failed.last_status, 503)
        assert.equal(failed.last_error, 'HTTP 503; gave up after 3 attempts')
        assert.equal(receiver.to(path).length, 3)

        // What an operator's resend does (src/delivery/log): due now, the schedule counted from here.
        receiver.reply = (request) => (request.path === path && receiver.to(path).length < 6 ? { status: 500 } : previous(request))
        await t.database.db
          .updateTable('delivery')
          .set((eb) => ({ state: 'pending', next_attempt_at: new Date(), attempt_base: eb.ref('attempts'), finished_at: null }))
          .where('id', '=', failed.id)
          .execute()
        await notifyWorkers(t.database.db)
        const [resent] = await waitFor('the resent delivery', async () => {
          const rows = await deliveriesOf(t.database.db, c.tenant)
          return rows[0]?.state === 'delivered' && rows
        })
        assert.equal(resent.attempts, 6, 'two failures after the resend did not exhaust the fresh schedule of three')
        const numbers = await t.database.db.selectFrom('delivery_attempt').select('attempt').where('delivery_id', '=', failed.id).orderBy('attempt').execute()
        assert.deepEqual(
          numbers.map((n) => n.attempt),
          [1, 2, 3, 4, 5, 6],
        )
      } finally {
        await delivery.stop()
        receiver.reply = previous
      }
    })

    it('a target failing for 5 days straight is disabled and its pending deliveries fail; a success stops the clock', async () => {
      const c = await tenantClient(t, freshTenant('fivedays'))
      const path = `/fivedays-${c.tenant}`
      let healthy = true
      const previous = receiver.reply
      receiver.reply = (request) => (request.path === path && !healthy ? { status: 500 } : previous(request))
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}${path}` })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      const target = async () =>
        (await t.database.db.selectFrom('delivery_target').selectAll().where('tenant', '=', c.tenant).executeTakeFirst()) ?? {
          failing_since: null,
          disabled_at: null,
          disabled_reason: null,
        }
      const delivery = await startTestDelivery(t.database, { retryDelaysMs: [100, 100, 100, 100, 100, 100, 100] })
      try {
        healthy = false
        await c.create(minimal())
        await waitFor('the failure clock to start', async () => (await target()).failing_since !== null)
        healthy = true
        await waitFor('a success to stop it', async () => (await target()).failing_since === null)

        healthy = false
        await c.create(minimal())
        await waitFor('the clock to start again', async () => (await target()).failing_since !== null)
        await sql`update delivery_target set failing_since = now() - interval '5 days 1 minute' where tenant = ${c.tenant}`.execute(t.database.db)
        const disabled = await waitFor('the target disabled', async () => {
          const row = await target()
          return row.disabled_at ? row : undefined
        })
        assert.match(disabled.disabled_reason ?? '', /5 days/)
        const rows = await deliveriesOf(t.database.db, c.tenant)
        assert.equal(rows[1].state, 'failed')
      } finally {
        await delivery.stop()
        receiver.reply = previous
      }
    })

    it('disabling a target fails every delivery it still had pending', async () => {
      const c = await tenantClient(t, freshTenant('disable'))
      await configureWebhook(t.database.db, c.tenant, { destinationUrl: `${receiver.url}/disable` })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      for (let i = 0; i < 3; i++) await c.create(minimal())
      assert.equal((await dispatchEvents(t.database.db, { batchSize: 100 })).pending, 3)
      const ref = { tenant: c.tenant, configCode: 'http', targetId: 'default' }
      assert.equal(await disableTarget(t.database.db, ref, 'the target answered 410 Gone'), 3)
      assert.equal(await disableTarget(t.database.db, ref, 'again'), undefined, 'a disabled target is not disabled twice')
      const rows = await deliveriesOf(t.database.db, c.tenant)
      assert.deepEqual(
        rows.map((row) => [row.state, row.last_error]),
        Array(3).fill(['failed', 'target disabled']),
      )
    })

    it('a slow target does not delay a fast one', async () => {
      const c = await tenantClient(t, freshTenant('slow'))
      const previous = receiver.reply
      receiver.reply = (request) => (request.path === '/slow' ? { delayMs: 2_000 } : previous(request))
      await configureWebhook(t.database.db, c.tenant, {
        eventsConfiguration: [
          entry({ eventType: SEGMENT_CREATED, destinationUrl: `${receiver.url}/slow` }),
          entry({ eventType: SEGMENT_CREATED, destinationUrl: `${receiver.url}/fast` }),
        ],
      })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      const delivery = await startTestDelivery(t.database, { concurrency: 8, targetConcurrency: 2 })
      try {
        const started = Date.now()
        for (let i = 0; i < 20; i++) await c.create(minimal())
        await waitFor('every fast delivery', () => receiver.to('/fast').length === 20, 10_000)
        const fastDone = Date.now() - started
        assert.ok(receiver.to('/slow').length <= 6, `the slow target had at most its 2 slots busy (${receiver.to('/slow').length} requests)`)
        assert.ok(fastDone < 5_000, `the fast target took ${fastDone} ms`)
      } finally {
        await delivery.stop(100)
        receiver.reply = previous
      }
    })

    it('works through a backlog of several batches at several targets without waiting for the poll', { timeout: 120_000 }, async () => {
      const c = await tenantClient(t, freshTenant('backlog'))
      const targets = ['/b0', '/b1', '/b2']
      await configureWebhook(t.database.db, c.tenant, {
        eventsConfiguration: targets.map((path) => entry({ eventType: SEGMENT_CREATED, destinationUrl: `${receiver.url}${path}` })),
      })
      await subscribe(t.database.db, c.tenant, [SEGMENT_CREATED])
      // More events than one dispatch batch (500), committed before the engine starts: its one wake-up at
      // start is all it gets, since the poll would come only after the test's deadline.
      for (let batch = 0; batch < 3; batch++) {
        const items = Array.from({ length: 200 }, (_, i) => ({ id: `b${batch}-${i}`, ...minimal() }))
        const res = await c.call({ method: 'POST', url: c.url('/bulk'), payload: items })
        assert.equal(res.statusCode, 207, res.body)
      }
      // Two sends at a time per target: every claim is cut short by a target's room, not by the backlog.
      const delivery = await startTestDelivery(t.database, { concurrency: 8, targetConcurrency: 2, pollMs: 600_000 })
      try {
        await waitFor('every delivery', () => targets.every((path) => receiver.to(path).length >= 600), 60_000)
        for (const path of targets) assert.equal(new Set(receiver.to(path).map((r) => r.headers['webhook-id'])).size, 600, `${path}: each event once`)
      } finally {
        await delivery.stop(100)
      }
    })
  })
}

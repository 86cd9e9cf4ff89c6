/**
 * The delivery log and recovery API: an event's deliveries in the event log, one event, attempts, targets,
 * resend, recover, enable, and the monthly statistics. Deliveries are written straight into the tables, as
 * a worker would leave them (the API under test only reads them or makes them due).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { SCOPES } from '../src/auth/principal.js'
import { createTokenVerifier } from '../src/auth/verify-token.js'
import { loadConfig } from '../src/config.js'
import type { DeliveryState } from '../src/db/schema.js'
import { buildApp } from '../src/http/app.js'
import type { StoredHttpConfiguration } from '../src/webhooks/stored-config.js'
import { configureWebhook, type Receiver, startReceiver, subscribe, waitFor } from './support/delivery-helpers.js'
import { ENGINES, startTestApp, type TestApp, TEST_SECRET } from './support/harness.js'
import { assertError, freshTenant, MESSAGES, type TenantClient, tenantClient } from './support/segment-helpers.js'

const CREATED = 'customer-segment.segment-created'
const UPDATED = 'customer-segment.segment-updated'
const SECRET = 'root-secret-never-shown'

const configuration: StoredHttpConfiguration = {
  destinationUrl: 'https://hooks.example.com/all',
  secretKey: SECRET,
  headers: { 'x-api-key': { value: 'header-secret' } },
  eventsConfiguration: [
    { id: 'created', name: 'Created ones', eventType: CREATED, destinationUrl: 'https://user:pw@created.example.com/in', secretKey: 'entry-secret', excludedFields: null, active: true },
    { id: 'updated', eventType: UPDATED, excludedFields: null, active: false },
  ],
}

interface DeliveryRow {
  state: DeliveryState
  attempts?: number
  created_at?: Date
  finished_at?: Date | null
  next_attempt_at?: Date
  locked_by?: string | null
  last_status?: number | null
  last_error?: string | null
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000)

for (const engine of ENGINES) {
  describe(`delivery log on ${engine}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    /** A tenant with the HTTP config above and `count` segment-created events; returns their ids and sequences. */
    async function setup(prefix: string, count = 1) {
      const c = await tenantClient(t, freshTenant(prefix))
      const now = new Date()
      await t.database.db
        .insertInto('webhook_config')
        .values({ tenant: c.tenant, code: 'http', provider: 'HTTP', active: true, configuration: JSON.stringify(configuration), created_at: now, modified_at: now })
        .execute()
      for (let i = 0; i < count; i++) await c.create({ name: { en: `S${i}` }, siteCode: 'main' })
      const events = await c.events()
      return { c, events }
    }

    async function insertDelivery(tenant: string, sequence: number, targetId: string, row: DeliveryRow, configCode = 'http'): Promise<number> {
      await t.database.db
        .insertInto('delivery_target')
        .values({ tenant, config_code: configCode, target_id: targetId })
        .onConflict((oc) => oc.doNothing())
        .execute()
      const inserted = await t.database.db
        .insertInto('delivery')
        .values({
          tenant,
          event_sequence: sequence,
          config_code: configCode,
          target_id: targetId,
          next_attempt_at: minutesAgo(1),
          created_at: minutesAgo(10),
          ...row,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return inserted.id
    }

    const deliveryRow = (id: number) => t.database.db.selectFrom('delivery').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    const call = (c: TenantClient, method: 'GET' | 'POST', path: string, payload?: unknown) =>
      c.call({ method, url: `/webhook/${c.tenant}${path}`, payload: payload as object })
    const dbNow = async () => (await sql<{ now: Date }>`select now() as now`.execute(t.database.db)).rows[0].now

    describe('deliveries in the event log', () => {
      it('lists each event with its deliveries, oldest first, and none for an event that had none', async () => {
        const { c, events } = await setup('evlist', 2)
        const finished = new Date('2026-02-03T04:05:06.789Z')
        const first = await insertDelivery(c.tenant, events[0].sequence, 'default', { state: 'delivered', attempts: 2, finished_at: finished, last_status: 204 })
        const second = await insertDelivery(c.tenant, events[0].sequence, 'created', {
          state: 'pending',
          attempts: 1,
          next_attempt_at: new Date('2030-01-01T00:00:00Z'),
          last_status: 500,
          last_error: 'HTTP 500',
        })
        const res = await call(c, 'GET', '/events')
        assert.equal(res.statusCode, 200, res.body)
        const [one, two] = res.json()
        assert.deepEqual(one.deliveries, [
          { id: first, configCode: 'http', targetId: 'default', state: 'delivered', attempts: 2, lastStatus: 204, lastError: null, nextAttemptAt: null, finishedAt: '2026-02-03T04:05:06.789Z' },
          { id: second, configCode: 'http', targetId: 'created', state: 'pending', attempts: 1, lastStatus: 500, lastError: 'HTTP 500', nextAttemptAt: '2030-01-01T00:00:00.000Z', finishedAt: null },
        ])
        assert.deepEqual(two.deliveries, [])
      })

      it('filters by delivery state', async () => {
        const { c, events } = await setup('evstate', 3)
        await insertDelivery(c.tenant, events[0].sequence, 'default', { state: 'delivered', finished_at: new Date() })
        await insertDelivery(c.tenant, events[1].sequence, 'default', { state: 'failed', attempts: 8, finished_at: new Date() })
        await insertDelivery(c.tenant, events[1].sequence, 'created', { state: 'delivered', finished_at: new Date() })
        const sequences = async (state: string) => {
          const res = await call(c, 'GET', `/events?deliveryState=${state}`)
          assert.equal(res.statusCode, 200, res.body)
          return res.json().map((e: { sequence: number }) => e.sequence)
        }
        assert.deepEqual(await sequences('delivered'), [events[0].sequence, events[1].sequence])
        assert.deepEqual(await sequences('failed'), [events[1].sequence])
        assert.deepEqual(await sequences('pending'), [])
        assertError(await call(c, 'GET', '/events?deliveryState=lost'), 400)
      })

      it('reads one event with its deliveries; 404 for an unknown or foreign id, 400 for a malformed one', async () => {
        const { c, events } = await setup('evone')
        const id = await insertDelivery(c.tenant, events[0].sequence, 'default', { state: 'failed', attempts: 8, finished_at: new Date() })
        const res = await call(c, 'GET', `/events/${events[0].id}`)
        assert.equal(res.statusCode, 200, res.body)
        const event = res.json()
        assert.deepEqual({ ...event, deliveries: undefined }, { ...events[0], deliveries: undefined })
        assert.deepEqual(event.deliveries.map((d: { id: number }) => d.id), [id])
        const unknown = '01900000-0000-7000-8000-000000000000'
        assertError(await call(c, 'GET', `/events/${unknown}`), 404, MESSAGES.notFound(unknown))
        const other = await setup('evother')
        assertError(await call(other.c, 'GET', `/events/${events[0].id}`), 404)
        assertError(await call(c, 'GET', '/events/not-a-uuid'), 400)
      })
    })

    describe('attempts', () => {
      it('lists a delivery’s attempts oldest first', async () => {
        const { c, events } = await setup('attempts')
        const id = await insertDelivery(c.tenant, events[0].sequence, 'default', { state: 'delivered', attempts: 2, finished_at: new Date() })
        await t.database.db
          .insertInto('delivery_attempt')
          .values([
            { delivery_id: id, attempt: 2, claimed_at: new Date('2026-01-01T00:00:05.500Z'), started_at: new Date('2026-01-01T00:00:05.500Z'), duration_ms: 12, status: 204, response_excerpt: '', error: null },
            { delivery_id: id, attempt: 1, claimed_at: new Date('2026-01-01T00:00:00Z'), started_at: new Date('2026-01-01T00:00:00Z'), duration_ms: 15000, status: null, response_excerpt: null, error: 'timeout after 15 s' },
          ])
          .execute()
        const res = await call(c, 'GET', `/deliveries/${id}/attempts`)
        assert.equal(res.statusCode, 200, res.body)
        assert.deepEqual(res.json(), [
          { attempt: 1, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 15000, status: null, responseExcerpt: null, error: 'timeout after 15 s', requestHeaders: null },
          { attempt: 2, startedAt: '2026-01-01T00:00:05.500Z', durationMs: 12, status: 204, responseExcerpt: '', error: null, requestHeaders: null },
        ])
        const fresh = await insertDelivery(c.tenant, events[0].sequence, 'created', { state: 'pending' })
        assert.deepEqual((await call(c, 'GET', `/deliveries/${fresh}/attempts`)).json(), [])
      })

      it('answers 404 for an unknown or foreign delivery and 400 for a malformed id', async () => {
        const { c, events } = await setup('attempt404')
        const id = await insertDelivery(c.tenant, events[0].sequence, 'default', { state: 'pending' })
        const other = await setup('attemptoth')
        assertError(await call(other.c, 'GET', `/deliveries/${id}/attempts`), 404, MESSAGES.notFound(String(id)))
        assertError(await call(c, 'GET', '/deliveries/999999999/attempts'), 404)
        for (const bad of ['0', 'abc', '-1', '1.5', '9999999999999999']) assertError(await call(c, 'GET', `/deliveries/${bad}/attempts`), 400)
      })
    })

    describe('targets', () => {
      it('lists configured targets and ones that left the config, with state and backlog, never a secret', async () => {
        const { c, events } = await setup('targets', 3)
        const [a, b, d] = events.map((e) => e.sequence)
        await insertDelivery(c.tenant, a, 'default', { state: 'pending' })
        await insertDelivery(c.tenant, b, 'default', { state: 'failed', finished_at: new Date() })
        await insertDelivery(c.tenant, d, 'default', { state: 'failed', finished_at: new Date() })
        await insertDelivery(c.tenant, a, 'created', { state: 'delivered', finished_at: new Date() })
        await insertDelivery(c.tenant, a, 'removed', { state: 'failed', finished_at: new Date() })
        await t.database.db
          .updateTable('delivery_target')
          .set({ disabled_at: new Date('2026-03-01T00:00:00Z'), disabled_reason: '410 Gone', failing_since: new Date('2026-02-25T00:00:00Z') })
          .where('tenant', '=', c.tenant)
          .where('target_id', '=', 'created')
          .execute()
        const res = await call(c, 'GET', '/targets')
        assert.equal(res.statusCode, 200, res.body)
        for (const secret of [SECRET, 'entry-secret', 'header-secret', ':pw@']) assert.ok(!res.body.includes(secret), `shows ${secret}`)
        const idle = { disabled: false, disabledAt: null, disabledReason: null, failingSince: null }
        assert.deepEqual(res.json(), [
          { configCode: 'http', targetId: 'default', eventType: null, url: 'https://hooks.example.com/all', active: true, configured: true, ...idle, pendingDeliveries: 1, failedDeliveries: 2 },
          {
            configCode: 'http',
            targetId: 'created',
            name: 'Created ones',
            eventType: CREATED,
            url: 'https://user:****@created.example.com/in',
            active: true,
            configured: true,
            disabled: true,
            disabledAt: '2026-03-01T00:00:00.000Z',
            disabledReason: '410 Gone',
            failingSince: '2026-02-25T00:00:00.000Z',
            pendingDeliveries: 0,
            failedDeliveries: 0,
          },
          { configCode: 'http', targetId: 'updated', eventType: UPDATED, url: 'https://hooks.example.com/all', active: false, configured: true, ...idle, pendingDeliveries: 0, failedDeliveries: 0 },
          { configCode: 'http', targetId: 'removed', eventType: null, url: null, active: false, configured: false, ...idle, pendingDeliveries: 0, failedDeliveries: 1 },
        ])
      })

      it('is empty for a tenant without a config', async () => {
        const c = await tenantClient(t, freshTenant('notargets'))
        assert.deepEqual((await call(c, 'GET', '/targets')).json(), [])
      })
    })

    describe('resend', () => {
      it('makes an existing delivery pending and due now with a fresh retry schedule, keeping its history', async () => {
        const { c, events } = await setup('resend')
        const id = await insertDelivery(c.tenant, events[0].sequence, 'default', {
          state: 'failed',
          attempts: 8,
          finished_at: minutesAgo(5),
          last_status: 500,
          last_error: 'HTTP 500',
        })
        const before = await dbNow()
        const res = await call(c, 'POST', `/events/${events[0].id}/resend`, { targetId: 'default' })
        assert.equal(res.statusCode, 202, res.body)
        const body = res.json()
        assert.equal(body.id, id)
        assert.equal(body.state, 'pending')
        assert.equal(body.attempts, 8)
        assert.equal(body.finishedAt, null)
        const row = await deliveryRow(id)
        assert.equal(row.state, 'pending')
        assert.equal(row.attempt_base, 8)
        assert.equal(row.finished_at, null)
        assert.equal(row.last_status, 500, 'the last outcome stays until the next attempt')
        assert.ok(row.next_attempt_at.getTime() >= before.getTime() && row.next_attempt_at.getTime() <= (await dbNow()).getTime())
      })

      it('resends a delivered event, through an explicit config code', async () => {
        const { c, events } = await setup('resenddone')
        const id = await insertDelivery(c.tenant, events[0].sequence, 'created', { state: 'delivered', attempts: 1, finished_at: minutesAgo(5) })
        const res = await call(c, 'POST', `/events/${events[0].id}/resend`, { configCode: 'http', targetId: 'created' })
        assert.equal(res.statusCode, 202, res.body)
        assert.equal((await deliveryRow(id)).state, 'pending')
        assert.equal((await deliveryRow(id)).attempt_base, 1)
      })

      it('makes a delivery for a target the event never went to', async () => {
        const { c, events } = await setup('resendnew')
        const res = await call(c, 'POST', `/events/${events[0].id}/resend`, { targetId: 'created' })
        assert.equal(res.statusCode, 202, res.body)
        const row = await deliveryRow(res.json().id)
        assert.deepEqual([row.tenant, row.event_sequence, row.config_code, row.target_id, row.state, row.attempts, row.attempt_base], [
          c.tenant,
          events[0].sequence,
          'http',
          'created',
          'pending',
          0,
          0,
        ])
        const target = await t.database.db.selectFrom('delivery_target').selectAll().where('tenant', '=', c.tenant).execute()
        assert.deepEqual(target.map((r) => r.target_id), ['created'])
        const listed = (await call(c, 'GET', `/events/${events[0].id}`)).json()
        assert.deepEqual(listed.deliveries.map((d: { targetId: string; state: string }) => [d.targetId, d.state]), [['created', 'pending']])
      })

      it('refuses a disabled target (409, re-enable first), an inactive one (409), one of another event type (400)', async () => {
        const { c, events } = await setup('resend409')
        await insertDelivery(c.tenant, events[0].sequence, 'default', { state: 'failed', finished_at: new Date() })
        await t.database.db.updateTable('delivery_target').set({ disabled_at: new Date(), disabled_reason: '410 Gone' }).where('tenant', '=', c.tenant).execute()
        const disabled = assertError(await call(c, 'POST', `/events/${events[0].id}/resend`, { targetId: 'default' }), 409, /re-enable/)
        assert.match(disabled.message, /410 Gone/)
        assertError(await call(c, 'POST', `/events/${events[0].id}/resend`, { targetId: 'updated' }), 400)
        const updated = await setup('resendinact')
        await updated.c.call({ method: 'PATCH', url: updated.c.url(`/${updated.events[0].payload.id}`), payload: [{ op: 'replace', path: '/status', value: 'ACTIVE' }] })
        const [, change] = await updated.c.events()
        assert.equal(change.type, UPDATED)
        assertError(await call(updated.c, 'POST', `/events/${change.id}/resend`, { targetId: 'updated' }), 409, /inactive/)
        const rows = await t.database.db.selectFrom('delivery').select(['state']).where('tenant', 'in', [c.tenant, updated.c.tenant]).execute()
        assert.deepEqual(rows.map((r) => r.state), ['failed'])
      })

      it('refuses a delivery a worker is sending right now', async () => {
        const { c, events } = await setup('resendbusy')
        const id = await insertDelivery(c.tenant, events[0].sequence, 'default', { state: 'pending', attempts: 1, locked_by: 'worker-1', next_attempt_at: new Date(Date.now() + 60_000) })
        assertError(await call(c, 'POST', `/events/${events[0].id}/resend`, { targetId: 'default' }), 409, new RegExp(`Delivery ${id} is being sent`))
        await t.database.db.updateTable('delivery').set({ next_attempt_at: minutesAgo(1) }).where('id', '=', id).execute()
        assert.equal((await call(c, 'POST', `/events/${events[0].id}/resend`, { targetId: 'default' })).statusCode, 202, 'an expired lease is no longer held')
      })

      it('answers 404 for an unknown event or target and 400 for a bad body', async () => {
        const { c, events } = await setup('resend404')
        const unknown = '01900000-0000-7000-8000-000000000000'
        assertError(await call(c, 'POST', `/events/${unknown}/resend`, { targetId: 'default' }), 404, MESSAGES.notFound(unknown))
        assertError(await call(c, 'POST', `/events/${events[0].id}/resend`, { targetId: 'nope' }), 404, MESSAGES.notFound('http/nope'))
        assertError(await call(c, 'POST', `/events/${events[0].id}/resend`, { configCode: 'svix', targetId: 'default' }), 404)
        const bare = await tenantClient(t, freshTenant('resendnocfg'))
        await bare.create({ name: { en: 'x' }, siteCode: 'main' })
        const [event] = await bare.events()
        assertError(await call(bare, 'POST', `/events/${event.id}/resend`, { targetId: 'default' }), 404)
        for (const body of [{}, { targetId: '' }, { targetId: 'default', extra: 1 }, { targetId: 7 }]) {
          assertError(await call(c, 'POST', `/events/${events[0].id}/resend`, body), 400)
        }
        assertError(await call(c, 'POST', '/events/nope/resend', { targetId: 'default' }), 400)
        assert.equal(await t.database.db.selectFrom('delivery').select('id').where('tenant', '=', c.tenant).executeTakeFirst(), undefined)
      })
    })

    describe('recover', () => {
      it('makes the target’s failed deliveries created since the time pending and due now; others stay', async () => {
        const { c, events } = await setup('recover', 4)
        const [a, b, d, e] = events.map((event) => event.sequence)
        const old = await insertDelivery(c.tenant, a, 'default', { state: 'failed', attempts: 8, created_at: minutesAgo(120), finished_at: minutesAgo(60) })
        const recent = await insertDelivery(c.tenant, b, 'default', { state: 'failed', attempts: 8, created_at: minutesAgo(30), finished_at: minutesAgo(1) })
        const delivered = await insertDelivery(c.tenant, d, 'default', { state: 'delivered', attempts: 1, created_at: minutesAgo(30), finished_at: minutesAgo(29) })
        const otherTarget = await insertDelivery(c.tenant, e, 'created', { state: 'failed', attempts: 8, created_at: minutesAgo(30), finished_at: minutesAgo(1) })
        const since = minutesAgo(60).toISOString()
        const res = await call(c, 'POST', '/targets/http/default/recover', { since })
        assert.equal(res.statusCode, 202, res.body)
        assert.deepEqual(res.json(), { recovered: 1 })
        const row = await deliveryRow(recent)
        assert.deepEqual([row.state, row.attempts, row.attempt_base, row.finished_at], ['pending', 8, 8, null])
        assert.ok(row.next_attempt_at.getTime() <= (await dbNow()).getTime())
        assert.equal((await deliveryRow(old)).state, 'failed')
        assert.equal((await deliveryRow(delivered)).state, 'delivered')
        assert.equal((await deliveryRow(otherTarget)).state, 'failed')
        assert.deepEqual((await call(c, 'POST', '/targets/http/default/recover', { since })).json(), { recovered: 0 })
        const all = await call(c, 'POST', '/targets/http/default/recover', { since: '2000-01-01T00:00:00+02:00' })
        assert.deepEqual(all.json(), { recovered: 1 })
      })

      it('also brings forward deliveries waiting for a retry; never one being sent, nor a first attempt', async () => {
        const { c, events } = await setup('recoverwait', 4)
        const [a, b, d, e] = events.map((event) => event.sequence)
        const later = new Date(Date.now() + 3_600_000)
        const waiting = await insertDelivery(c.tenant, a, 'default', { state: 'pending', attempts: 2, next_attempt_at: later, last_status: 503 })
        const sending = await insertDelivery(c.tenant, b, 'default', { state: 'pending', attempts: 3, next_attempt_at: later, locked_by: 'worker-1' })
        const fresh = await insertDelivery(c.tenant, d, 'default', { state: 'pending', attempts: 0 })
        const failed = await insertDelivery(c.tenant, e, 'default', { state: 'failed', attempts: 8, finished_at: minutesAgo(1) })
        const before = await Promise.all([sending, fresh].map(deliveryRow))
        const res = await call(c, 'POST', '/targets/http/default/recover', { since: minutesAgo(60).toISOString() })
        assert.deepEqual(res.json(), { recovered: 2 })
        const now = (await dbNow()).getTime()
        for (const id of [waiting, failed]) {
          const row = await deliveryRow(id)
          assert.equal(row.state, 'pending')
          assert.equal(row.attempt_base, row.attempts, 'a fresh retry schedule')
          assert.ok(row.next_attempt_at.getTime() <= now)
        }
        assert.deepEqual(await Promise.all([sending, fresh].map(deliveryRow)), before, 'the one being sent and the first attempt are untouched')
      })

      it('refuses a disabled target (409), an unknown one (404), and a bad since (400)', async () => {
        const { c, events } = await setup('recover409')
        await insertDelivery(c.tenant, events[0].sequence, 'default', { state: 'failed', finished_at: new Date() })
        await t.database.db.updateTable('delivery_target').set({ disabled_at: new Date(), disabled_reason: 'failing for 5 days' }).where('tenant', '=', c.tenant).execute()
        const since = '2000-01-01T00:00:00Z'
        assertError(await call(c, 'POST', '/targets/http/default/recover', { since }), 409, /re-enable/)
        assertError(await call(c, 'POST', '/targets/http/nope/recover', { since }), 404)
        assertError(await call(c, 'POST', '/targets/other/default/recover', { since }), 404)
        assertError(await call(c, 'POST', '/targets/http/updated/recover', { since }), 409, /inactive/)
        for (const body of [{}, { since: 'yesterday' }, { since: '2026-01-01' }, { since: '2026-01-01T00:00:00' }, { since: '2026-13-01T00:00:00Z' }, { since, extra: true }]) {
          assertError(await call(c, 'POST', '/targets/http/default/recover', body), 400)
        }
      })
    })

    describe('bulk resend', () => {
      const resend = (c: TenantClient, body: Record<string, unknown>) => call(c, 'POST', '/deliveries/resend', body)
      const since = '2000-01-01T00:00:00Z'

      it('resends what the filter chooses in one call, with a fresh schedule, and counts it', async () => {
        const { c, events } = await setup('bulk', 4)
        const [a, b, d] = events.map((event) => event.sequence)
        const failedDefault = await insertDelivery(c.tenant, a, 'default', { state: 'failed', attempts: 8, finished_at: minutesAgo(5) })
        const failedEntry = await insertDelivery(c.tenant, a, 'created', { state: 'failed', attempts: 3, finished_at: minutesAgo(5) })
        const delivered = await insertDelivery(c.tenant, b, 'default', { state: 'delivered', attempts: 1, finished_at: minutesAgo(5) })
        const waiting = await insertDelivery(c.tenant, d, 'default', { state: 'pending', attempts: 2, next_attempt_at: new Date(Date.now() + 3_600_000) })

        assert.deepEqual((await resend(c, { since, state: 'failed', targetId: 'default' })).json(), { resent: 1 })
        const row = await deliveryRow(failedDefault)
        assert.deepEqual([row.state, row.attempt_base, row.finished_at], ['pending', 8, null])
        assert.equal((await deliveryRow(failedEntry)).state, 'failed', 'another target')
        assert.equal((await deliveryRow(delivered)).state, 'delivered', 'another state')

        assert.deepEqual((await resend(c, { since, state: 'failed' })).json(), { resent: 1 }, 'every target')
        assert.equal((await deliveryRow(failedEntry)).state, 'pending')
        assert.deepEqual((await resend(c, { since, eventType: UPDATED })).json(), { resent: 0 }, 'no event of that type')
        const future = new Date(Date.now() + 60_000).toISOString()
        assert.deepEqual((await resend(c, { since: future })).json(), { resent: 0 }, 'events published before since')
        assert.deepEqual((await resend(c, { since, until: '2001-01-01T00:00:00Z' })).json(), { resent: 0 }, 'events published after until')

        // Everything of one event type: the delivered one is sent again (a receiver may have lost it).
        assert.deepEqual((await resend(c, { since, eventType: CREATED, state: 'delivered' })).json(), { resent: 1 })
        assert.equal((await deliveryRow(delivered)).state, 'pending')
        assert.equal((await deliveryRow(waiting)).next_attempt_at.getTime() > Date.now(), true, 'not chosen so far')
        assert.deepEqual((await resend(c, { since, state: 'pending' })).json(), { resent: 4 })
        assert.ok((await deliveryRow(waiting)).next_attempt_at.getTime() <= (await dbNow()).getTime())
      })

      it('leaves deliveries being sent and deliveries to a disabled target alone', async () => {
        const { c, events } = await setup('bulkskip', 2)
        const [a, b] = events.map((event) => event.sequence)
        const later = new Date(Date.now() + 60_000)
        const sending = await insertDelivery(c.tenant, a, 'default', { state: 'pending', attempts: 1, next_attempt_at: later, locked_by: 'worker-1' })
        const toDisabled = await insertDelivery(c.tenant, b, 'created', { state: 'failed', attempts: 8, finished_at: minutesAgo(1) })
        await t.database.db.updateTable('delivery_target').set({ disabled_at: new Date(), disabled_reason: '410 Gone' }).where('tenant', '=', c.tenant).where('target_id', '=', 'created').execute()
        const before = await Promise.all([sending, toDisabled].map(deliveryRow))
        assert.deepEqual((await resend(c, { since })).json(), { resent: 0 })
        assert.deepEqual(await Promise.all([sending, toDisabled].map(deliveryRow)), before)
      })

      it('refuses a bad filter (400) and changes nothing', async () => {
        const { c, events } = await setup('bulkbad')
        const id = await insertDelivery(c.tenant, events[0].sequence, 'default', { state: 'failed', finished_at: minutesAgo(1) })
        const bad: Record<string, unknown>[] = [
          {},
          { state: 'failed' },
          { since: 'yesterday' },
          { since, until: since },
          { since, until: '1999-01-01T00:00:00Z' },
          { since, state: 'lost' },
          { since, eventType: 'customer-segment.nothing' },
          { since, targetId: '' },
          { since, extra: true },
        ]
        for (const body of bad) assertError(await resend(c, body), 400)
        assert.equal((await deliveryRow(id)).state, 'failed')
      })
    })

    describe('enable', () => {
      it('clears the disabled state and the failure clock; then resend and recover work again', async () => {
        const { c, events } = await setup('enable')
        await insertDelivery(c.tenant, events[0].sequence, 'default', { state: 'failed', finished_at: new Date() })
        await t.database.db
          .updateTable('delivery_target')
          .set({ disabled_at: new Date(), disabled_reason: '410 Gone', failing_since: minutesAgo(60) })
          .where('tenant', '=', c.tenant)
          .execute()
        const res = await call(c, 'POST', '/targets/http/default/enable')
        assert.equal(res.statusCode, 204, res.body)
        const target = await t.database.db.selectFrom('delivery_target').selectAll().where('tenant', '=', c.tenant).executeTakeFirstOrThrow()
        assert.deepEqual([target.disabled_at, target.disabled_reason, target.failing_since], [null, null, null])
        assert.equal((await call(c, 'POST', '/targets/http/default/enable')).statusCode, 204, 'idempotent')
        assert.deepEqual((await call(c, 'POST', '/targets/http/default/recover', { since: '2000-01-01T00:00:00Z' })).json(), { recovered: 1 })
      })

      it('answers 204 for a configured target that never had a delivery and 404 for an unknown one', async () => {
        const { c } = await setup('enable404')
        assert.equal((await call(c, 'POST', '/targets/http/created/enable')).statusCode, 204)
        assertError(await call(c, 'POST', '/targets/http/nope/enable'), 404, MESSAGES.notFound('http/nope'))
      })
    })

    describe('statistics', () => {
      const thisMonth = () => new Date().toISOString().slice(0, 7)

      it('counts delivered deliveries per UTC month, newest first, every month of the range', async () => {
        const { c, events } = await setup('stats', 6)
        const [a, b, d, e, f, g] = events.map((event) => event.sequence)
        await insertDelivery(c.tenant, a, 'default', { state: 'delivered', finished_at: new Date('2025-11-30T23:59:59.999Z') })
        await insertDelivery(c.tenant, b, 'default', { state: 'delivered', finished_at: new Date('2025-12-01T00:00:00Z') })
        await insertDelivery(c.tenant, b, 'created', { state: 'delivered', finished_at: new Date('2025-12-31T23:30:00-01:00') })
        await insertDelivery(c.tenant, d, 'default', { state: 'failed', finished_at: new Date('2025-12-15T00:00:00Z') })
        await insertDelivery(c.tenant, e, 'default', { state: 'pending' })
        await insertDelivery(c.tenant, f, 'default', { state: 'delivered', finished_at: new Date('2026-02-10T00:00:00Z') })
        await insertDelivery(c.tenant, g, 'default', { state: 'delivered', finished_at: new Date() })
        const other = await setup('statsother')
        await insertDelivery(other.c.tenant, other.events[0].sequence, 'default', { state: 'delivered', finished_at: new Date('2025-12-05T00:00:00Z') })

        const res = await call(c, 'GET', '/statistics?fromYearMonth=2025-11&toYearMonth=2026-02')
        assert.equal(res.statusCode, 200, res.body)
        assert.deepEqual(res.json(), {
          monthStatistics: [
            { statisticsMonth: '2026-02', succesfullySentWebhooks: 1 },
            { statisticsMonth: '2026-01', succesfullySentWebhooks: 1 },
            { statisticsMonth: '2025-12', succesfullySentWebhooks: 1 },
            { statisticsMonth: '2025-11', succesfullySentWebhooks: 1 },
          ],
        })
        assert.deepEqual((await call(c, 'GET', '/statistics?fromYearMonth=2025-12&toYearMonth=2025-12')).json().monthStatistics, [
          { statisticsMonth: '2025-12', succesfullySentWebhooks: 1 },
        ])
        assert.deepEqual((await call(c, 'GET', '/statistics')).json().monthStatistics, [{ statisticsMonth: thisMonth(), succesfullySentWebhooks: 1 }])
        assert.deepEqual((await call(c, 'GET', '/statistics?toYearMonth=2026-02')).json().monthStatistics, [{ statisticsMonth: '2026-02', succesfullySentWebhooks: 1 }])
        const open = (await call(c, 'GET', '/statistics?fromYearMonth=2025-11')).json().monthStatistics
        assert.equal(open[0].statisticsMonth, thisMonth())
        assert.equal(open.at(-1).statisticsMonth, '2025-11')
        assert.equal(open.reduce((n: number, m: { succesfullySentWebhooks: number }) => n + m.succesfullySentWebhooks, 0), 5)
      })

      it('refuses malformed months, a reversed range and a range over 120 months', async () => {
        const c = await tenantClient(t, freshTenant('statsbad'))
        for (const query of [
          'fromYearMonth=2026-13',
          'fromYearMonth=2026-1',
          'toYearMonth=202601',
          'toYearMonth=2026-00',
          'fromYearMonth=0000-01&toYearMonth=0000-02',
          'fromYearMonth=2026-01-01',
          'fromYearMonth=last',
          'fromYearMonth=2026-03&toYearMonth=2026-02',
          'fromYearMonth=2000-01&toYearMonth=2010-01',
        ]) {
          const res = await call(c, 'GET', `/statistics?${query}`)
          assert.equal(res.statusCode, 400, query)
          const body = res.json()
          assert.deepEqual([body.code, body.status], [400, 'Bad Request'])
          assert.ok(Array.isArray(body.details) && body.details.every((line: unknown) => typeof line === 'string'), 'the webhook contract lists details as strings')
          assert.match(body.details[0], /^(fromYearMonth|toYearMonth): /)
        }
        assert.equal((await call(c, 'GET', '/statistics?fromYearMonth=2000-02&toYearMonth=2010-01')).json().monthStatistics.length, 120)
        assert.equal((await call(c, 'GET', '/statistics?fromYearMonth=0001-01&toYearMonth=0001-02')).statusCode, 200)
        assert.equal((await call(c, 'GET', '/statistics?fromYearMonth=9999-11&toYearMonth=9999-12')).statusCode, 200)
      })

      it('reports the configured monthly limit', async () => {
        const app = await buildApp({
          database: t.database,
          verifyToken: createTokenVerifier(loadConfig({ AUTH_SECRET: TEST_SECRET }), new TextEncoder().encode(TEST_SECRET)),
          webhooksMonthlyLimit: 5000,
        })
        try {
          const token = await t.token({ tenant: 'limited', scopes: [SCOPES.webhookRead] })
          const res = await app.inject({ method: 'GET', url: '/webhook/limited/statistics?fromYearMonth=2026-01&toYearMonth=2026-01', headers: { authorization: `Bearer ${token}` } })
          assert.deepEqual(res.json(), { monthStatistics: [{ statisticsMonth: '2026-01', succesfullySentWebhooks: 0 }], webhooksLimit: 5000 })
        } finally {
          await app.close()
        }
      })
    })

    describe('scopes', () => {
      it('reads need webhook.subscription_read, writes need webhook.subscription_manage, and the tenant must match', async () => {
        const { c, events } = await setup('scopes')
        const id = await insertDelivery(c.tenant, events[0].sequence, 'default', { state: 'failed', finished_at: new Date() })
        const reads = ['/targets', `/deliveries/${id}/attempts`, '/statistics', `/events/${events[0].id}`]
        const writes: [string, unknown][] = [
          [`/events/${events[0].id}/resend`, { targetId: 'default' }],
          ['/targets/http/default/recover', { since: '2000-01-01T00:00:00Z' }],
          ['/deliveries/resend', { since: '2000-01-01T00:00:00Z' }],
          ['/targets/http/default/enable', undefined],
        ]
        const as = (scopes: string[], tenant = c.tenant) => t.token({ tenant, scopes })
        const segmentOnly = await as([SCOPES.segmentManage, SCOPES.segmentRead])
        const readOnly = await as([SCOPES.webhookRead])
        const manageOnly = await as([SCOPES.webhookManage])
        const foreign = await as([SCOPES.webhookRead, SCOPES.webhookManage], 'someoneelse')
        for (const path of reads) {
          for (const token of [segmentOnly, foreign]) {
            const res = await c.call({ method: 'GET', url: `/webhook/${c.tenant}${path}`, token })
            assert.equal(res.statusCode, 403, path)
            assert.match(res.json().message, MESSAGES.forbidden)
          }
          assert.equal((await c.call({ method: 'GET', url: `/webhook/${c.tenant}${path}`, token: readOnly })).statusCode, 200, path)
          assert.equal((await c.call({ method: 'GET', url: `/webhook/${c.tenant}${path}`, token: null })).statusCode, 401, path)
        }
        for (const [path, payload] of writes) {
          for (const token of [segmentOnly, readOnly, foreign]) {
            assertError(await c.call({ method: 'POST', url: `/webhook/${c.tenant}${path}`, payload: payload as object, token }), 403, MESSAGES.forbidden)
          }
        }
        assert.equal((await deliveryRow(id)).state, 'failed', 'refused writes changed nothing')
        for (const [path, payload] of writes) {
          const res = await c.call({ method: 'POST', url: `/webhook/${c.tenant}${path}`, payload: payload as object, token: manageOnly })
          assert.ok([202, 204].includes(res.statusCode), `${path}: ${res.body}`)
        }
      })
    })

    describe('with a running delivery engine', () => {
      let live: TestApp
      let receiver: Receiver
      before(async () => {
        live = await startTestApp(engine, { delivery: { retryDelaysMs: [10, 10, 10, 10, 10, 10, 10] } })
        receiver = await startReceiver(() => ({ status: 500, body: 'down for maintenance' }))
      })
      after(async () => {
        await receiver.close()
        await live.close()
      })

      it('shows failures and their attempts, recovers them, resends with a fresh schedule, and counts deliveries', async () => {
        const c = await tenantClient(live, freshTenant('live'))
        await configureWebhook(live.database.db, c.tenant, { destinationUrl: `${receiver.url}/hook`, secretKey: SECRET })
        await subscribe(live.database.db, c.tenant, [CREATED])
        await c.create({ name: { en: 'Live' }, siteCode: 'main' })
        const [event] = await c.events()
        const readEvent = async () => (await call(c, 'GET', `/events/${event.id}`)).json()
        const settled = (attempts: number, state: DeliveryState) => async () => {
          const [delivery] = (await readEvent()).deliveries
          return delivery?.state === state && delivery.attempts === attempts && delivery
        }

        const failed = await waitFor('8 failed attempts', settled(8, 'failed'))
        assert.deepEqual([failed.targetId, failed.lastStatus, failed.nextAttemptAt], ['default', 500, null])
        const attempts = (await call(c, 'GET', `/deliveries/${failed.id}/attempts`)).json()
        assert.deepEqual(attempts.map((a: { attempt: number }) => a.attempt), [1, 2, 3, 4, 5, 6, 7, 8])
        assert.ok(attempts.every((a: { status: number; responseExcerpt: string }) => a.status === 500 && a.responseExcerpt === 'down for maintenance'))
        assert.equal((await call(c, 'GET', '/targets')).json()[0].failedDeliveries, 1)

        receiver.reply = () => ({ status: 204 })
        const recovered = await call(c, 'POST', '/targets/http/default/recover', { since: '2000-01-01T00:00:00Z' })
        assert.deepEqual(recovered.json(), { recovered: 1 })
        await waitFor('the recovered delivery', settled(9, 'delivered'))
        const month = new Date().toISOString().slice(0, 7)
        assert.deepEqual((await call(c, 'GET', '/statistics')).json().monthStatistics, [{ statisticsMonth: month, succesfullySentWebhooks: 1 }])

        receiver.reply = () => ({ status: 503 })
        assert.equal((await call(c, 'POST', `/events/${event.id}/resend`, { targetId: 'default' })).statusCode, 202)
        // Attempt 9 was the last of the first schedule; the resend gets 8 more, not 1.
        await waitFor('the resent delivery to run out of retries', settled(17, 'failed'))
        assert.equal(receiver.to('/hook', event.id).length, 17)
        assert.deepEqual((await call(c, 'GET', '/statistics')).json().monthStatistics, [{ statisticsMonth: month, succesfullySentWebhooks: 0 }])
      })
    })

    it('documents the routes in the OpenAPI document under the Delivery log tag', async () => {
      const doc = (await t.call({ method: 'GET', url: '/openapi.json', token: null })).json()
      for (const [path, method] of [
        ['/webhook/{tenant}/deliveries/{deliveryId}/attempts', 'get'],
        ['/webhook/{tenant}/targets', 'get'],
        ['/webhook/{tenant}/events/{eventId}/resend', 'post'],
        ['/webhook/{tenant}/targets/{configCode}/{targetId}/recover', 'post'],
        ['/webhook/{tenant}/targets/{configCode}/{targetId}/enable', 'post'],
        ['/webhook/{tenant}/statistics', 'get'],
      ]) {
        assert.deepEqual(doc.paths[path]?.[method]?.tags, ['Delivery log'], `${method} ${path}`)
      }
      assert.ok(doc.paths['/webhook/{tenant}/events/{eventId}']?.get)
      const statistics = doc.paths['/webhook/{tenant}/statistics'].get.responses
      // Shared shapes are named components: follow the reference.
      const schemaOf = (response: { content: Record<string, { schema: { $ref?: string } }> }) => {
        const schema = response.content['application/json'].schema
        return schema.$ref ? doc.components.schemas[schema.$ref.split('/').at(-1) as string] : schema
      }
      assert.ok(schemaOf(statistics['200']).properties.monthStatistics.items.properties.succesfullySentWebhooks)
      assert.equal(schemaOf(statistics['400']).properties.details.type, 'array', 'the webhook contract’s error shape')
    })
  })
}

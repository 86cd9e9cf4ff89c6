/**
 * The README's webhook walk-through, end to end: a config made through the webhook API points at a
 * `segments listen` process (which answers the destination probe, as `serve` runs it), all nine event
 * types are subscribed, and each segment and assignment step of the walk-through arrives there as its
 * event type, both signatures verified by the listener, the payload valid against its published schema.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Compile } from 'typebox/compile'
import { type EventType, eventPayloadSchemas, eventTypes } from '../src/events/catalogue.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { type Listener, startListener } from './support/listen-process.js'

const SECRET = 'walk-through-secret'
const validators = Object.fromEntries(eventTypes.map((type) => [type, Compile(eventPayloadSchemas[type])])) as Record<EventType, ReturnType<typeof Compile>>

interface ListenedEvent {
  status: number
  path: string
  verification: { emporix: string; standardWebhooks: string } | null
  headers: Record<string, string>
  event: Record<string, unknown>
}

for (const engine of ENGINES) {
  describe(`webhook walk-through on ${engine}`, () => {
    let t: TestApp
    let listener: Listener
    before(async () => {
      // As `segments serve` runs by default: the destination must answer when the config names it.
      t = await startTestApp(engine, { delivery: {}, destinationProbe: { enabled: true, timeoutMs: 3_000 } })
      listener = await startListener(['--secret', SECRET, '--json'])
    })
    after(async () => {
      listener.child.kill('SIGINT')
      await t.close()
    })

    const call = async (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload: unknown, status: number) => {
      const res = await t.call({ method, url, payload: payload as object })
      assert.equal(res.statusCode, status, `${method} ${url}: ${res.body}`)
      return res
    }

    it('delivers each step as its event type, signed and schema-valid', async () => {
      await call('POST', '/webhook/acme/config', {
        code: 'http',
        provider: 'HTTP',
        active: true,
        configuration: { destinationUrl: `${listener.url}/events`, secretKey: SECRET },
      }, 201)
      const subscribed = await call('PATCH', '/webhook/acme/event-subscriptions', eventTypes.map((eventType) => ({ eventType, action: 'SUBSCRIBE' })), 207)
      assert.deepEqual(subscribed.json().map((item: { code: number }) => item.code), eventTypes.map(() => 200))

      const segments = '/customer-segment/acme/segments'
      await call('POST', segments, { id: 'gold', name: { en: 'Golden customers' }, siteCode: 'main', status: 'ACTIVE' }, 201)
      await call('PUT', `${segments}/gold/customers/c1`, { customer: { email: 'ann@example.com', firstName: 'Ann' } }, 201)
      await call('PUT', `${segments}/gold/items/PRODUCT/p1`, {}, 201)
      await call('PATCH', `${segments}/gold`, [{ op: 'replace', path: '/status', value: 'INACTIVE' }], 204)
      await call('PUT', `${segments}/gold/customers/c1`, { mixins: { loyalty: { tier: 2 } } }, 204)
      await call('PUT', `${segments}/gold/items/PRODUCT/p1`, { mixins: { loyalty: { tier: 2 } } }, 204)
      await call('DELETE', `${segments}/gold?forceDelete=true`, undefined, 204)

      const received = (await listener.lines(9)).map((line) => JSON.parse(line) as ListenedEvent)
      // Delivery order is not promised; the per-subject sequence is.
      received.sort((a, b) => Number(a.headers['ce-sequence']) - Number(b.headers['ce-sequence']))
      assert.deepEqual(
        received.map((r) => r.headers['ce-type']),
        [
          'customer-segment.segment-created',
          'customer-segment.customer-assignment-created',
          'customer-segment.item-assignment-created',
          'customer-segment.segment-updated',
          'customer-segment.customer-assignment-updated',
          'customer-segment.item-assignment-updated',
          'customer-segment.customer-assignment-deleted',
          'customer-segment.item-assignment-deleted',
          'customer-segment.segment-deleted',
        ],
      )
      for (const r of received) {
        const type = r.headers['ce-type'] as EventType
        assert.equal(r.status, 204)
        assert.equal(r.path, '/events')
        assert.deepEqual(r.verification, { emporix: 'valid', standardWebhooks: 'valid' }, type)
        assert.ok(validators[type].Check(r.event), `${type} payload breaks its schema: ${JSON.stringify(r.event)}`)
        assert.equal(r.event.tenant, 'acme')
      }
      assert.equal(received[3].event.previousStatus, 'ACTIVE')
      assert.deepEqual(received[1].event.customer, { id: 'c1', email: 'ann@example.com', firstName: 'Ann' })
    })
  })
}

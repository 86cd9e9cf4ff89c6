/**
 * Event subscriptions: the catalogue of the nine events with each one's state, Accept-Language, the
 * version rule (first change without a version, then always the latest), 207 results one per item,
 * field selection, unknown event types and fields, bad bodies, scopes, and what the dispatcher reads.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { SCOPES } from '../src/auth/principal.js'
import { eventPayloadSchemas, eventTypes } from '../src/events/catalogue.js'
import { loadRouting } from '../src/webhooks/routing.js'
import { ENGINES, siblingApp, startTestApp, type TestApp } from './support/harness.js'
import { freshTenant, ISO_MS } from './support/segment-helpers.js'
import { assertWebhookError, EXAMPLES, mapped, type WebhookClient, webhookClient } from './support/webhook-helpers.js'

const CREATED = 'customer-segment.segment-created'
const UPDATED = 'customer-segment.segment-updated'
const ASSIGNED = 'customer-segment.customer-assignment-created'

type Subscription = { event: Record<string, any>; subscription: string; excludedFields: string[]; metadata?: Record<string, any> }
type Result = { eventType: string; code: number; status: string; message?: string }

for (const engine of ENGINES) {
  describe(`event subscriptions on ${engine}`, () => {
    let t: TestApp
    let c: WebhookClient
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    const client = async (prefix: string, scopes?: string[]) => {
      c = await webhookClient(t, freshTenant(prefix), scopes)
      return c
    }
    const list = async (headers?: Record<string, string>): Promise<Subscription[]> => {
      const res = await c.call({ method: 'GET', url: c.url('/event-subscriptions'), headers })
      assert.equal(res.statusCode, 200, res.body)
      return res.json()
    }
    const of = async (type: string) => (await list()).find((s) => s.event.type === type) as Subscription
    const update = async (items: unknown): Promise<Result[]> => {
      const res = await c.call({ method: 'PATCH', url: c.url('/event-subscriptions'), payload: items as object })
      assert.equal(res.statusCode, 207, res.body)
      return res.json()
    }
    const rows = () => t.database.db.selectFrom('event_subscription').selectAll().where('tenant', '=', c.tenant).orderBy('event_type').execute()

    describe('the catalogue', () => {
      it('lists the nine events in catalogue order, never subscribed: NONE, no exclusions, empty metadata', async () => {
        await client('catalogue')
        const subscriptions = await list()
        assert.deepEqual(subscriptions.map((s) => s.event.type), eventTypes)
        for (const s of subscriptions) {
          assert.deepEqual(Object.keys(s).sort(), ['event', 'excludedFields', 'metadata', 'subscription'])
          assert.deepEqual(s.metadata, {})
          assert.equal(s.subscription, 'NONE')
          assert.deepEqual(s.excludedFields, [])
          assert.deepEqual(Object.keys(s.event).sort(), ['description', 'eventSchema', 'group', 'name', 'type'])
          for (const text of [s.event.name, s.event.description, s.event.group]) {
            assert.deepEqual(Object.keys(text).sort(), ['de', 'en'])
            assert.ok(text.en.length > 0 && text.de.length > 0)
          }
        }
        const names = subscriptions.map((s) => s.event.name.en)
        assert.equal(new Set(names).size, 9, 'each event has its own name')
      })

      it('derives each eventSchema from the payload schema: its top-level fields and their kinds', async () => {
        await client('schema')
        for (const s of await list()) {
          const properties = (eventPayloadSchemas as Record<string, { properties: object }>)[s.event.type].properties
          assert.deepEqual(Object.keys(s.event.eventSchema), Object.keys(properties), s.event.type)
        }
        const created = (await of(CREATED)).event.eventSchema
        assert.equal(created.id, 'String')
        assert.equal(created.name, 'LocalizedString')
        assert.equal(created.status, 'String')
        assert.equal(created.metadata, 'Object')
        assert.equal((await of(ASSIGNED)).event.eventSchema.mixins, 'Map')
        assert.equal((await of(ASSIGNED)).event.eventSchema.customer, 'Object')
      })

      it('narrows the texts to the best language of Accept-Language, keeping maps', async () => {
        await client('language')
        const names = async (acceptLanguage?: string) =>
          (await list(acceptLanguage === undefined ? undefined : { 'accept-language': acceptLanguage })).find((s) => s.event.type === CREATED)?.event
        assert.deepEqual((await names('de'))?.name, { de: 'Segment angelegt' })
        assert.deepEqual((await names('de-AT, en;q=0.5'))?.group, { de: 'Kundensegment' })
        assert.deepEqual((await names('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7'))?.name, { en: 'Segment created' })
        assert.deepEqual((await names('ja'))?.description, { en: (await names())?.description.en })
        assert.deepEqual(Object.keys((await names('*'))?.name).sort(), ['de', 'en'])
      })

      it('falls back to the default language when it has a text, else to English', async () => {
        for (const [defaultLanguage, expected] of [['de', { de: 'Segment angelegt' }], ['fr', { en: 'Segment created' }]] as const) {
          const other = await siblingApp(t, { defaultLanguage })
          try {
            const sibling = await webhookClient(other, freshTenant('deflang'))
            const res = await sibling.call({ method: 'GET', url: sibling.url('/event-subscriptions'), headers: { 'accept-language': 'ja' } })
            assert.equal(res.statusCode, 200, res.body)
            assert.deepEqual(res.json().find((s: Subscription) => s.event.type === CREATED).event.name, expected)
          } finally {
            await other.close()
          }
        }
      })
    })

    describe('the version rule', () => {
      it('takes the first change without a version (version 1), then only the latest version', async () => {
        await client('versions')
        const before = Date.now()
        assert.deepEqual(await update([{ eventType: CREATED, action: 'SUBSCRIBE' }]), [{ eventType: CREATED, code: 200, status: 'OK' }])
        let s = await of(CREATED)
        assert.equal(s.subscription, 'SUBSCRIBED')
        assert.equal(s.metadata?.version, 1)
        assert.match(s.metadata?.createdAt, ISO_MS)
        assert.equal(s.metadata?.modifiedAt, s.metadata?.createdAt)
        assert.ok(Date.parse(s.metadata?.createdAt) >= before - 1000)

        for (const metadata of [undefined, {}, { version: 2 }]) {
          const [result] = await update([{ eventType: CREATED, action: 'UNSUBSCRIBE', ...(metadata ? { metadata } : {}) }])
          assert.deepEqual(Object.keys(result).sort(), ['code', 'eventType', 'message', 'status'])
          assert.equal(result.code, 409)
          assert.equal(result.status, 'CONFLICT')
          assert.match(result.message ?? '', /is at version 1: every change must carry the latest metadata.version/)
        }
        assert.equal((await of(CREATED)).subscription, 'SUBSCRIBED', 'a refused item changes nothing')

        assert.deepEqual(await update([{ eventType: CREATED, action: 'UNSUBSCRIBE', metadata: { version: 1 } }]), [{ eventType: CREATED, code: 200, status: 'OK' }])
        s = await of(CREATED)
        assert.equal(s.subscription, 'UNSUBSCRIBED')
        assert.equal(s.metadata?.version, 2)
        assert.ok(Date.parse(s.metadata?.modifiedAt) >= Date.parse(s.metadata?.createdAt))
        assert.equal((await update([{ eventType: CREATED, action: 'SUBSCRIBE', metadata: { version: 1 } }]))[0].code, 409, 'an old version is stale')
      })

      it('takes version 1 on the first change of a never-subscribed type, as the contract example sends; any other version is 409', async () => {
        await client('firstversion')
        const [stale] = await update([{ eventType: CREATED, action: 'SUBSCRIBE', metadata: { version: 2 } }])
        assert.equal(stale.code, 409)
        assert.match(stale.message ?? '', /has no version yet: send the first change without metadata.version, or with version 1/)
        assert.deepEqual(await rows(), [])
        assert.deepEqual(await update([{ eventType: CREATED, action: 'SUBSCRIBE', metadata: { version: 1 } }]), [{ eventType: CREATED, code: 200, status: 'OK' }])
        const s = await of(CREATED)
        assert.equal(s.subscription, 'SUBSCRIBED')
        assert.equal(s.metadata?.version, 1)
        assert.equal((await update([{ eventType: CREATED, action: 'UNSUBSCRIBE', metadata: { version: 1 } }]))[0].code, 200, 'then version 1 is the latest')
        assert.equal((await of(CREATED)).metadata?.version, 2)
      })

      it('keeps the version when a change changes nothing', async () => {
        await client('noop')
        await update([{ eventType: CREATED, action: 'SUBSCRIBE', fieldsToUnsubscribe: ['metadata'] }])
        const before = await of(CREATED)
        assert.deepEqual(await update([{ eventType: CREATED, action: 'SUBSCRIBE', fieldsToUnsubscribe: ['metadata'], metadata: { version: 1 } }]), [
          { eventType: CREATED, code: 200, status: 'OK' },
        ])
        assert.deepEqual(await of(CREATED), before)
      })

      it('applies items in order: a second item for the same type needs the version the first one made', async () => {
        await client('sametype')
        const results = await update([
          { eventType: CREATED, action: 'SUBSCRIBE' },
          { eventType: CREATED, action: 'UNSUBSCRIBE' },
          { eventType: CREATED, action: 'UNSUBSCRIBE', metadata: { version: 1 } },
        ])
        assert.deepEqual(results.map((r) => r.code), [200, 409, 200])
        assert.equal((await of(CREATED)).metadata?.version, 2)
      })
    })

    describe('207 results', () => {
      it('answers the contract request example (types mapped) with one OK per item once both are at the versions it names', async () => {
        await client('example')
        await update([{ eventType: CREATED, action: 'SUBSCRIBE', fieldsToUnsubscribe: ['name'] }])
        await update([{ eventType: UPDATED, action: 'SUBSCRIBE' }])
        await update([{ eventType: UPDATED, fieldsToUnsubscribe: ['mixins'], metadata: { version: 1 } }])
        const results = await update(mapped(EXAMPLES.subscriptions, 'subscriptions'))
        assert.deepEqual(results, [
          { eventType: CREATED, code: 200, status: 'OK' },
          { eventType: UPDATED, code: 200, status: 'OK' },
        ])
        const created = await of(CREATED)
        assert.equal(created.subscription, 'SUBSCRIBED')
        assert.deepEqual(created.excludedFields, ['description'])
        assert.equal(created.metadata?.version, 2)
        const updated = await of(UPDATED)
        assert.equal(updated.subscription, 'UNSUBSCRIBED')
        assert.deepEqual(updated.excludedFields, ['mixins'])
        assert.equal(updated.metadata?.version, 3)
      })

      it('answers the contract request example (types mapped) on a fresh tenant: the first subscription at version 1 is taken, version 2 of a type never subscribed is not', async () => {
        await client('firstexample')
        const results = await update(mapped(EXAMPLES.subscriptions, 'subscriptions'))
        assert.deepEqual(results.map((r) => [r.eventType, r.code]), [
          [CREATED, 200],
          [UPDATED, 409],
        ])
        const created = await of(CREATED)
        assert.equal(created.subscription, 'SUBSCRIBED')
        assert.deepEqual(created.excludedFields, ['description'])
        assert.equal(created.metadata?.version, 1)
        assert.deepEqual((await of(UPDATED)).metadata, {})
      })

      it('answers the contract example as written with a 404 per item: product events are not in the catalogue', async () => {
        await client('verbatim')
        const results = await update(EXAMPLES.subscriptions)
        assert.deepEqual(results.map((r) => [r.eventType, r.code, r.status]), [
          ['product.created', 404, 'NOT_FOUND'],
          ['product.updated', 404, 'NOT_FOUND'],
        ])
        assert.match(results[0].message ?? '', /'product.created' is not in this service's event catalogue/)
        assert.deepEqual(await rows(), [])
      })

      it('does not let one bad item undo the good ones', async () => {
        await client('mixed')
        const results = await update([
          { eventType: CREATED, action: 'SUBSCRIBE' },
          { eventType: 'customer-segment.nothing', action: 'SUBSCRIBE' },
          { eventType: UPDATED, action: 'SUBSCRIBE', fieldsToUnsubscribe: ['colour'] },
          { eventType: ASSIGNED.toUpperCase(), action: 'SUBSCRIBE' },
        ])
        assert.deepEqual(results.map((r) => [r.eventType, r.code, r.status]), [
          [CREATED, 200, 'OK'],
          ['customer-segment.nothing', 404, 'NOT_FOUND'],
          [UPDATED, 400, 'BAD_REQUEST'],
          [ASSIGNED.toUpperCase(), 200, 'OK'],
        ])
        assert.deepEqual((await rows()).map((row) => [row.event_type, row.subscribed]), [
          [ASSIGNED, true],
          [CREATED, true],
        ])
        assert.equal((await of(UPDATED)).subscription, 'NONE')
      })

      it('answers an empty list with an empty 207', async () => {
        await client('empty')
        assert.deepEqual(await update([]), [])
      })
    })

    describe('field selection', () => {
      it('adds fieldsToUnsubscribe to the excluded fields and takes fieldsToSubscribe out again', async () => {
        await client('fields')
        await update([{ eventType: ASSIGNED, action: 'SUBSCRIBE', fieldsToUnsubscribe: ['mixins', 'metadata'] }])
        assert.deepEqual((await of(ASSIGNED)).excludedFields, ['mixins', 'metadata'])
        await update([{ eventType: ASSIGNED, fieldsToUnsubscribe: ['customer'], fieldsToSubscribe: ['mixins'], metadata: { version: 1 } }])
        const s = await of(ASSIGNED)
        assert.equal(s.subscription, 'SUBSCRIBED', 'no action keeps the subscription state')
        assert.deepEqual(s.excludedFields, ['customer', 'metadata'])
        assert.equal(s.metadata?.version, 2)
        await update([{ eventType: ASSIGNED, fieldsToSubscribe: ['customer', 'metadata', 'tenant'], metadata: { version: 2 } }])
        assert.deepEqual((await of(ASSIGNED)).excludedFields, [])
      })

      it('refuses unknown, nested and contradictory field names for that item only', async () => {
        await client('badfields')
        const items = [
          { eventType: CREATED, action: 'SUBSCRIBE', fieldsToUnsubscribe: ['colour'] },
          { eventType: CREATED, action: 'SUBSCRIBE', fieldsToUnsubscribe: ['metadata.version'] },
          { eventType: CREATED, action: 'SUBSCRIBE', fieldsToSubscribe: ['mixins'] },
          { eventType: CREATED, action: 'SUBSCRIBE', fieldsToUnsubscribe: ['name'], fieldsToSubscribe: ['name'] },
          { eventType: CREATED, action: 'SUBSCRIBE', fieldsToUnsubscribe: [''] },
        ]
        const results = await update(items)
        assert.deepEqual(results.map((r) => r.code), [400, 400, 400, 400, 400])
        assert.match(results[0].message ?? '', /'colour' is not a top-level field of customer-segment.segment-created payloads/)
        assert.match(results[3].message ?? '', /also in fieldsToUnsubscribe/)
        assert.deepEqual(await rows(), [])
      })

      it('stores what the dispatcher reads: the catalogue type, the flag and the excluded fields', async () => {
        await client('dispatch')
        await update([{ eventType: 'Customer-Segment.Segment-Created', action: 'SUBSCRIBE', fieldsToUnsubscribe: ['metadata'] }])
        const [row] = await rows()
        assert.equal(row.event_type, CREATED)
        const routing = (await loadRouting(t.database.db, [c.tenant])).get(c.tenant)
        assert.deepEqual(routing?.subscriptions.get(CREATED), { subscribed: true, excludedFields: ['metadata'] })
      })
    })

    describe('bad requests and scopes', () => {
      it('refuses malformed bodies with 400 in the webhook error shape, changing nothing', async () => {
        await client('bodies')
        const bodies = [
          {},
          [{ action: 'SUBSCRIBE' }],
          [{ eventType: CREATED, action: 'FOLLOW' }],
          [{ eventType: CREATED, action: 'SUBSCRIBE', colour: 'red' }],
          [{ eventType: CREATED, metadata: { version: 0 } }],
          [{ eventType: CREATED, metadata: { version: '1' } }],
          [{ eventType: CREATED, metadata: { version: 1, createdAt: 'x' } }],
          [{ eventType: CREATED, fieldsToUnsubscribe: 'metadata' }],
          [{ eventType: CREATED, fieldsToSubscribe: [1] }],
          [{ eventType: 5 }],
          [{ eventType: '' }],
          Array.from({ length: 201 }, () => ({ eventType: CREATED })),
        ]
        for (const body of bodies) {
          assertWebhookError(await c.call({ method: 'PATCH', url: c.url('/event-subscriptions'), payload: body as object }), 400)
        }
        assert.deepEqual(await rows(), [])
      })

      it('lets the read scope read but not change, the manage scope change but not read', async () => {
        const owner = await client('scopes')
        const reader = await webhookClient(t, owner.tenant, [SCOPES.webhookRead])
        const manager = await webhookClient(t, owner.tenant, [SCOPES.webhookManage])
        const patch = (cl: WebhookClient) => cl.call({ method: 'PATCH', url: cl.url('/event-subscriptions'), payload: [{ eventType: CREATED, action: 'SUBSCRIBE' }] })
        const get = (cl: WebhookClient) => cl.call({ method: 'GET', url: cl.url('/event-subscriptions') })
        assert.equal((await get(reader)).statusCode, 200)
        assertWebhookError(await patch(reader), 403)
        assertWebhookError(await get(manager), 403)
        assert.deepEqual(await rows(), [])
        assert.equal((await patch(manager)).statusCode, 207)
        assert.equal((await rows()).length, 1)
        assertWebhookError(await get({ ...owner, call: (options) => t.call({ ...options, token: null }) }), 401)
        const stranger = await webhookClient(t, freshTenant('stranger'))
        assertWebhookError(await stranger.call({ method: 'GET', url: owner.url('/event-subscriptions') }), 403)
      })
    })
  })
}

/**
 * Webhook filters as platform users write them (Jayway JsonPath), end to end on each storage engine: a
 * config made through the webhook API keeps each filter as written, and events made through the API reach
 * exactly the entries whose filter matches their payload, beside an RFC 9535 filter that works as before.
 * A filter with no translation is refused when written, naming what is not supported, and changes nothing.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { assignCustomer, assignItem } from './support/assignment-helpers.js'
import { type Receiver, sleep, startReceiver, waitFor } from './support/delivery-helpers.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { freshTenant, tenantClient } from './support/segment-helpers.js'
import { assertWebhookError, webhookClient } from './support/webhook-helpers.js'

const SEGMENT_CREATED = 'customer-segment.segment-created'
const CUSTOMER_CREATED = 'customer-segment.customer-assignment-created'
const ITEM_CREATED = 'customer-segment.item-assignment-created'

/** Entry name → [event type, filter, the ids of the payloads it should pass]. */
const ENTRIES: Record<string, [string, string, string[]]> = {
  regex: [SEGMENT_CREATED, '$[?(@.id =~ /GOLD-.*/i)]', ['gold-2026']],
  in: [SEGMENT_CREATED, "$[?(@.status in ['ACTIVE', 'DRAFT'])]", ['gold-2026']],
  nin: [SEGMENT_CREATED, "$[?(@.siteCode nin ['main'])]", ['silver']],
  object: [SEGMENT_CREATED, '$.name[?(@.en =~ /silver.*/i)]', ['silver']],
  rfc: [SEGMENT_CREATED, "$[?@.status == 'ACTIVE' && search(@.id, '^gold')]", ['gold-2026']],
  anyof: [CUSTOMER_CREATED, "$[?(@.mixins.loyalty.tags anyof ['vip', 'gold'])]", ['ann']],
  empty: [CUSTOMER_CREATED, '$[?(@.mixins.loyalty.tags empty true)]', ['bob']],
  size: [CUSTOMER_CREATED, '$[?(@.mixins.loyalty.tags size 2 && @.customer.email =~ /.*@example\\.com/)]', ['ann']],
  customer: [CUSTOMER_CREATED, '$.customer[?(@.email =~ /.*@OTHER\\.ORG/i)]', ['bob']],
  length: [CUSTOMER_CREATED, '$[?(@.mixins.loyalty.tags.length() >= 1 && @.mixins.loyalty.points.max() > 50)]', ['ann']],
  dotted: [ITEM_CREATED, "$.[?(@.type == 'PRODUCT')]", ['p1']],
  notProduct: [ITEM_CREATED, "$[?(@.type != 'PRODUCT' && !@.legalEntity)]", ['k1']],
}

/** The id a delivered payload is about: the segment's, the customer's or the item's. */
function subjectId(body: string): string {
  const payload = JSON.parse(body)
  return payload.customer?.id ?? payload.item?.id ?? payload.id
}

for (const engine of ENGINES) {
  describe(`Jayway webhook filters on ${engine}`, () => {
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

    it('delivers each event to the entries whose filter matches it, and keeps the filters as written', async () => {
      const c = await tenantClient(t, freshTenant('jayway'))
      const w = await webhookClient(t, c.tenant)
      const entries = Object.entries(ENTRIES)
      await w.create({
        code: 'http',
        provider: 'HTTP',
        active: true,
        configuration: {
          eventsConfiguration: entries.map(([name, [eventType, filter]]) => ({ eventType, name, filter, destinationUrl: `${receiver.url}/${c.tenant}/${name}` })),
        },
      })
      const stored = await w.read()
      assert.deepEqual(
        stored.configuration.eventsConfiguration.map((entry: { name: string; filter: string }) => [entry.name, entry.filter]),
        entries.map(([name, [, filter]]) => [name, filter]),
        'each filter is kept as the tenant wrote it',
      )
      const subscribed = await w.call({
        method: 'PATCH',
        url: w.url('/event-subscriptions'),
        payload: [SEGMENT_CREATED, CUSTOMER_CREATED, ITEM_CREATED].map((eventType) => ({ eventType, action: 'SUBSCRIBE' })),
      })
      assert.equal(subscribed.statusCode, 207, subscribed.body)

      await c.create({ id: 'gold-2026', name: { en: 'Golden customers' }, siteCode: 'main', status: 'ACTIVE' })
      await c.create({ id: 'silver', name: { en: 'Silver customers' }, siteCode: 'uk', status: 'INACTIVE' })
      await assignCustomer(c, 'gold-2026', 'ann', undefined, {
        customer: { email: 'ann@example.com' },
        mixins: { loyalty: { tags: ['vip', 'b2b'], points: [10, 60] } },
      })
      await assignCustomer(c, 'gold-2026', 'bob', undefined, { customer: { email: 'bob@other.org' }, mixins: { loyalty: { tags: [], points: [] } } })
      await assignItem(c, 'gold-2026', 'PRODUCT', 'p1')
      await assignItem(c, 'gold-2026', 'CATEGORY', 'k1')

      const path = (name: string) => `/${c.tenant}/${name}`
      await waitFor('every matching delivery', () => entries.every(([name, [, , ids]]) => receiver.to(path(name)).length >= ids.length))
      await sleep(300)
      for (const [name, [, filter, ids]] of entries) {
        assert.deepEqual(receiver.to(path(name)).map((request) => subjectId(request.body)).sort(), [...ids].sort(), `${name}: ${filter}`)
      }
    })

    it('refuses a filter it cannot translate, naming the construct, and stores nothing', async () => {
      const w = await webhookClient(t, freshTenant('jaywayno'))
      const create = (filter: string) =>
        w.call({
          method: 'POST',
          url: w.url('/config'),
          payload: { code: 'http', provider: 'HTTP', active: true, configuration: { eventsConfiguration: [{ eventType: SEGMENT_CREATED, destinationUrl: `${receiver.url}/x`, filter }] } },
        })
      for (const [filter, named] of [
        ['$[?(@.id exists true)]', /'exists' is not supported: write @\.a to test that a field exists/],
        ['$[?(@.tags.keys() size 2)]', /the path function 'keys\(\)' is not supported/],
        ['$[?(@.id =~ /(?<=gold)-.*/)]', /is not a regular expression this service can run/],
        ['$[?(@.id =~ /gold/g)]', /the regular expression flag 'g' is not supported/],
        ["$[?(@.status in ['ACTIVE')]", /expected ',' or '\]' in the list/],
      ] as const) {
        const body = assertWebhookError(await create(filter), 400)
        assert.match(body.details?.join('\n') ?? '', /configuration\.eventsConfiguration\.0\.filter/, filter)
        assert.match(body.details?.join('\n') ?? '', named, filter)
      }
      assert.equal(await w.row(), undefined)

      await w.create({ code: 'http', provider: 'HTTP', active: true, configuration: { destinationUrl: `${receiver.url}/x` } })
      const before = await w.row()
      const patched = await w.patch([
        { op: 'UPSERT', path: '/configuration/http/eventsConfigurationEntry', value: { eventType: SEGMENT_CREATED, filter: "$[?(@.id in ['a'])]" } },
        { op: 'UPSERT', path: '/configuration/http/eventsConfigurationEntry', value: { eventType: SEGMENT_CREATED, filter: '$[?(@.id matches true)]' } },
      ])
      const body = assertWebhookError(patched, 400)
      assert.match(body.details?.join('\n') ?? '', /'matches' is not supported/)
      assert.deepEqual(await w.row(), before)
    })
  })
}

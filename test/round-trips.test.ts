/**
 * Read–modify–write, as contract clients do it: every upsert (segments, customer assignments B2C and B2B,
 * item assignments; single and bulk) takes back the body its GET returned with one field changed, and
 * answers as for any update (204, version + 1, the usual updated event). Read-only fields are ignored or,
 * where they name the resource, must match it: a mismatch is a 400 naming the field that writes nothing.
 * A stale `metadata.version` stays a 409. A map read with Accept-Language goes back under the same
 * Content-Language without losing the other languages.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { customerPath, feedDirectory, itemPath, readDirectory } from './support/assignment-helpers.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { assertError, freshTenant, MESSAGES, snapshot, type TenantClient, tenantClient } from './support/segment-helpers.js'

type Json = Record<string, any>

const SCHEMA_URL = 'https://example.com/schemas/attributes.json'
const GOLD = {
  id: 'gold',
  name: { en: 'Gold customers', de: 'Goldkunden' },
  description: { en: 'The best', de: 'Die Besten' },
  siteCode: 'main',
  status: 'ACTIVE',
  validity: { from: '2026-01-01T00:00:00.000Z', to: '2030-01-01T00:00:00.000Z' },
  mixins: { attributes: { tier: 1 } },
  metadata: { mixins: { attributes: SCHEMA_URL } },
}
const JOHN = { id: 'c1', email: 'john@example.com', firstName: 'John', lastName: 'Doe' }
const ACME = { id: 'le1', name: 'Acme Ltd' }
const HAMMER = { id: 'p1', code: 'HAM', name: { en: 'Hammer', de: 'Hammer (de)' } }
const TOOLS = { id: 'k1', code: 'TOOLS', name: { en: 'Tools', de: 'Werkzeuge' } }

for (const engine of ENGINES) {
  describe(`round trips on ${engine}`, () => {
    let t: TestApp
    let c: TenantClient
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    const setup = async (prefix: string) => {
      c = await tenantClient(t, freshTenant(prefix))
      await c.create(GOLD)
      await feedDirectory(c, 'customers', [JOHN])
      await feedDirectory(c, 'legal-entities', [ACME])
      await feedDirectory(c, 'products', [HAMMER])
      await feedDirectory(c, 'categories', [TOOLS])
    }
    const read = async (path: string, headers?: Record<string, string>): Promise<any> => {
      const res = await c.call({ method: 'GET', url: c.url(path), headers })
      assert.equal(res.statusCode, 200, res.body)
      return res.json()
    }
    const put = (path: string, payload: unknown, headers?: Record<string, string>) =>
      c.call({ method: 'PUT', url: c.url(path), payload: payload as object, headers })
    /** What a request emitted, as the event log has it. */
    const eventsOf = async (request: () => Promise<unknown>) => {
      const since = await c.lastSequence()
      await request()
      return c.events(since)
    }
    const bulkCodes = (res: { statusCode: number; body: string; json(): any }) => {
      assert.equal(res.statusCode, 207, res.body)
      return res.json().map((r: Json) => r.code)
    }
    /** The directory rows of the tenant, times included: a round trip must not rewrite them. */
    const directory = async () => {
      const db = t.database.db
      const of = (table: 'directory_customer' | 'directory_legal_entity' | 'directory_product' | 'directory_category') =>
        db.selectFrom(table).selectAll().where('tenant', '=', c.tenant).orderBy('id').execute()
      return Promise.all([of('directory_customer'), of('directory_legal_entity'), of('directory_product'), of('directory_category')])
    }

    /** The body read, then put back with one change: 204, version + 1, created kept, the change visible. */
    const roundTrip = async (path: string, change: (body: Json) => void, updated: string) => {
      const body = await read(path)
      const before = structuredClone(body)
      change(body)
      const directoryBefore = await directory()
      const events = await eventsOf(async () => {
        const res = await put(path, body)
        assert.equal(res.statusCode, 204, res.body)
      })
      const after = await read(path)
      assert.equal(after.metadata.version, before.metadata.version + 1)
      assert.equal(after.metadata.createdAt, before.metadata.createdAt)
      assert.ok(after.metadata.modifiedAt >= before.metadata.modifiedAt)
      assert.deepEqual({ ...after, metadata: undefined }, { ...body, metadata: undefined })
      assert.deepEqual(events.map((e) => e.type), [updated])
      assert.deepEqual(await directory(), directoryBefore, 'details read from the directory are not written back')
      return { before, after, events }
    }

    describe('segments', () => {
      it('PUT takes back what GET returned, with one change', async () => {
        await setup('segput')
        const { events } = await roundTrip('/gold', (body) => (body.status = 'INACTIVE'), 'customer-segment.segment-updated')
        assert.equal(events[0].payload.previousStatus, 'ACTIVE')
        assert.equal(events[0].payload.status, 'INACTIVE')
        assert.deepEqual(events[0].payload.name, GOLD.name)
        await roundTrip('/gold', (body) => (body.mixins.attributes.tier = 2), 'customer-segment.segment-updated')
      })

      it('the body as read, unchanged, is a no-op: 204, same version, no event', async () => {
        await setup('segsame')
        const body = await read('/gold')
        const events = await eventsOf(async () => assert.equal((await put('/gold', body)).statusCode, 204))
        assert.deepEqual(events, [])
        assert.deepEqual(await read('/gold'), body)
      })

      it('ignores the dates it keeps, and refuses a stale version with 409', async () => {
        await setup('segstale')
        const body = await read('/gold')
        body.metadata.createdAt = '2000-01-01T00:00:00.000Z'
        body.metadata.modifiedAt = '2000-01-02T00:00:00.000Z'
        body.name.en = 'Gold'
        assert.equal((await put('/gold', body)).statusCode, 204)
        const after = await read('/gold')
        assert.notEqual(after.metadata.createdAt, body.metadata.createdAt)
        assert.equal(after.metadata.version, 2)
        const before = await snapshot(t, c.tenant)
        body.name.en = 'Old news'
        assertError(await put('/gold', body), 409, MESSAGES.changed)
        assert.deepEqual(await snapshot(t, c.tenant), before)
      })

      it('refuses an id other than the path id with a 400 naming it, writing nothing', async () => {
        await setup('segid')
        const body = await read('/gold')
        const before = await snapshot(t, c.tenant)
        const error = assertError(await put('/silver', body), 400, /'id'/)
        assert.equal(error.details.field, 'id')
        assertError(await put('/gold', { ...body, id: 'silver' }), 400)
        assert.deepEqual(await snapshot(t, c.tenant), before)
      })

      it('a map read with Accept-Language goes back under the same Content-Language, keeping the other languages', async () => {
        await setup('seglang')
        const body = await read('/gold', { 'accept-language': 'de-CH, en;q=0.5' })
        assert.deepEqual(body.name, { de: 'Goldkunden' })
        assert.deepEqual(body.description, { de: 'Die Besten' })
        body.name.de = 'Goldene Kunden'
        const events = await eventsOf(async () => assert.equal((await put('/gold', body, { 'content-language': 'de' })).statusCode, 204))
        const after = await read('/gold')
        assert.deepEqual(after.name, { en: 'Gold customers', de: 'Goldene Kunden' })
        assert.deepEqual(after.description, GOLD.description)
        assert.deepEqual(events.map((e) => e.payload.name), [{ en: 'Gold customers', de: 'Goldene Kunden' }], 'events carry the whole map')
        // Without Content-Language a map is the whole new map.
        assert.equal((await put('/gold', { ...after, name: { fr: 'Clients or' } })).statusCode, 204)
        assert.deepEqual((await read('/gold')).name, { fr: 'Clients or' })
      })

      it('bulk PUT takes back the items a list returned, each with its change', async () => {
        await setup('segbulk')
        await c.create({ ...GOLD, id: 'silver', name: { en: 'Silver' } })
        const listed: Json[] = await read('?sort=id')
        assert.deepEqual(listed.map((s) => s.id), ['gold', 'silver'])
        listed[0].status = 'INACTIVE'
        listed[1].description = { en: 'Second best' }
        const events = await eventsOf(async () => assert.deepEqual(bulkCodes(await put('/bulk', listed)), [204, 204]))
        assert.deepEqual(events.map((e) => [e.type, e.subject]), [
          ['customer-segment.segment-updated', 'segments/gold'],
          ['customer-segment.segment-updated', 'segments/silver'],
        ])
        const again: Json[] = await read('?sort=id')
        assert.equal(again[0].status, 'INACTIVE')
        assert.deepEqual(again[1].description, { en: 'Second best' })
        assert.deepEqual(again.map((s) => s.metadata.version), [2, 2])

        // A stale item is its own 409; the others are written.
        again[0].status = 'ACTIVE'
        again[1].metadata.version = 1
        again[1].status = 'INACTIVE'
        assert.deepEqual(bulkCodes(await put('/bulk', again)), [204, 409])
        assert.deepEqual((await read('?sort=id')).map((s: Json) => [s.status, s.metadata.version]), [['ACTIVE', 3], ['ACTIVE', 2]])
      })
    })

    describe('customer assignments', () => {
      const b2c = customerPath('gold', JOHN.id)
      const b2b = customerPath('gold', JOHN.id, ACME.id)
      const assign = async (path: string) => assert.equal((await put(path, { mixins: { attributes: { since: 2020 } } })).statusCode, 201)

      it('B2C and B2B PUT take back what GET returned, with one change', async () => {
        await setup('caput')
        await assign(b2c)
        await assign(b2b)
        for (const path of [b2c, b2b]) {
          const { after, events } = await roundTrip(path, (body) => (body.mixins.attributes.since = 2021), 'customer-segment.customer-assignment-updated')
          assert.equal(after.assignmentType, 'MANUAL')
          assert.deepEqual(after.customer, JOHN)
          assert.deepEqual(events[0].payload.customer, JOHN)
          assert.equal(events[0].payload.segmentId, 'gold')
          assert.deepEqual(events[0].payload.mixins, { attributes: { since: 2021 } })
        }
        assert.deepEqual((await read(b2b)).legalEntity, ACME)
      })

      it('refuses a customer or legal entity other than the path one with a 400 naming it, writing nothing', async () => {
        await setup('caid')
        await assign(b2c)
        await assign(b2b)
        const before = await snapshot(t, c.tenant)
        const directoryBefore = await directory()
        const single = await read(b2c)
        let error = assertError(await put(customerPath('gold', 'c2'), single), 400)
        assert.equal(error.details.field, 'customer.id')
        const withEntity = await read(b2b)
        error = assertError(await put(customerPath('gold', JOHN.id, 'le2'), withEntity), 400)
        assert.equal(error.details.field, 'legalEntity.id')
        error = assertError(await put(b2c, withEntity), 400)
        assert.equal(error.details.field, 'legalEntity')
        assertError(await put(b2c, { ...single, assignmentType: 'SOMETIMES' }), 400, /assignmentType/)
        assert.deepEqual(await snapshot(t, c.tenant), before)
        assert.deepEqual(await directory(), directoryBefore)
      })

      it('bulk PUT takes back the items a list returned (keys from customer.id and legalEntity.id)', async () => {
        await setup('cabulk')
        await assign(b2c)
        await assign(b2b)
        const listed: Json[] = await read(`${customerPath('gold')}?sort=legalEntity.id`)
        assert.equal(listed.length, 2)
        for (const item of listed) item.mixins.attributes.since = 2022
        const events = await eventsOf(async () => assert.deepEqual(bulkCodes(await put(`${customerPath('gold')}/bulk`, listed)), [204, 204]))
        assert.deepEqual(events.map((e) => [e.type, e.subject]).sort(), [
          ['customer-segment.customer-assignment-updated', 'segments/gold/customers/c1'],
          ['customer-segment.customer-assignment-updated', 'segments/gold/customers/c1/le1'],
        ])
        for (const path of [b2c, b2b]) {
          const after = await read(path)
          assert.deepEqual(after.mixins, { attributes: { since: 2022 } })
          assert.equal(after.metadata.version, 2)
        }
      })

      it('bulk: an item whose keys disagree, or that names no customer, is its own 400 and writes nothing', async () => {
        await setup('cabulkid')
        await assign(b2c)
        const [listed] = await read(customerPath('gold'))
        const before = await snapshot(t, c.tenant)
        const res = await put(`${customerPath('gold')}/bulk`, [
          { ...listed, customerId: 'c2' },
          { ...listed, customer: undefined },
          { ...listed, legalEntityId: 'le1', legalEntity: { id: 'le2' } },
        ])
        assert.deepEqual(bulkCodes(res), [400, 400, 400])
        assert.match(res.json()[0].message, /customer\.id/)
        assert.match(res.json()[1].message, /customerId/)
        assert.match(res.json()[2].message, /legalEntity\.id/)
        assert.deepEqual(await snapshot(t, c.tenant), before)
      })
    })

    describe('item assignments', () => {
      const product = itemPath('gold', 'PRODUCT', HAMMER.id)
      const category = itemPath('gold', 'CATEGORY', TOOLS.id)
      const assign = async (path: string) => assert.equal((await put(path, { mixins: { attributes: { rank: 1 } } })).statusCode, 201)

      it('PUT takes back what GET returned, with one change', async () => {
        await setup('iaput')
        await assign(product)
        await assign(category)
        for (const [path, item] of [[product, HAMMER], [category, TOOLS]] as const) {
          const { after, events } = await roundTrip(path, (body) => (body.mixins.attributes.rank = 2), 'customer-segment.item-assignment-updated')
          assert.deepEqual(after.item, item)
          assert.deepEqual(events[0].payload.item, item)
          assert.deepEqual(events[0].payload.mixins, { attributes: { rank: 2 } })
        }
        // The path takes the type in any case; the body's is the stored (upper-case) one.
        const body = await read(product)
        body.mixins.attributes.rank = 3
        assert.equal((await put(itemPath('gold', 'product', HAMMER.id), body)).statusCode, 204)
      })

      it('refuses a segment, type or item other than the path one with a 400 naming it, writing nothing', async () => {
        await setup('iaid')
        await c.create({ ...GOLD, id: 'silver' })
        await assign(product)
        const body = await read(product)
        const before = await snapshot(t, c.tenant)
        const directoryBefore = await directory()
        for (const [path, payload, field] of [
          [itemPath('silver', 'PRODUCT', HAMMER.id), body, 'segmentId'],
          [itemPath('gold', 'CATEGORY', HAMMER.id), body, 'type'],
          [itemPath('gold', 'PRODUCT', 'p2'), body, 'item.id'],
        ] as const) {
          const error = assertError(await put(path, payload), 400)
          assert.equal(error.details.field, field)
        }
        assert.deepEqual(await snapshot(t, c.tenant), before)
        assert.deepEqual(await directory(), directoryBefore)
      })

      it('an item name read with Accept-Language goes back under the same Content-Language, keeping the directory’s other languages', async () => {
        await setup('ialang')
        await assign(product)
        const body = await read(product, { 'accept-language': 'de' })
        assert.deepEqual(body.item.name, { de: 'Hammer (de)' })
        body.mixins.attributes.rank = 5
        assert.equal((await put(product, body, { 'content-language': 'de' })).statusCode, 204)
        assert.deepEqual((await readDirectory(c, 'products', HAMMER.id))?.name, HAMMER.name)
        body.metadata.version = 2
        body.item.name = { de: 'Schlosserhammer' }
        assert.equal((await put(product, body, { 'content-language': 'de' })).statusCode, 204)
        assert.deepEqual((await readDirectory(c, 'products', HAMMER.id))?.name, { en: 'Hammer', de: 'Schlosserhammer' })
        assertError(await put(product, body, { 'content-language': 'not a tag' }), 400)
      })

      it('bulk PUT takes back the items a list returned (the key from item.id)', async () => {
        await setup('iabulk')
        await assign(product)
        await assign(itemPath('gold', 'PRODUCT', 'p2'))
        const listed: Json[] = await read(`${itemPath('gold')}?q=type:PRODUCT&sort=item.id`)
        assert.deepEqual(listed.map((i) => i.item.id), [HAMMER.id, 'p2'])
        for (const item of listed) item.mixins.attributes.rank = 9
        const directoryBefore = await directory()
        const events = await eventsOf(async () => assert.deepEqual(bulkCodes(await put(`${itemPath('gold', 'PRODUCT')}/bulk`, listed)), [204, 204]))
        assert.deepEqual(events.map((e) => [e.type, e.subject]), [
          ['customer-segment.item-assignment-updated', 'segments/gold/items/PRODUCT/p1'],
          ['customer-segment.item-assignment-updated', 'segments/gold/items/PRODUCT/p2'],
        ])
        assert.deepEqual(await directory(), directoryBefore)
        const again: Json[] = await read(`${itemPath('gold')}?q=type:PRODUCT&sort=item.id`)
        assert.deepEqual(again.map((i) => [i.mixins.attributes.rank, i.metadata.version]), [[9, 2], [9, 2]])
      })

      it('bulk: an item whose keys disagree, or that names no item, is its own 400 and writes nothing', async () => {
        await setup('iabulkid')
        await assign(product)
        const [listed] = await read(itemPath('gold'))
        const before = await snapshot(t, c.tenant)
        const res = await put(`${itemPath('gold', 'PRODUCT')}/bulk`, [
          { ...listed, id: 'p2' },
          { ...listed, item: undefined },
          { ...listed, segmentId: 'silver' },
          { ...listed, type: 'CATEGORY' },
        ])
        assert.deepEqual(bulkCodes(res), [400, 400, 400, 400])
        assert.deepEqual(res.json().map((r: Json) => r.message.match(/'(item\.id|id|segmentId|type)'/)?.[1]), ['item.id', 'id', 'segmentId', 'type'])
        assert.deepEqual(await snapshot(t, c.tenant), before)
      })
    })
  })
}

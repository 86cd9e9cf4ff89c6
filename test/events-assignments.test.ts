/**
 * Assignment events: the six `*-assignment-*` types come from real operations (single, bulk, cascade),
 * each with exactly the catalogue's payload keys, valid against its JSON Schema (compiled with
 * typebox/compile), enriched from the directory, with the subject of its resource. No event for a
 * no-op, an absent delete, an item that failed or a transaction that rolled back; one per changed item
 * in a bulk; and a forceDelete emits every assignment's deleted event, then segment-deleted, in one
 * transaction.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { Compile } from 'typebox/compile'
import { eventPayloadSchemas, type EventType } from '../src/events/catalogue.js'
import { ASSIGNMENT_EXAMPLES as EX, assignCustomer, assignItem, customerPath, feedDirectory, itemPath, segment } from './support/assignment-helpers.js'
import { ENGINES, siblingApp, startTestApp, type TestApp } from './support/harness.js'
import { assertError, freshTenant, ISO_MS, type LoggedEvent, snapshot, type TenantClient, tenantClient, UUID_V7 } from './support/segment-helpers.js'

const validators = Object.fromEntries(Object.entries(eventPayloadSchemas).map(([type, schema]) => [type, Compile(schema)])) as Record<
  EventType,
  ReturnType<typeof Compile>
>

const CA_CREATED = 'customer-segment.customer-assignment-created'
const CA_UPDATED = 'customer-segment.customer-assignment-updated'
const CA_DELETED = 'customer-segment.customer-assignment-deleted'
const IA_CREATED = 'customer-segment.item-assignment-created'
const IA_UPDATED = 'customer-segment.item-assignment-updated'
const IA_DELETED = 'customer-segment.item-assignment-deleted'
const SEGMENT_DELETED = 'customer-segment.segment-deleted'

/** The payload keys of events-customer-segment.md per type; optional ones are absent when unset. */
const KEYS: Record<string, { required: string[]; optional: string[] }> = {
  [CA_CREATED]: { required: ['assignmentType', 'customer', 'metadata', 'segmentId', 'tenant'], optional: ['legalEntity', 'mixins'] },
  [CA_UPDATED]: { required: ['assignmentType', 'customer', 'metadata', 'segmentId', 'tenant'], optional: ['legalEntity', 'mixins'] },
  [CA_DELETED]: { required: ['customerId', 'segmentId', 'tenant'], optional: ['legalEntityId', 'assignmentType'] },
  [IA_CREATED]: { required: ['item', 'metadata', 'segmentId', 'tenant', 'type'], optional: ['mixins'] },
  [IA_UPDATED]: { required: ['item', 'metadata', 'segmentId', 'tenant', 'type'], optional: ['mixins'] },
  [IA_DELETED]: { required: ['itemId', 'segmentId', 'tenant', 'type'], optional: [] },
  [SEGMENT_DELETED]: { required: ['id', 'tenant'], optional: [] },
}
const NESTED: Record<string, string[]> = {
  customer: ['email', 'firstName', 'id', 'lastName'],
  legalEntity: ['id', 'name'],
  item: ['code', 'id', 'name'],
  metadata: ['createdAt', 'mixins', 'modifiedAt', 'version'],
}

function expectedSubject(event: LoggedEvent): string {
  const p = event.payload as Record<string, any>
  switch (event.type) {
    case CA_CREATED:
    case CA_UPDATED:
      return `segments/${p.segmentId}/customers/${p.customer.id}${p.legalEntity ? `/${p.legalEntity.id}` : ''}`
    case CA_DELETED:
      return `segments/${p.segmentId}/customers/${p.customerId}${p.legalEntityId ? `/${p.legalEntityId}` : ''}`
    case IA_CREATED:
    case IA_UPDATED:
      return `segments/${p.segmentId}/items/${p.type}/${p.item.id}`
    case IA_DELETED:
      return `segments/${p.segmentId}/items/${p.type}/${p.itemId}`
    default:
      return `segments/${p.id}`
  }
}

/** Checks one logged event: envelope, exactly the catalogue keys (nested too), its JSON Schema, its subject. */
function checkEvent(event: LoggedEvent, tenant: string): void {
  assert.match(event.id, UUID_V7)
  assert.match(event.time, ISO_MS)
  const keys = KEYS[event.type]
  assert.ok(keys, `unexpected event type ${event.type}`)
  const present = Object.keys(event.payload)
  for (const key of keys.required) assert.ok(present.includes(key), `${event.type} lacks '${key}'`)
  for (const key of present) assert.ok(keys.required.includes(key) || keys.optional.includes(key), `${event.type} has extra key '${key}'`)
  for (const [key, allowed] of Object.entries(NESTED)) {
    const value = event.payload[key]
    if (value && typeof value === 'object') for (const inner of Object.keys(value)) assert.ok(allowed.includes(inner), `${event.type} has extra key '${key}.${inner}'`)
  }
  assert.equal(event.payload.tenant, tenant)
  const validator = validators[event.type as EventType]
  assert.ok(validator.Check(event.payload), `${event.type} breaks its schema: ${JSON.stringify([...validator.Errors(event.payload)].slice(0, 3))}`)
  assert.equal(event.subject, expectedSubject(event))
  if ('type' in event.payload) assert.match(String(event.payload.type), /^(PRODUCT|CATEGORY)$/)
}

for (const engine of ENGINES) {
  describe(`assignment events on ${engine}`, () => {
    let t: TestApp
    let c: TenantClient
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    const setup = async (prefix: string, app: TestApp = t) => {
      c = await tenantClient(app, freshTenant(prefix))
      await segment(c, 'seg')
      await feedDirectory(c, 'customers', [{ id: 'c1', email: 'c1@example.com', firstName: 'Ada', lastName: 'Lovelace' }])
      await feedDirectory(c, 'legal-entities', [{ id: 'le1', name: 'Acme' }])
      await feedDirectory(c, 'products', [{ id: 'p1', code: 'P-1', name: { en: 'Pen', de: 'Stift' }, categoryIds: ['k1'] }])
      await feedDirectory(c, 'categories', [{ id: 'k1', code: 'K-1', name: { en: 'Writing' }, position: 1 }])
    }
    /** Runs `action` and returns the events it caused, each checked. */
    const eventsOf = async (action: () => Promise<unknown>) => {
      const since = await c.lastSequence()
      await action()
      const events = await c.events(since)
      for (const event of events) checkEvent(event, c.tenant)
      return events
    }
    const call = (method: 'PUT' | 'DELETE' | 'GET', path: string, payload?: unknown) => c.call({ method, url: c.url(path), payload: payload as object })
    const read = async (path: string) => {
      const res = await call('GET', path)
      assert.equal(res.statusCode, 200, res.body)
      return res.json()
    }

    describe('customer assignments', () => {
      it('customer-assignment-created: B2C, enriched, equal to what a read returns (+ segmentId, tenant)', async () => {
        await setup('cacreated')
        const events = await eventsOf(() => assignCustomer(c, 'seg', 'c1', undefined, EX.Mixins))
        assert.equal(events.length, 1)
        const [event] = events
        assert.equal(event.type, CA_CREATED)
        assert.equal(event.subject, 'segments/seg/customers/c1')
        assert.deepEqual(Object.keys(event.payload).sort(), ['assignmentType', 'customer', 'metadata', 'mixins', 'segmentId', 'tenant'])
        assert.deepEqual(event.payload, { ...(await read(customerPath('seg', 'c1'))), segmentId: 'seg', tenant: c.tenant })
        assert.deepEqual(event.payload.customer, { id: 'c1', email: 'c1@example.com', firstName: 'Ada', lastName: 'Lovelace' })
        assert.equal(event.payload.assignmentType, 'MANUAL')
        assert.deepEqual(event.payload.metadata, { ...(event.payload.metadata as object), version: 1, mixins: EX.Mixins.metadata.mixins })
      })

      it('customer-assignment-created: B2B with the legal entity; unset optional keys are left out', async () => {
        await setup('cab2b')
        const [event] = await eventsOf(() => assignCustomer(c, 'seg', 'c1', 'le1'))
        assert.equal(event.subject, 'segments/seg/customers/c1/le1')
        assert.deepEqual(Object.keys(event.payload).sort(), ['assignmentType', 'customer', 'legalEntity', 'metadata', 'segmentId', 'tenant'])
        assert.deepEqual(event.payload.legalEntity, { id: 'le1', name: 'Acme' })
        assert.deepEqual(Object.keys(event.payload.metadata as object).sort(), ['createdAt', 'modifiedAt', 'version'])
        const [unknown] = await eventsOf(() => assignCustomer(c, 'seg', 'cx', 'lex'))
        assert.deepEqual(unknown.payload.customer, { id: 'cx' })
        assert.deepEqual(unknown.payload.legalEntity, { id: 'lex' })
        assert.equal(unknown.subject, 'segments/seg/customers/cx/lex')
      })

      it('customer-assignment-updated on a change only: not on a no-op, a 409 or a bad body', async () => {
        await setup('caupdated')
        await assignCustomer(c, 'seg', 'c1', 'le1', { mixins: { a: { v: 1 } } })
        assert.deepEqual(await eventsOf(() => assignCustomer(c, 'seg', 'c1', 'le1', { mixins: { a: { v: 1 } } }, 204)), [])
        const none = await eventsOf(async () => {
          assertError(await call('PUT', customerPath('seg', 'c1', 'le1'), { mixins: { a: { v: 2 } }, metadata: { version: 5 } }), 409)
          assertError(await call('PUT', customerPath('seg', 'c1', 'le1'), { mixins: 'x' }), 400)
          assertError(await call('PUT', customerPath('ghost', 'c1', 'le1'), {}), 404)
        })
        assert.deepEqual(none, [])
        const events = await eventsOf(() => assignCustomer(c, 'seg', 'c1', 'le1', { mixins: { a: { v: 2 } }, metadata: { version: 1 } }, 204))
        assert.deepEqual(events.map((e) => e.type), [CA_UPDATED])
        assert.equal(events[0].subject, 'segments/seg/customers/c1/le1')
        assert.deepEqual(events[0].payload, { ...(await read(customerPath('seg', 'c1', 'le1'))), segmentId: 'seg', tenant: c.tenant })
        assert.equal((events[0].payload.metadata as any).version, 2)
        // A change that removes the mixins: the update carries no mixins key.
        const [cleared] = await eventsOf(() => assignCustomer(c, 'seg', 'c1', 'le1', {}, 204))
        assert.equal(cleared.type, CA_UPDATED)
        assert.equal('mixins' in cleared.payload, false)
        // Inline details alone change no assignment: no event.
        assert.deepEqual(await eventsOf(() => assignCustomer(c, 'seg', 'c1', 'le1', { customer: { email: 'new@example.com' } }, 204)), [])
      })

      it('inline details show in the event of the same request', async () => {
        await setup('cainline')
        const [event] = await eventsOf(() => assignCustomer(c, 'seg', 'c1', 'le9', { customer: { email: 'changed@example.com' }, legalEntity: { name: 'Nine' } }))
        assert.deepEqual(event.payload.customer, { id: 'c1', email: 'changed@example.com', firstName: 'Ada', lastName: 'Lovelace' })
        assert.deepEqual(event.payload.legalEntity, { id: 'le9', name: 'Nine' })
      })

      it('customer-assignment-deleted: legalEntityId only for B2B; nothing for an absent assignment', async () => {
        await setup('cadeleted')
        await assignCustomer(c, 'seg', 'c1')
        await assignCustomer(c, 'seg', 'c1', 'le1')
        const b2c = await eventsOf(() => call('DELETE', customerPath('seg', 'c1')))
        assert.deepEqual(b2c.map((e) => [e.type, e.subject, e.payload]), [[CA_DELETED, 'segments/seg/customers/c1', { customerId: 'c1', segmentId: 'seg', assignmentType: 'MANUAL', tenant: c.tenant }]])
        const b2b = await eventsOf(() => call('DELETE', customerPath('seg', 'c1', 'le1')))
        assert.deepEqual(b2b.map((e) => [e.type, e.subject, e.payload]), [
          [CA_DELETED, 'segments/seg/customers/c1/le1', { customerId: 'c1', legalEntityId: 'le1', segmentId: 'seg', assignmentType: 'MANUAL', tenant: c.tenant }],
        ])
        assert.deepEqual(await eventsOf(() => call('DELETE', customerPath('seg', 'c1'))), [])
        assert.deepEqual(await eventsOf(() => call('DELETE', customerPath('seg', 'c1', 'le1'))), [])
      })

      it('bulk: one event per changed item, in request order; none for no-ops, failures and absent deletes', async () => {
        await setup('cabulk')
        await assignCustomer(c, 'seg', 'old', undefined, { mixins: { a: { v: 1 } } })
        await assignCustomer(c, 'seg', 'same')
        const events = await eventsOf(async () => {
          const res = await call('PUT', `${customerPath('seg')}/bulk`, [
            { customerId: 'n1' },
            { customerId: 'same' },
            { customerId: 5 },
            { customerId: 'old', mixins: { a: { v: 2 } } },
            { customerId: 'old', mixins: { a: { v: 9 } }, metadata: { version: 1 } },
            { customerId: 'c1', legalEntityId: 'le1' },
            { customerId: 'n1', mixins: { a: { v: 3 } } },
          ])
          assert.deepEqual(res.json().map((r: any) => r.code), [201, 204, 400, 204, 409, 201, 204])
        })
        assert.deepEqual(
          events.map((e) => [e.type, e.subject]),
          [
            [CA_CREATED, 'segments/seg/customers/n1'],
            [CA_UPDATED, 'segments/seg/customers/old'],
            [CA_CREATED, 'segments/seg/customers/c1/le1'],
            [CA_UPDATED, 'segments/seg/customers/n1'],
          ],
        )
        assert.equal((events[3].payload.metadata as any).version, 2)
        assert.deepEqual(events[2].payload.legalEntity, { id: 'le1', name: 'Acme' })
        // Sequences strictly increase in request order.
        for (let i = 1; i < events.length; i++) assert.ok(events[i].sequence > events[i - 1].sequence)

        const deleted = await eventsOf(async () => {
          const res = await call('DELETE', `${customerPath('seg')}/bulk`, [{ customerId: 'n1' }, { customerId: 'ghost' }, { customerId: 'c1', legalEntityId: 'le1' }, { customerId: 'n1' }, 7])
          assert.deepEqual(res.json().map((r: any) => r.code), [204, 204, 204, 204, 400])
        })
        assert.deepEqual(
          deleted.map((e) => [e.type, e.subject]),
          [
            [CA_DELETED, 'segments/seg/customers/n1'],
            [CA_DELETED, 'segments/seg/customers/c1/le1'],
          ],
        )
        // A bulk that changes nothing emits nothing.
        assert.deepEqual(await eventsOf(() => call('PUT', `${customerPath('seg')}/bulk`, [{ customerId: 'same' }, { bad: true }])), [])
      })
    })

    describe('item assignments', () => {
      it('item-assignment-created / -updated / -deleted for a product, type upper-case whatever the path case', async () => {
        await setup('items')
        const created = await eventsOf(() => assignItem(c, 'seg', 'product', 'p1', EX.Mixins))
        assert.deepEqual(created.map((e) => [e.type, e.subject]), [[IA_CREATED, 'segments/seg/items/PRODUCT/p1']])
        assert.deepEqual(Object.keys(created[0].payload).sort(), ['item', 'metadata', 'mixins', 'segmentId', 'tenant', 'type'])
        assert.deepEqual(created[0].payload, { ...(await read(itemPath('seg', 'PRODUCT', 'p1'))), tenant: c.tenant })
        assert.deepEqual(created[0].payload.item, { id: 'p1', code: 'P-1', name: { en: 'Pen', de: 'Stift' } })
        assert.equal(created[0].payload.type, 'PRODUCT')

        assert.deepEqual(await eventsOf(() => assignItem(c, 'seg', 'Product', 'p1', EX.Mixins, 204)), [])
        const updated = await eventsOf(() => assignItem(c, 'seg', 'PRODUCT', 'p1', { mixins: { x: { y: 1 } } }, 204))
        assert.deepEqual(updated.map((e) => [e.type, e.subject]), [[IA_UPDATED, 'segments/seg/items/PRODUCT/p1']])
        assert.deepEqual(updated[0].payload, { ...(await read(itemPath('seg', 'PRODUCT', 'p1'))), tenant: c.tenant })
        assert.equal((updated[0].payload.metadata as any).version, 2)
        assert.equal('mixins' in (updated[0].payload.metadata as object), false)

        assert.deepEqual(
          await eventsOf(async () => {
            assertError(await call('PUT', itemPath('seg', 'PRODUCT', 'p1'), { metadata: { version: 1 } }), 409)
            assertError(await call('PUT', itemPath('seg', 'BRAND', 'p1'), {}), 400)
            assertError(await call('PUT', itemPath('ghost', 'PRODUCT', 'p1'), {}), 404)
          }),
          [],
        )
        const deleted = await eventsOf(() => call('DELETE', itemPath('seg', 'pRoDuCt', 'p1')))
        assert.deepEqual(deleted.map((e) => [e.type, e.subject, e.payload]), [
          [IA_DELETED, 'segments/seg/items/PRODUCT/p1', { itemId: 'p1', segmentId: 'seg', tenant: c.tenant, type: 'PRODUCT' }],
        ])
        assert.deepEqual(await eventsOf(() => call('DELETE', itemPath('seg', 'PRODUCT', 'p1'))), [])
      })

      it('categories: enriched with code and name; unknown items carry only their id', async () => {
        await setup('categories')
        const [category] = await eventsOf(() => assignItem(c, 'seg', 'category', 'k1'))
        assert.equal(category.subject, 'segments/seg/items/CATEGORY/k1')
        assert.deepEqual(category.payload.item, { id: 'k1', code: 'K-1', name: { en: 'Writing' } })
        assert.deepEqual(Object.keys(category.payload).sort(), ['item', 'metadata', 'segmentId', 'tenant', 'type'])
        const [unknown] = await eventsOf(() => assignItem(c, 'seg', 'CATEGORY', 'k-unknown'))
        assert.deepEqual(unknown.payload.item, { id: 'k-unknown' })
        const [inline] = await eventsOf(() => assignItem(c, 'seg', 'PRODUCT', 'p-new', { item: { code: 'NEW', name: { en: 'New' } } }))
        assert.deepEqual(inline.payload.item, { id: 'p-new', code: 'NEW', name: { en: 'New' } })
        const [deleted] = await eventsOf(() => call('DELETE', itemPath('seg', 'CATEGORY', 'k1')))
        assert.deepEqual(deleted.payload, { itemId: 'k1', segmentId: 'seg', tenant: c.tenant, type: 'CATEGORY' })
      })

      it('bulk: one event per changed item of the path type; none for no-ops, failures and absent deletes', async () => {
        await setup('itembulk')
        await assignItem(c, 'seg', 'CATEGORY', 'k1')
        const events = await eventsOf(async () => {
          const res = await call('PUT', `${itemPath('seg', 'category')}/bulk`, [{ id: 'k1' }, { id: 'k2' }, { id: 'k1', mixins: { m: { n: 1 } } }, { nope: 1 }, { id: 'k2', metadata: { version: 3 } }])
          assert.deepEqual(res.json().map((r: any) => r.code), [204, 201, 204, 400, 409])
        })
        assert.deepEqual(
          events.map((e) => [e.type, e.subject]),
          [
            [IA_CREATED, 'segments/seg/items/CATEGORY/k2'],
            [IA_UPDATED, 'segments/seg/items/CATEGORY/k1'],
          ],
        )
        const deleted = await eventsOf(() => call('DELETE', `${itemPath('seg', 'CATEGORY')}/bulk`, ['k2', 'k2', 'absent', 5, 'k1']))
        assert.deepEqual(
          deleted.map((e) => [e.type, e.subject]),
          [
            [IA_DELETED, 'segments/seg/items/CATEGORY/k2'],
            [IA_DELETED, 'segments/seg/items/CATEGORY/k1'],
          ],
        )
      })
    })

    it('a transaction that fails after writing leaves neither rows nor events', async () => {
      await setup('rollback')
      // A fault injected in the database: writing item `boom` fails, after the batch's other rows and
      // before its events would be written, so the whole request's transaction must roll back.
      await sql`create or replace function fail_on_boom() returns trigger language plpgsql as $$
        begin if new.item_id = 'boom' then raise exception 'injected failure'; end if; return new; end $$`.execute(t.database.db)
      await sql`create trigger fail_on_boom before insert or update on item_assignment for each row execute function fail_on_boom()`.execute(t.database.db)
      try {
        const before = await snapshot(t, c.tenant)
        const events = await eventsOf(async () => {
          const res = await call('PUT', `${itemPath('seg', 'PRODUCT')}/bulk`, [{ id: 'p1' }, { id: 'boom' }, { id: 'p2' }])
          assert.equal(res.statusCode, 500)
        })
        assert.deepEqual(events, [])
        assert.deepEqual(await snapshot(t, c.tenant), before)
      } finally {
        await sql`drop trigger fail_on_boom on item_assignment`.execute(t.database.db)
        await sql`drop function fail_on_boom()`.execute(t.database.db)
      }
      // Without the fault the same request goes through.
      const events = await eventsOf(() => call('PUT', `${itemPath('seg', 'PRODUCT')}/bulk`, [{ id: 'p1' }, { id: 'boom' }, { id: 'p2' }]))
      assert.equal(events.length, 3)
    })

    it('concurrent upserts of one new key: one 201 and one created event, versions counting up', async () => {
      await setup('concurrent')
      for (const path of [customerPath('seg', 'c9', 'le1'), itemPath('seg', 'PRODUCT', 'p9')]) {
        const events = await eventsOf(async () => {
          const results = await Promise.all(Array.from({ length: 8 }, (_, i) => call('PUT', path, { mixins: { a: { v: i } } })))
          const codes = results.map((r) => r.statusCode)
          assert.equal(codes.filter((code) => code === 201).length, 1, codes.join())
          assert.equal(codes.filter((code) => code === 204).length, 7, codes.join())
        })
        assert.equal(events[0].type.endsWith('-created'), true)
        assert.ok(events.slice(1).every((e) => e.type.endsWith('-updated')))
        // Each event's version is one more than the one before, and the last is what is stored.
        assert.deepEqual(events.map((e) => (e.payload.metadata as any).version), events.map((_, i) => i + 1))
        assert.equal((await read(path)).metadata.version, events.length)
      }
    })

    describe('strict directory mode', () => {
      let s: TestApp
      before(async () => {
        s = await siblingApp(t, { directoryStrict: true })
      })
      after(() => s.close())

      it('an item refused for an unknown id has no event; the others of its bulk do', async () => {
        await setup('strict', s)
        const events = await eventsOf(async () => {
          assertError(await c.call({ method: 'PUT', url: c.url(customerPath('seg', 'ghost')), payload: {} }), 400)
          const res = await c.call({ method: 'PUT', url: c.url(`${itemPath('seg', 'PRODUCT')}/bulk`), payload: [{ id: 'ghost' }, { id: 'p1' }] })
          assert.deepEqual(res.json().map((r: any) => r.code), [400, 201])
        })
        assert.deepEqual(events.map((e) => [e.type, e.subject]), [[IA_CREATED, 'segments/seg/items/PRODUCT/p1']])
      })
    })

    describe('segment forceDelete cascade', () => {
      it('emits every assignment’s deleted event, then segment-deleted, in one transaction', async () => {
        await setup('cascade')
        await assignCustomer(c, 'seg', 'c1')
        await assignCustomer(c, 'seg', 'c1', 'le1')
        await assignCustomer(c, 'seg', 'c2', 'le2')
        await assignItem(c, 'seg', 'PRODUCT', 'p1')
        await assignItem(c, 'seg', 'CATEGORY', 'k1')
        await segment(c, 'keep')
        await assignCustomer(c, 'keep', 'c1')

        assert.deepEqual(await eventsOf(async () => assertError(await call('DELETE', '/seg'), 400)), [])
        const events = await eventsOf(async () => assert.equal((await call('DELETE', '/seg?forceDelete=true')).statusCode, 204))
        assert.equal(events.length, 6)
        assert.equal(events[5].type, SEGMENT_DELETED)
        assert.deepEqual(events[5].payload, { id: 'seg', tenant: c.tenant })
        const assignments = events.slice(0, 5)
        assert.deepEqual(assignments.map((e) => e.subject).sort(), [
          'segments/seg/customers/c1',
          'segments/seg/customers/c1/le1',
          'segments/seg/customers/c2/le2',
          'segments/seg/items/CATEGORY/k1',
          'segments/seg/items/PRODUCT/p1',
        ])
        assert.deepEqual(assignments.map((e) => e.type).sort(), [CA_DELETED, CA_DELETED, CA_DELETED, IA_DELETED, IA_DELETED])
        assert.deepEqual(events.find((e) => e.subject === 'segments/seg/customers/c2/le2')?.payload, { customerId: 'c2', legalEntityId: 'le2', segmentId: 'seg', assignmentType: 'MANUAL', tenant: c.tenant })
        // One transaction: the sequences are consecutive (nothing else of this tenant in between).
        for (let i = 1; i < events.length; i++) assert.equal(events[i].sequence, events[i - 1].sequence + 1)
        // The other segment's assignment is untouched and has no event.
        assert.equal((await read(customerPath('keep', 'c1'))).metadata.version, 1)
        assert.ok(!events.some((e) => e.subject.startsWith('segments/keep')))
      })

      it('bulk segment delete with forceDelete cascades per segment', async () => {
        await setup('cascadebulk')
        await segment(c, 'seg2')
        await assignItem(c, 'seg', 'PRODUCT', 'p1')
        await assignCustomer(c, 'seg2', 'c1')
        const events = await eventsOf(async () => {
          const res = await c.call({ method: 'DELETE', url: c.url('/bulk?forceDelete=true'), payload: ['seg', 'seg2'] })
          assert.equal(res.statusCode, 207, res.body)
        })
        assert.deepEqual(events.map((e) => [e.type, e.subject]), [
          [IA_DELETED, 'segments/seg/items/PRODUCT/p1'],
          [SEGMENT_DELETED, 'segments/seg'],
          [CA_DELETED, 'segments/seg2/customers/c1'],
          [SEGMENT_DELETED, 'segments/seg2'],
        ])
      })
    })

    it('every assignment event type is emitted and has its own JSON Schema', async () => {
      await setup('alltypes')
      const events = await eventsOf(async () => {
        await assignCustomer(c, 'seg', 'c1', 'le1')
        await assignCustomer(c, 'seg', 'c1', 'le1', { mixins: { m: { v: 1 } } }, 204)
        await call('DELETE', customerPath('seg', 'c1', 'le1'))
        await assignItem(c, 'seg', 'PRODUCT', 'p1')
        await assignItem(c, 'seg', 'PRODUCT', 'p1', { mixins: { m: { v: 1 } } }, 204)
        await call('DELETE', itemPath('seg', 'PRODUCT', 'p1'))
      })
      assert.deepEqual(events.map((e) => e.type), [CA_CREATED, CA_UPDATED, CA_DELETED, IA_CREATED, IA_UPDATED, IA_DELETED])
      // Each schema refuses an extra key and a missing required one.
      for (const event of events) {
        const validator = validators[event.type as EventType]
        assert.equal(validator.Check({ ...event.payload, extra: 1 }), false, event.type)
        const { tenant: _tenant, ...withoutTenant } = event.payload
        assert.equal(validator.Check(withoutTenant), false, event.type)
      }
    })
  })
}

/**
 * Segment events and the event log: every committed change has exactly one event with the catalogue's
 * payload keys (validated against its JSON Schema); rolled-back changes have none; the forceDelete cascade
 * emits one event per removed assignment before `segment-deleted`; sequences strictly increase per subject,
 * across delete and re-create. Also `GET /webhook/{tenant}/events`: order, filters, paging.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { Compile } from 'typebox/compile'
import { eventPayloadSchemas, type EventType } from '../src/events/catalogue.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import {
  assertError,
  EXAMPLES,
  example,
  freshTenant,
  insertCustomerAssignment,
  insertItemAssignment,
  ISO_MS,
  type LoggedEvent,
  type TenantClient,
  tenantClient,
  UUID_V7,
} from './support/segment-helpers.js'

const validators = Object.fromEntries(Object.entries(eventPayloadSchemas).map(([type, schema]) => [type, Compile(schema)])) as Record<
  EventType,
  ReturnType<typeof Compile>
>

const CREATED = 'customer-segment.segment-created'
const UPDATED = 'customer-segment.segment-updated'
const DELETED = 'customer-segment.segment-deleted'
const CUSTOMER_DELETED = 'customer-segment.customer-assignment-deleted'
const ITEM_DELETED = 'customer-segment.item-assignment-deleted'

/** The payload keys the catalogue lists per type; optional ones are absent when unset. */
const KEYS: Record<string, { required: string[]; optional: string[] }> = {
  [CREATED]: { required: ['id', 'metadata', 'name', 'siteCode', 'status', 'tenant'], optional: ['description', 'validity'] },
  [UPDATED]: { required: ['id', 'metadata', 'name', 'previousStatus', 'siteCode', 'status', 'tenant'], optional: ['description', 'mixins', 'validity'] },
  [DELETED]: { required: ['id', 'tenant'], optional: [] },
  [CUSTOMER_DELETED]: { required: ['customerId', 'segmentId', 'tenant'], optional: ['legalEntityId', 'assignmentType'] },
  [ITEM_DELETED]: { required: ['itemId', 'segmentId', 'tenant', 'type'], optional: [] },
}

/** Checks one logged event: envelope fields, payload keys against the catalogue, payload against its JSON Schema. */
function checkEvent(event: LoggedEvent, tenant: string): void {
  assert.match(event.id, UUID_V7)
  assert.match(event.time, ISO_MS)
  assert.ok(Number.isInteger(event.sequence) && event.sequence > 0)
  const keys = KEYS[event.type]
  assert.ok(keys, `unexpected event type ${event.type}`)
  const present = Object.keys(event.payload)
  for (const key of keys.required) assert.ok(present.includes(key), `${event.type} lacks '${key}'`)
  for (const key of present) assert.ok(keys.required.includes(key) || keys.optional.includes(key), `${event.type} has extra key '${key}'`)
  assert.equal(event.payload.tenant, tenant)
  const validator = validators[event.type as EventType]
  assert.ok(validator.Check(event.payload), `${event.type} breaks its schema: ${JSON.stringify([...validator.Errors(event.payload)].slice(0, 3))}`)
  if (event.type === CREATED || event.type === UPDATED || event.type === DELETED) {
    assert.equal(event.subject, `segments/${event.payload.id}`)
    if (event.type !== DELETED) {
      const metadata = event.payload.metadata as Record<string, unknown>
      for (const key of Object.keys(metadata)) assert.ok(['version', 'createdAt', 'modifiedAt', 'mixins'].includes(key), `metadata.${key}`)
    }
  }
}

const minimal = (extra: Record<string, unknown> = {}) => ({ name: { en: 'Segment' }, siteCode: 'main', ...extra })

for (const engine of ENGINES) {
  describe(`segment events on ${engine}`, () => {
    let t: TestApp
    let c: TenantClient
    const tenants: string[] = []
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    const client = async (prefix: string) => {
      c = await tenantClient(t, freshTenant(prefix))
      tenants.push(c.tenant)
      return c
    }
    /** Runs `action` and returns the events it caused, checked one by one. */
    const eventsOf = async (action: () => Promise<unknown>) => {
      const since = await c.lastSequence()
      await action()
      const events = await c.events(since)
      for (const event of events) checkEvent(event, c.tenant)
      return events
    }
    const call = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, payload?: unknown, headers?: Record<string, string>) =>
      c.call({ method, url: c.url(path), payload: payload as object, headers })

    describe('segment-created', () => {
      it('has exactly the catalogue keys and the stored segment, without mixins, for the SegmentCreation example', async () => {
        await client('created')
        const events = await eventsOf(() => c.create({ ...example(EXAMPLES.SegmentCreation), mixins: { attrs: { level: 1 } }, metadata: { mixins: { attrs: 'https://x/attrs.json' } } }))
        assert.equal(events.length, 1)
        const [event] = events
        assert.equal(event.type, CREATED)
        assert.equal(event.subject, 'segments/628cd20c6e8b2432b6346ca6')
        assert.deepEqual(Object.keys(event.payload).sort(), ['description', 'id', 'metadata', 'name', 'siteCode', 'status', 'tenant', 'validity'])
        const { mixins: _mixins, ...stored } = await c.get('628cd20c6e8b2432b6346ca6')
        assert.deepEqual(event.payload, { ...stored, tenant: c.tenant })
        assert.deepEqual((event.payload as any).metadata, stored.metadata)
        assert.deepEqual(((event.payload as any).metadata).mixins, { attrs: 'https://x/attrs.json' })
        assert.ok(Math.abs(Date.parse(event.time) - Date.now()) < 60_000)
      })

      it('leaves unset optional keys out', async () => {
        await client('createdmin')
        const events = await eventsOf(() => c.create(minimal({ id: 'm' })))
        assert.equal(events.length, 1)
        assert.deepEqual(Object.keys(events[0].payload).sort(), ['id', 'metadata', 'name', 'siteCode', 'status', 'tenant'])
        assert.deepEqual(Object.keys(events[0].payload.metadata as object).sort(), ['createdAt', 'modifiedAt', 'version'])
        assert.equal(events[0].payload.status, 'INACTIVE')
      })

      it('is emitted by PUT when it creates, and carries the merged localized map', async () => {
        await client('createdput')
        const events = await eventsOf(() => call('PUT', '/p', { name: 'Gold', siteCode: 'main' }, { 'content-language': 'de' }))
        assert.deepEqual(events.map((e) => e.type), [CREATED])
        assert.deepEqual(events[0].payload.name, { de: 'Gold' })
        assert.equal((events[0].payload.metadata as any).version, 1)
      })
    })

    describe('segment-updated', () => {
      it('carries the new state, mixins and previousStatus = the status before the change', async () => {
        await client('updated')
        await c.create(minimal({ id: 'u', status: 'ACTIVE', mixins: { a: { b: 1 } } }))
        const events = await eventsOf(() => call('PUT', '/u', minimal({ status: 'INACTIVE', mixins: { a: { b: 2 } }, description: { en: 'D' } })))
        assert.equal(events.length, 1)
        const [event] = events
        assert.equal(event.type, UPDATED)
        assert.equal(event.payload.previousStatus, 'ACTIVE')
        assert.equal(event.payload.status, 'INACTIVE')
        assert.deepEqual(event.payload.mixins, { a: { b: 2 } })
        assert.deepEqual(event.payload, { ...(await c.get('u')), previousStatus: 'ACTIVE', tenant: c.tenant })
        assert.equal(((event.payload as any).metadata).version, 2)
      })

      it('follows the status through a series of patches', async () => {
        await client('prevstatus')
        await c.create(minimal({ id: 's', status: 'ACTIVE' }))
        const steps: [unknown, string, string][] = [
          [EXAMPLES.PatchStatus, 'ACTIVE', 'INACTIVE'],
          [EXAMPLES.PatchName, 'INACTIVE', 'INACTIVE'],
          [[{ op: 'replace', path: '/status', value: 'ACTIVE' }], 'INACTIVE', 'ACTIVE'],
          [[{ op: 'add', path: '/description', value: { en: 'x' } }], 'ACTIVE', 'ACTIVE'],
        ]
        for (const [index, [ops, previous, current]] of steps.entries()) {
          const events = await eventsOf(() => call('PATCH', '/s', ops))
          assert.equal(events.length, 1)
          assert.equal(events[0].type, UPDATED)
          assert.equal(events[0].payload.previousStatus, previous)
          assert.equal(events[0].payload.status, current)
          assert.equal((events[0].payload.metadata as any).version, index + 2)
        }
      })

      it('has no mixins key once the mixins are removed, and no description key without a description', async () => {
        await client('updkeys')
        await c.create(minimal({ id: 'k', mixins: { a: { b: 1 } }, description: { en: 'D' } }))
        const events = await eventsOf(() => call('PATCH', '/k', [{ op: 'remove', path: '/mixins' }, { op: 'remove', path: '/description' }]))
        assert.deepEqual(Object.keys(events[0].payload).sort(), ['id', 'metadata', 'name', 'previousStatus', 'siteCode', 'status', 'tenant'])
      })
    })

    describe('segment-deleted', () => {
      it('carries exactly {id, tenant}', async () => {
        await client('deleted')
        await c.create(minimal({ id: 'd', description: { en: 'x' } }))
        const events = await eventsOf(() => call('DELETE', '/d'))
        assert.equal(events.length, 1)
        assert.equal(events[0].type, DELETED)
        assert.equal(events[0].subject, 'segments/d')
        assert.deepEqual(events[0].payload, { id: 'd', tenant: c.tenant })
      })
    })

    describe('one event per committed change, none otherwise', () => {
      it('emits nothing for no-op PUTs and PATCHes, deletes of missing segments, and reads', async () => {
        await client('noop')
        await c.create(EXAMPLES.SegmentCreation)
        const events = await eventsOf(async () => {
          assert.equal((await call('PUT', '/628cd20c6e8b2432b6346ca6', EXAMPLES.SegmentUpdate)).statusCode, 204)
          assert.equal((await call('PATCH', '/628cd20c6e8b2432b6346ca6', [{ op: 'replace', path: '/status', value: 'ACTIVE' }])).statusCode, 204)
          assert.equal((await call('PATCH', '/628cd20c6e8b2432b6346ca6', [{ op: 'test', path: '/metadata/version', value: 1 }])).statusCode, 204)
          assert.equal((await call('DELETE', '/missing')).statusCode, 204)
          await c.call({ method: 'GET', url: c.url() })
          await c.call({ method: 'POST', url: c.url('/search'), payload: { q: 'siteCode:main' } })
          assert.equal((await call('PUT', '/bulk', EXAMPLES.SegmentsUpdate.slice(0, 1))).statusCode, 207)
        })
        assert.deepEqual(events, [])
      })

      it('emits nothing for refused changes: 409s, a failing PATCH, a plain string without language, a bad delete', async () => {
        await client('rollback')
        await c.create(minimal({ id: 'r', mixins: { a: { x: 1 } } }))
        await insertItemAssignment(t, c.tenant, 'r', 'PRODUCT', 'p1')
        const events = await eventsOf(async () => {
          assert.equal((await call('POST', '', minimal({ id: 'r' }))).statusCode, 409)
          assert.equal((await call('PUT', '/r', minimal({ status: 'ACTIVE', metadata: { version: 7 } }))).statusCode, 409)
          assert.equal((await call('PATCH', '/r', [{ op: 'test', path: '/metadata/version', value: 5 }, { op: 'replace', path: '/status', value: 'ACTIVE' }])).statusCode, 409)
          assert.equal((await call('PATCH', '/r', [{ op: 'replace', path: '/status', value: 'ACTIVE' }, { op: 'remove', path: '/nothing' }])).statusCode, 400)
          assert.equal((await call('PATCH', '/r', [{ op: 'replace', path: '/status', value: 'ACTIVE' }, { op: 'replace', path: '/id', value: 'z' }])).statusCode, 400)
          assert.equal((await call('PUT', '/r', { name: 'Plain', siteCode: 'main', status: 'ACTIVE' })).statusCode, 400)
          assert.equal((await call('POST', '', { name: { en: 'x' }, siteCode: 'main', validity: { from: '2025-01-01T00:00:00Z', to: '2024-01-01T00:00:00Z' } })).statusCode, 400)
          assert.equal((await call('DELETE', '/r')).statusCode, 400)
          assert.equal((await call('POST', '/bulk', Array.from({ length: 201 }, () => minimal()))).statusCode, 400)
        })
        assert.deepEqual(events, [])
      })

      it('writes the change and its event together: when the event cannot be written, the change is rolled back', async () => {
        await client('outbox')
        await c.create(minimal({ id: 'kept' }))
        await sql
          .raw(`
            create or replace function refuse_event() returns trigger language plpgsql as $$
            begin
              if new.tenant = '${c.tenant}' then raise exception 'outbox refused by test'; end if;
              return new;
            end $$;
            create trigger refuse_event before insert on outbox_event for each row execute function refuse_event();`)
          .execute(t.database.db)
        try {
          assert.equal((await call('POST', '', minimal({ id: 'lost' }))).statusCode, 500)
          assert.equal((await call('PUT', '/kept', minimal({ status: 'ACTIVE' }))).statusCode, 500)
          assert.equal((await call('DELETE', '/kept')).statusCode, 500)
        } finally {
          await sql.raw('drop trigger refuse_event on outbox_event; drop function refuse_event();').execute(t.database.db)
        }
        assertError(await c.call({ method: 'GET', url: c.url('/lost') }), 404)
        const kept = await c.get('kept')
        assert.equal(kept.status, 'INACTIVE')
        assert.equal(kept.metadata.version, 1)
        assert.deepEqual((await c.events()).map((e) => e.subject), ['segments/kept'])
      })

      it('emits one event per written bulk item and none for the failed ones', async () => {
        await client('bulkev')
        await c.create(minimal({ id: 'exists', status: 'ACTIVE' }))
        const created = await eventsOf(async () => {
          const res = await call('POST', '/bulk', [minimal({ id: 'b1' }), minimal({ id: 'exists' }), { id: 'bad' }, minimal({ id: 'b2' })])
          assert.deepEqual(res.json().map((r: any) => r.code), [201, 409, 400, 201])
        })
        assert.deepEqual(created.map((e) => [e.type, e.subject]), [
          [CREATED, 'segments/b1'],
          [CREATED, 'segments/b2'],
        ])

        const upserted = await eventsOf(async () => {
          const res = await call('PUT', '/bulk', [
            minimal({ id: 'exists', status: 'INACTIVE' }),
            minimal({ id: 'b1' }),
            minimal({ id: 'b3' }),
            minimal({ id: 'b2', metadata: { version: 9 } }),
          ])
          assert.deepEqual(res.json().map((r: any) => r.code), [204, 204, 201, 409])
        })
        assert.deepEqual(upserted.map((e) => [e.type, e.subject, e.payload.previousStatus]), [
          [UPDATED, 'segments/exists', 'ACTIVE'],
          [CREATED, 'segments/b3', undefined],
        ])

        const deleted = await eventsOf(async () => {
          const res = await call('DELETE', '/bulk', ['b1', 'missing', 42, 'b2'])
          assert.deepEqual(res.json().map((r: any) => r.code), [204, 204, 400, 204])
        })
        assert.deepEqual(deleted.map((e) => [e.type, e.subject]), [
          [DELETED, 'segments/b1'],
          [DELETED, 'segments/b2'],
        ])
      })
    })

    describe('forceDelete cascade', () => {
      it('emits one *-assignment-deleted per assignment, then segment-deleted, with the catalogue payloads and subjects', async () => {
        await client('cascade')
        await c.create(minimal({ id: 'seg' }))
        await insertCustomerAssignment(t, c.tenant, 'seg', 'cust-b2c')
        await insertCustomerAssignment(t, c.tenant, 'seg', 'cust-b2b', 'le-1')
        await insertItemAssignment(t, c.tenant, 'seg', 'PRODUCT', 'prod-1')
        await insertItemAssignment(t, c.tenant, 'seg', 'CATEGORY', 'cat-1')
        const events = await eventsOf(async () => assert.equal((await call('DELETE', '/seg?forceDelete=true')).statusCode, 204))
        assert.equal(events.length, 5)
        assert.equal(events.at(-1)?.type, DELETED, 'segment-deleted comes last')
        assert.deepEqual(events.at(-1)?.payload, { id: 'seg', tenant: c.tenant })

        const customers = events.filter((e) => e.type === CUSTOMER_DELETED)
        const items = events.filter((e) => e.type === ITEM_DELETED)
        assert.equal(customers.length, 2)
        assert.equal(items.length, 2)
        const bySubject = Object.fromEntries(events.map((e) => [e.subject, e.payload]))
        assert.deepEqual(bySubject['segments/seg/customers/cust-b2c'], { customerId: 'cust-b2c', segmentId: 'seg', assignmentType: 'MANUAL', tenant: c.tenant })
        assert.deepEqual(bySubject['segments/seg/customers/cust-b2b/le-1'], { customerId: 'cust-b2b', legalEntityId: 'le-1', segmentId: 'seg', assignmentType: 'MANUAL', tenant: c.tenant })
        assert.deepEqual(bySubject['segments/seg/items/PRODUCT/prod-1'], { itemId: 'prod-1', segmentId: 'seg', type: 'PRODUCT', tenant: c.tenant })
        assert.deepEqual(bySubject['segments/seg/items/CATEGORY/cat-1'], { itemId: 'cat-1', segmentId: 'seg', type: 'CATEGORY', tenant: c.tenant })
        const sequences = events.map((e) => e.sequence)
        assert.deepEqual([...sequences].sort((a, b) => a - b), sequences)
      })

      it('is one transaction: when the segment row cannot be deleted, the assignments and their events stay', async () => {
        await client('cascatom')
        await c.create(minimal({ id: 'stuck' }))
        await insertCustomerAssignment(t, c.tenant, 'stuck', 'c1')
        await insertItemAssignment(t, c.tenant, 'stuck', 'PRODUCT', 'p1')
        // A trigger makes the last step of the cascade fail, as a lost connection or a crash would.
        await sql
          .raw(`
            create or replace function refuse_stuck_delete() returns trigger language plpgsql as $$
            begin
              if old.tenant = '${c.tenant}' and old.id = 'stuck' then raise exception 'refused by test'; end if;
              return old;
            end $$;
            create trigger refuse_stuck_delete before delete on segment for each row execute function refuse_stuck_delete();`)
          .execute(t.database.db)
        try {
          const events = await eventsOf(async () => assert.equal((await call('DELETE', '/stuck?forceDelete=true')).statusCode, 500))
          assert.deepEqual(events, [])
          assert.equal((await c.get('stuck')).id, 'stuck')
          const customers = await t.database.db.selectFrom('customer_assignment').select('customer_id').where('tenant', '=', c.tenant).execute()
          const items = await t.database.db.selectFrom('item_assignment').select('item_id').where('tenant', '=', c.tenant).execute()
          assert.deepEqual([customers.length, items.length], [1, 1])
        } finally {
          await sql.raw('drop trigger refuse_stuck_delete on segment; drop function refuse_stuck_delete();').execute(t.database.db)
        }
      })

      it('emits the cascade for each segment of a bulk delete', async () => {
        await client('cascbulk')
        await c.create(minimal({ id: 'a' }))
        await c.create(minimal({ id: 'b' }))
        await insertCustomerAssignment(t, c.tenant, 'a', 'c1')
        await insertItemAssignment(t, c.tenant, 'b', 'PRODUCT', 'p1')
        const events = await eventsOf(async () => {
          const res = await call('DELETE', '/bulk?forceDelete=true', ['a', 'b'])
          assert.deepEqual(res.json().map((r: any) => r.code), [204, 204])
        })
        assert.deepEqual(events.map((e) => [e.type, e.subject]), [
          [CUSTOMER_DELETED, 'segments/a/customers/c1'],
          [DELETED, 'segments/a'],
          [ITEM_DELETED, 'segments/b/items/PRODUCT/p1'],
          [DELETED, 'segments/b'],
        ])
      })
    })

    describe('sequences', () => {
      it('strictly increase per subject across update, delete and re-create', async () => {
        await client('sequence')
        const events = await eventsOf(async () => {
          await c.create(minimal({ id: 'life' }))
          await call('PATCH', '/life', EXAMPLES.PatchName)
          await call('DELETE', '/life')
          await c.create(minimal({ id: 'life', status: 'ACTIVE' }))
          await call('PUT', '/life', minimal({ status: 'INACTIVE' }))
        })
        const life = events.filter((e) => e.subject === 'segments/life')
        assert.deepEqual(life.map((e) => e.type), [CREATED, UPDATED, DELETED, CREATED, UPDATED])
        for (let i = 1; i < life.length; i++) assert.ok(life[i].sequence > life[i - 1].sequence)
        assert.deepEqual(life.map((e) => (e.payload.metadata as any)?.version), [1, 2, undefined, 1, 2])
        assert.equal(life[4].payload.previousStatus, 'ACTIVE')
        assert.equal(new Set(life.map((e) => e.id)).size, life.length, 'event ids are unique')
      })

      it('order concurrent updates of one segment the way they were committed', async () => {
        await client('seqrace')
        await c.create(minimal({ id: 'hot', mixins: { m: {} } }))
        const events = await eventsOf(async () => {
          const results = await Promise.all(
            Array.from({ length: 8 }, (_, i) => call('PATCH', '/hot', [{ op: 'add', path: `/mixins/m/k${i}`, value: i }])),
          )
          assert.deepEqual(results.map((r) => r.statusCode), Array(8).fill(204))
        })
        assert.equal(events.length, 8)
        // Sorted by sequence, the versions must come out 2..9: a later sequence never carries an older state.
        assert.deepEqual(events.map((e) => (e.payload.metadata as any).version), [2, 3, 4, 5, 6, 7, 8, 9])
        assert.deepEqual(Object.keys((events.at(-1)?.payload.mixins as any).m).length, 8)
      })
    })

    describe('event log API', () => {
      it('lists the tenant’s events oldest first with id, type, time, sequence, subject, payload and deliveries', async () => {
        await client('log')
        await c.create(minimal({ id: 'one' }))
        await c.create(minimal({ id: 'two' }))
        await call('DELETE', '/one')
        const events = await c.events()
        assert.deepEqual(events.map((e) => [e.type, e.subject]), [
          [CREATED, 'segments/one'],
          [CREATED, 'segments/two'],
          [DELETED, 'segments/one'],
        ])
        for (const event of events) assert.deepEqual(Object.keys(event).sort(), ['deliveries', 'id', 'payload', 'sequence', 'subject', 'time', 'type'])
        for (let i = 1; i < events.length; i++) {
          assert.ok(events[i].sequence > events[i - 1].sequence)
          assert.ok(events[i].time >= events[i - 1].time)
        }
      })

      it('filters by type, by sequence and by time, and pages', async () => {
        await client('logfilter')
        for (const id of ['a', 'b', 'c']) await c.create(minimal({ id }))
        await call('PATCH', '/a', EXAMPLES.PatchName)
        await call('DELETE', '/b')
        const all = await c.events()
        assert.equal(all.length, 5)
        const get = async (query: string) => {
          const res = await c.call({ method: 'GET', url: `/webhook/${c.tenant}/events?${query}` })
          assert.equal(res.statusCode, 200, res.body)
          return (res.json() as LoggedEvent[]).map((e) => e.sequence)
        }
        const seq = all.map((e) => e.sequence)
        assert.deepEqual(await get(`type=${CREATED}`), seq.slice(0, 3))
        assert.deepEqual(await get(`type=${DELETED}`), [seq[4]])
        assert.deepEqual(await get(`type=${ITEM_DELETED}`), [])
        assert.deepEqual(await get(`since=${seq[2]}`), seq.slice(3), 'a sequence: the events after it')
        assert.deepEqual(await get(`since=${seq[4]}`), [])
        assert.deepEqual(await get(`since=0`), seq)
        assert.deepEqual(await get(`since=${encodeURIComponent(all[3].time)}`).then((s) => s.filter((x) => x >= seq[3])), seq.slice(3))
        assert.ok((await get(`since=${encodeURIComponent(all[3].time)}`)).includes(seq[3]), 'a time: events published at or after it')
        assert.deepEqual(await get('since=2999-01-01T00:00:00Z'), [])
        assert.deepEqual(await get('since=2000-01-01T00:00:00Z'), seq)
        assert.deepEqual(await get(`type=${CREATED}&since=${seq[0]}`), seq.slice(1, 3))
        assert.deepEqual(await get('pageSize=2'), seq.slice(0, 2))
        assert.deepEqual(await get('pageSize=2&pageNumber=2'), seq.slice(2, 4))
        assert.deepEqual(await get('pageSize=2&pageNumber=3'), seq.slice(4))
        assert.deepEqual(await get('pageSize=2&pageNumber=4'), [])
      })

      it('refuses unknown types, bad since values and bad paging', async () => {
        await client('logbad')
        for (const query of ['type=segment-created', 'type=customer-segment.nope', 'since=last-week', 'since=2024-01-01Tnoon', 'pageSize=0', 'pageSize=1001', 'pageNumber=0']) {
          assertError(await c.call({ method: 'GET', url: `/webhook/${c.tenant}/events?${query}` }), 400)
        }
      })

      it('shows each tenant only its own events', async () => {
        const a = await client('loga')
        await a.create(minimal({ id: 'mine' }))
        const b = await client('logb')
        await b.create(minimal({ id: 'theirs' }))
        assert.deepEqual((await a.events()).map((e) => e.subject), ['segments/mine'])
        assert.deepEqual((await b.events()).map((e) => e.subject), ['segments/theirs'])
      })

      it('logged only events that match the catalogue, in every tenant of this suite', async () => {
        let checked = 0
        for (const tenant of tenants) {
          const client = await tenantClient(t, tenant)
          for (const event of await client.events()) {
            checkEvent(event, tenant)
            checked++
          }
        }
        assert.ok(checked > 30, `only ${checked} events checked`)
      })
    })
  })
}

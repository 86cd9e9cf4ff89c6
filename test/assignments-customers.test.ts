/**
 * Customer assignments (the "Customers Assignments" tag): B2C and B2B upsert, read and delete with the
 * contract examples; versions, no-ops and 409s; list and search (q, paging, sort, fields, X-Total-Count);
 * bulk upsert and delete with partial failure and the 200-item limit; 404 for a missing segment; bad
 * input; enrichment from the directory, inline directory details, and strict mode.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { SCOPES } from '../src/auth/principal.js'
import { loadConfig } from '../src/config.js'
import {
  ASSIGNMENT_EXAMPLES as EX,
  assertMetadata,
  assignCustomer,
  customerPath,
  feedDirectory,
  getList,
  raw,
  readDirectory,
  segment,
} from './support/assignment-helpers.js'
import { ENGINES, siblingApp, startTestApp, TEST_SECRET, type TestApp } from './support/harness.js'
import { assertError, example, freshTenant, MESSAGES, snapshot, type TenantClient, tenantClient } from './support/segment-helpers.js'

const JOHN = { id: '98029737', firstName: 'John', lastName: 'Doe', email: 'john.doe@email.com' }
const SOME_COMPANY = { id: '660af2af69babe3cf6e40771', name: 'SomeCompany' }

for (const engine of ENGINES) {
  describe(`customer assignments on ${engine}`, () => {
    let t: TestApp
    let c: TenantClient
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    /** A fresh tenant with segment `seg` (and the example customer and legal entity in the directory). */
    const setup = async (prefix: string) => {
      c = await tenantClient(t, freshTenant(prefix))
      await segment(c, 'seg')
      await feedDirectory(c, 'customers', [JOHN])
      await feedDirectory(c, 'legal-entities', [SOME_COMPANY])
      return c
    }
    const put = (path: string, payload: unknown, headers?: Record<string, string>) => c.call({ method: 'PUT', url: c.url(path), payload: payload as object, headers })
    const get = (path: string, headers?: Record<string, string>) => c.call({ method: 'GET', url: c.url(path), headers })
    const del = (path: string, payload?: unknown) => c.call({ method: 'DELETE', url: c.url(path), payload: payload as object })
    const read = async (path: string) => {
      const res = await get(path)
      assert.equal(res.statusCode, 200, res.body)
      return res.json()
    }

    describe('single upsert, read, delete', () => {
      it('[B2C] upserts the CustomerAssignmentUpsert example: 201 without a body, then reads CustomerAssignmentB2CResponse', async () => {
        await setup('b2c')
        const res = await put(customerPath('seg', JOHN.id), EX.Mixins)
        assert.equal(res.statusCode, 201)
        assert.equal(res.body, '')
        const body = await read(customerPath('seg', JOHN.id))
        assert.deepEqual(Object.keys(body).sort(), ['assignmentType', 'customer', 'metadata', 'mixins'])
        const { metadata, mixins, ...rest } = body
        assert.deepEqual(rest, EX.CustomerAssignmentB2CResponse)
        assert.deepEqual(mixins, EX.Mixins.mixins)
        assertMetadata(metadata, 1, EX.Mixins.metadata.mixins)
        assert.equal(metadata.createdAt, metadata.modifiedAt)
        assert.ok(Math.abs(Date.parse(metadata.createdAt) - Date.now()) < 60_000)
      })

      it('[B2B] upserts the example and reads CustomerAssignmentResponse, enriched from the directory', async () => {
        await setup('b2b')
        assert.equal((await put(customerPath('seg', JOHN.id, SOME_COMPANY.id), EX.Mixins)).statusCode, 201)
        const { metadata, mixins, ...rest } = await read(customerPath('seg', JOHN.id, SOME_COMPANY.id))
        assert.deepEqual(rest, EX.CustomerAssignmentResponse)
        assert.deepEqual(mixins, EX.Mixins.mixins)
        assertMetadata(metadata, 1, EX.Mixins.metadata.mixins)
      })

      it('takes an empty body: an assignment with only its key, MANUAL, version 1', async () => {
        await setup('empty')
        await assignCustomer(c, 'seg', 'c1')
        const body = await read(customerPath('seg', 'c1'))
        assert.deepEqual(Object.keys(body).sort(), ['assignmentType', 'customer', 'metadata'])
        assert.deepEqual(body.customer, { id: 'c1' })
        assert.equal(body.assignmentType, 'MANUAL')
        assertMetadata(body.metadata, 1)
        // A PUT without any body at all is the same empty upsert.
        const res = await c.call({ method: 'PUT', url: c.url(customerPath('seg', 'c2')) })
        assert.equal(res.statusCode, 201, res.body)
      })

      it('keys B2C and B2B apart: one customer, B2C and two legal entities, are three assignments', async () => {
        await setup('keys')
        await assignCustomer(c, 'seg', 'c1', undefined, { mixins: { a: { v: 'b2c' } } })
        await assignCustomer(c, 'seg', 'c1', 'le1', { mixins: { a: { v: 'le1' } } })
        await assignCustomer(c, 'seg', 'c1', 'le2', { mixins: { a: { v: 'le2' } } })
        assert.deepEqual((await read(customerPath('seg', 'c1'))).mixins, { a: { v: 'b2c' } })
        assert.deepEqual((await read(customerPath('seg', 'c1', 'le1'))).mixins, { a: { v: 'le1' } })
        assert.deepEqual((await read(customerPath('seg', 'c1', 'le2'))).legalEntity, { id: 'le2' })
        assert.equal((await read(customerPath('seg', 'c1'))).legalEntity, undefined)
        assertError(await get(customerPath('seg', 'c1', 'le3')), 404, MESSAGES.notFound('c1/le3'))
        assert.equal((await snapshot(t, c.tenant)).customers.length, 3)

        assert.equal((await del(customerPath('seg', 'c1'))).statusCode, 204)
        assertError(await get(customerPath('seg', 'c1')), 404, MESSAGES.notFound('c1'))
        assert.equal((await read(customerPath('seg', 'c1', 'le1'))).metadata.version, 1)
        assert.equal((await del(customerPath('seg', 'c1', 'le1'))).statusCode, 204)
        assertError(await get(customerPath('seg', 'c1', 'le1')), 404)
        assert.equal((await read(customerPath('seg', 'c1', 'le2'))).metadata.version, 1)
      })

      it('keeps ids exactly (case-sensitive, punctuation, non-ASCII)', async () => {
        await setup('ids')
        for (const [customerId, legalEntityId] of [['Cust.1', undefined], ['cust.1', undefined], ['Kündé:1', 'LE@x'], ['a~b', '段']] as const) {
          await assignCustomer(c, 'seg', customerId, legalEntityId)
          const body = await read(customerPath('seg', customerId, legalEntityId))
          assert.equal(body.customer.id, customerId)
          if (legalEntityId) assert.equal(body.legalEntity.id, legalEntityId)
        }
        assert.equal((await snapshot(t, c.tenant)).customers.length, 4)
      })

      it('deleting an absent assignment is 204 and changes nothing', async () => {
        await setup('delabsent')
        await assignCustomer(c, 'seg', 'c1')
        const before = await snapshot(t, c.tenant)
        assert.equal((await del(customerPath('seg', 'nobody'))).statusCode, 204)
        assert.equal((await del(customerPath('seg', 'c1', 'le1'))).statusCode, 204)
        assert.deepEqual(await snapshot(t, c.tenant), before)
      })
    })

    describe('versions and no-ops', () => {
      it('the same content again is a no-op: 204, version and modifiedAt unchanged', async () => {
        await setup('noop')
        await assignCustomer(c, 'seg', 'c1', 'le1', example(EX.Mixins))
        const first = await read(customerPath('seg', 'c1', 'le1'))
        const before = await snapshot(t, c.tenant)
        // Same content, keys in another order.
        const reordered = { metadata: { mixins: EX.Mixins.metadata.mixins }, mixins: EX.Mixins.mixins }
        await assignCustomer(c, 'seg', 'c1', 'le1', reordered, 204)
        await assignCustomer(c, 'seg', 'c1', 'le1', { ...example(EX.Mixins), metadata: { ...EX.Mixins.metadata, version: 1 } }, 204)
        assert.deepEqual(await read(customerPath('seg', 'c1', 'le1')), first)
        assert.deepEqual(await snapshot(t, c.tenant), before)
      })

      it('empty mixins maps are the same as none', async () => {
        await setup('emptymix')
        await assignCustomer(c, 'seg', 'c1')
        const before = await snapshot(t, c.tenant)
        await assignCustomer(c, 'seg', 'c1', undefined, { mixins: {}, metadata: { mixins: {} } }, 204)
        assert.deepEqual(await snapshot(t, c.tenant), before)
      })

      it('a change of mixins or metadata.mixins is 204 with version + 1; a PUT replaces the content', async () => {
        await setup('change')
        await assignCustomer(c, 'seg', 'c1', undefined, example(EX.Mixins))
        const v1 = await read(customerPath('seg', 'c1'))

        await assignCustomer(c, 'seg', 'c1', undefined, { ...example(EX.Mixins), mixins: { segmentAttributes: { membershipStatus: 'GOLD' } } }, 204)
        const v2 = await read(customerPath('seg', 'c1'))
        assert.deepEqual(v2.mixins, { segmentAttributes: { membershipStatus: 'GOLD' } })
        assertMetadata(v2.metadata, 2, EX.Mixins.metadata.mixins)
        assert.equal(v2.metadata.createdAt, v1.metadata.createdAt)
        assert.ok(v2.metadata.modifiedAt >= v1.metadata.modifiedAt)

        await assignCustomer(c, 'seg', 'c1', undefined, { mixins: v2.mixins, metadata: { mixins: { segmentAttributes: 'https://example.com/v2.json' } } }, 204)
        assertMetadata((await read(customerPath('seg', 'c1'))).metadata, 3, { segmentAttributes: 'https://example.com/v2.json' })

        // An empty body clears what the assignment carried.
        await assignCustomer(c, 'seg', 'c1', undefined, {}, 204)
        const v4 = await read(customerPath('seg', 'c1'))
        assert.equal(v4.mixins, undefined)
        assertMetadata(v4.metadata, 4)
      })

      it('a stale metadata.version is 409 "has changed" and writes nothing; the current one passes', async () => {
        await setup('stale')
        await assignCustomer(c, 'seg', 'c1', 'le1')
        await assignCustomer(c, 'seg', 'c1', 'le1', { mixins: { a: { x: 1 } } }, 204)
        const before = await snapshot(t, c.tenant)
        for (const version of [1, 3, 99]) {
          const res = await put(customerPath('seg', 'c1', 'le1'), { mixins: { a: { x: 2 } }, metadata: { version } })
          assertError(res, 409, MESSAGES.changed)
        }
        // A stale version is a conflict even when the content would not change.
        assertError(await put(customerPath('seg', 'c1', 'le1'), { mixins: { a: { x: 1 } }, metadata: { version: 1 } }), 409, MESSAGES.changed)
        assert.deepEqual(await snapshot(t, c.tenant), before)
        await assignCustomer(c, 'seg', 'c1', 'le1', { mixins: { a: { x: 2 } }, metadata: { version: 2 } }, 204)
        assert.equal((await read(customerPath('seg', 'c1', 'le1'))).metadata.version, 3)
      })

      it('a version on a creation is not checked (nothing to be stale against)', async () => {
        await setup('createver')
        await assignCustomer(c, 'seg', 'c1', undefined, { metadata: { version: 7 } })
        assert.equal((await read(customerPath('seg', 'c1'))).metadata.version, 1)
      })
    })

    describe('missing segment', () => {
      it('answers 404 on every endpoint and writes nothing', async () => {
        c = await tenantClient(t, freshTenant('noseg'))
        await segment(c, 'other')
        const before = await snapshot(t, c.tenant)
        const message = MESSAGES.notFound('ghost')
        assertError(await put(customerPath('ghost', 'c1'), {}), 404, message)
        assertError(await put(customerPath('ghost', 'c1', 'le1'), EX.Mixins), 404, message)
        assertError(await get(customerPath('ghost', 'c1')), 404)
        assertError(await get(customerPath('ghost', 'c1', 'le1')), 404)
        assertError(await del(customerPath('ghost', 'c1')), 404, message)
        assertError(await del(customerPath('ghost', 'c1', 'le1')), 404, message)
        assertError(await get(customerPath('ghost')), 404, message)
        assertError(await c.call({ method: 'POST', url: c.url(`${customerPath('ghost')}/search`), payload: {} }), 404, message)
        assertError(await put(`${customerPath('ghost')}/bulk`, [{ customerId: 'c1' }]), 404, message)
        assertError(await del(`${customerPath('ghost')}/bulk`, [{ customerId: 'c1' }]), 404, message)
        // Even a bulk whose every item is invalid is about a segment that does not exist.
        assertError(await put(`${customerPath('ghost')}/bulk`, [{ customerId: 5 }]), 404, message)
        assertError(await put(`${customerPath('ghost')}/bulk`, []), 404, message)
        // Segment ids are case-sensitive.
        assertError(await put(customerPath('OTHER', 'c1'), {}), 404)
        assert.deepEqual(await snapshot(t, c.tenant), before)
      })

      it('a segment of another tenant is missing too', async () => {
        await setup('othertenant')
        const other = await tenantClient(t, freshTenant('othert'))
        assertError(await other.call({ method: 'PUT', url: other.url(customerPath('seg', 'c1')), payload: {} }), 404)
        assertError(await other.call({ method: 'GET', url: other.url(customerPath('seg')) }), 404)
        assert.equal((await snapshot(t, c.tenant)).customers.length, 0)
      })
    })

    describe('bad input', () => {
      it('refuses unknown fields, wrong types, bad versions and malformed JSON with 400, writing nothing', async () => {
        await setup('badinput')
        await assignCustomer(c, 'seg', 'c1')
        const before = await snapshot(t, c.tenant)
        const bad: unknown[] = [
          { foo: 1 },
          { customerId: 'c1' },
          { mixins: 'x' },
          { mixins: [1] },
          { metadata: { version: 0 } },
          { metadata: { version: 1.5 } },
          { metadata: { version: '1' } },
          { metadata: { createdAt: 'yesterday' } },
          { metadata: { modifiedAt: 5 } },
          { assignmentType: 'RULE' },
          { metadata: { mixins: { a: 5 } } },
          { metadata: 'x' },
          { customer: { email: 5 } },
          { customer: { phone: '1' } },
          [],
          'text',
          42,
          null,
        ]
        for (const payload of bad) {
          for (const path of [customerPath('seg', 'c1'), customerPath('seg', 'c2', 'le1')]) {
            const res = await c.call({ method: 'PUT', url: c.url(path), payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } })
            assertError(res, 400)
          }
        }
        for (const text of ['{', '{"mixins": }', "{'a':1}", '{"a":1}}']) {
          assertError(await c.call({ method: 'PUT', url: c.url(customerPath('seg', 'c1')), ...raw(text) }), 400)
        }
        const res = await c.call({ method: 'PUT', url: c.url(customerPath('seg', 'c1')), payload: 'mixins', headers: { 'content-type': 'text/plain' } })
        assertError(res, 415)
        assert.deepEqual(await snapshot(t, c.tenant), before)
      })

      it('refuses inline details that contradict the path, and a legal entity on a B2C assignment', async () => {
        await setup('badinline')
        const before = await snapshot(t, c.tenant)
        assertError(await put(customerPath('seg', 'c1'), { customer: { id: 'c2', email: 'x@y' } }), 400)
        assertError(await put(customerPath('seg', 'c1', 'le1'), { legalEntity: { id: 'le2', name: 'X' } }), 400)
        assertError(await put(customerPath('seg', 'c1'), { legalEntity: { name: 'X' } }), 400)
        assert.deepEqual(await snapshot(t, c.tenant), before)
        assert.equal(await readDirectory(c, 'customers', 'c1'), undefined)
      })

      it('needs segment_manage to write and segment_read to read; the token tenant must be the path tenant', async () => {
        await setup('scopes')
        await assignCustomer(c, 'seg', 'c1')
        const reader = await t.token({ tenant: c.tenant, scopes: [SCOPES.segmentRead] })
        assertError(await c.call({ method: 'PUT', url: c.url(customerPath('seg', 'c2')), payload: {}, token: reader }), 403, MESSAGES.forbidden)
        assertError(await c.call({ method: 'DELETE', url: c.url(customerPath('seg', 'c1')), token: reader }), 403)
        assertError(await c.call({ method: 'PUT', url: c.url(`${customerPath('seg')}/bulk`), payload: [], token: reader }), 403)
        assertError(await c.call({ method: 'DELETE', url: c.url(`${customerPath('seg')}/bulk`), payload: [], token: reader }), 403)
        assert.equal((await c.call({ method: 'GET', url: c.url(customerPath('seg', 'c1')), token: reader })).statusCode, 200)
        assert.equal((await c.call({ method: 'GET', url: c.url(customerPath('seg')), token: reader })).statusCode, 200)
        assert.equal((await c.call({ method: 'POST', url: c.url(`${customerPath('seg')}/search`), payload: {}, token: reader })).statusCode, 200)
        const manager = await t.token({ tenant: c.tenant, scopes: [SCOPES.segmentManage] })
        assertError(await c.call({ method: 'GET', url: c.url(customerPath('seg', 'c1')), token: manager }), 403)
        assertError(await c.call({ method: 'GET', url: c.url(customerPath('seg')), token: null }), 401)
        assertError(await c.call({ method: 'PUT', url: c.url(customerPath('seg', 'c3')), payload: {}, token: null }), 401)
        const stranger = await t.token({ tenant: 'someoneelse' })
        assertError(await c.call({ method: 'GET', url: c.url(customerPath('seg', 'c1')), token: stranger }), 403)
        assertError(await c.call({ method: 'PUT', url: c.url(customerPath('seg', 'c3')), payload: {}, token: stranger }), 403)
        assert.equal((await snapshot(t, c.tenant)).customers.length, 1)
      })
    })

    describe('list and search', () => {
      /** Five assignments: c1 B2C, c1/le1, c2/le1, c3 B2C, c4/le2, with directory data and mixins. */
      const seed = async (prefix: string) => {
        await setup(prefix)
        await feedDirectory(c, 'customers', [
          { id: 'c1', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
          { id: 'c2', email: 'bob@example.org', firstName: 'Bob', lastName: 'Builder' },
          { id: 'c3', email: 'cy@example.com', firstName: 'Cy', lastName: 'Young' },
        ])
        await feedDirectory(c, 'legal-entities', [{ id: 'le1', name: 'Acme Corp' }, { id: 'le2', name: 'Globex' }])
        await assignCustomer(c, 'seg', 'c1', undefined, { mixins: { attrs: { tier: 'GOLD', level: 3 } } })
        await assignCustomer(c, 'seg', 'c1', 'le1', { mixins: { attrs: { tier: 'SILVER', level: 2 } } })
        await assignCustomer(c, 'seg', 'c2', 'le1')
        await assignCustomer(c, 'seg', 'c3')
        await assignCustomer(c, 'seg', 'c4', 'le2', { mixins: { attrs: { tier: 'GOLD', level: 1 } } })
        await assignCustomer(c, 'seg', 'c3', undefined, { mixins: { attrs: { level: 5 } } }, 204)
        // Another segment's assignments never show up.
        await segment(c, 'seg2')
        await assignCustomer(c, 'seg2', 'c1')
      }
      const keyOf = (a: Record<string, any>) => `${a.customer.id}${a.legalEntity ? `/${a.legalEntity.id}` : ''}`
      const keys = async (query: string, headers?: Record<string, string>) => (await getList(c, `${customerPath('seg')}${query}`, headers)).map(keyOf)
      const search = async (body: unknown, query = '') => {
        const res = await c.call({ method: 'POST', url: c.url(`${customerPath('seg')}/search${query}`), payload: body as object })
        assert.equal(res.statusCode, 200, res.body)
        return (res.json() as Record<string, any>[]).map(keyOf)
      }

      it('lists every assignment of the segment, enriched, in a stable order', async () => {
        await seed('list')
        const list = await getList(c, customerPath('seg'))
        assert.deepEqual(list.map(keyOf), ['c1', 'c1/le1', 'c2/le1', 'c3', 'c4/le2'])
        assert.deepEqual(list[2].customer, { id: 'c2', email: 'bob@example.org', firstName: 'Bob', lastName: 'Builder' })
        assert.deepEqual(list[2].legalEntity, { id: 'le1', name: 'Acme Corp' })
        assert.deepEqual(list[4].customer, { id: 'c4' })
        for (const item of list) {
          assert.equal(item.assignmentType, 'MANUAL')
          assert.deepEqual(Object.keys(item).filter((k) => !['customer', 'legalEntity', 'assignmentType', 'mixins', 'metadata'].includes(k)), [])
        }
        assert.equal(list[3].metadata.version, 2)
        assert.deepEqual(await getList(c, customerPath('seg2')).then((l) => l.map(keyOf)), ['c1'])
      })

      it('filters with q over assignment and directory fields', async () => {
        await seed('q')
        assert.deepEqual(await keys('?q=assignmentType:MANUAL'), ['c1', 'c1/le1', 'c2/le1', 'c3', 'c4/le2'])
        assert.deepEqual(await keys('?q=assignmentType:AUTOMATIC'), [])
        assert.deepEqual(await keys('?q=customer.id:c1'), ['c1', 'c1/le1'])
        assert.deepEqual(await keys('?q=customer.id:(c2,c4)'), ['c2/le1', 'c4/le2'])
        assert.deepEqual(await keys('?q=legalEntity.id:le1'), ['c1/le1', 'c2/le1'])
        assert.deepEqual(await keys('?q=legalEntity.id:null'), ['c1', 'c3'])
        assert.deepEqual(await keys('?q=legalEntity.id:exists'), ['c1/le1', 'c2/le1', 'c4/le2'])
        assert.deepEqual(await keys(`?q=${encodeURIComponent('customer.email:~example.com$')}`), ['c1', 'c1/le1', 'c3'])
        assert.deepEqual(await keys('?q=legalEntity.name:Globex'), ['c4/le2'])
        assert.deepEqual(await keys('?q=customer.lastName:Builder'), ['c2/le1'])
        assert.deepEqual(await keys('?q=mixins.attrs.tier:GOLD'), ['c1', 'c4/le2'])
        assert.deepEqual(await keys(`?q=${encodeURIComponent('mixins.attrs.level:>=3')}`), ['c1', 'c3'])
        assert.deepEqual(await keys('?q=mixins.attrs.tier:missing'), ['c2/le1', 'c3'])
        assert.deepEqual(await keys(`?q=${encodeURIComponent('metadata.version:>1')}`), ['c3'])
        assert.deepEqual(await keys(`?q=${encodeURIComponent('customer.id:c1 legalEntity.id:le1')}`), ['c1/le1'])
        for (const q of ['unknownField:1', 'customer.id:', 'metadata.version:abc', 'assignmentType:OTHER', '(((', 'metadata.createdAt:yesterday']) {
          assertError(await get(`${customerPath('seg')}?q=${encodeURIComponent(q)}`), 400)
        }
      })

      it('searches with q in a POST body (the contract example), with the same paging parameters', async () => {
        await seed('search')
        assert.deepEqual(await search({ q: 'assignmentType:MANUAL' }), ['c1', 'c1/le1', 'c2/le1', 'c3', 'c4/le2'])
        assert.deepEqual(await search({ q: 'customer.firstName:Ada' }), ['c1', 'c1/le1'])
        assert.deepEqual(await search({}), ['c1', 'c1/le1', 'c2/le1', 'c3', 'c4/le2'])
        assert.deepEqual(await search({ q: 'legalEntity.id:le1' }, '?pageSize=1&pageNumber=2'), ['c2/le1'])
        const res = await c.call({ method: 'POST', url: c.url(`${customerPath('seg')}/search`), payload: { q: 'assignmentType:MANUAL' }, headers: { 'x-total-count': 'true' } })
        assert.equal(res.headers['x-total-count'], '5')
        assertError(await c.call({ method: 'POST', url: c.url(`${customerPath('seg')}/search`), payload: { q: 'x', other: 1 } }), 400)
        assertError(await c.call({ method: 'POST', url: c.url(`${customerPath('seg')}/search`), payload: { q: 5 } }), 400)
        assertError(await c.call({ method: 'POST', url: c.url(`${customerPath('seg')}/search?q=customer.id:c1`), payload: {} }), 400)
        assertError(await c.call({ method: 'POST', url: c.url(`${customerPath('seg')}/search`), payload: { q: 'nope:1' } }), 400)
        assertError(await c.call({ method: 'POST', url: c.url(`${customerPath('seg')}/search`), ...raw('{"q":') }), 400)
      })

      it('pages from 1, sorts, and counts on request only', async () => {
        await seed('paging')
        assert.deepEqual(await keys('?pageSize=2'), ['c1', 'c1/le1'])
        assert.deepEqual(await keys('?pageSize=2&pageNumber=2'), ['c2/le1', 'c3'])
        assert.deepEqual(await keys('?pageSize=2&pageNumber=3'), ['c4/le2'])
        assert.deepEqual(await keys('?pageSize=2&pageNumber=4'), [])
        assert.deepEqual(await keys('?sort=customer.id:desc'), ['c4/le2', 'c3', 'c2/le1', 'c1', 'c1/le1'])
        assert.deepEqual(await keys('?sort=customer.lastName'), ['c2/le1', 'c1', 'c1/le1', 'c3', 'c4/le2'])
        assert.deepEqual(await keys('?sort=metadata.version:desc,customer.id:desc'), ['c3', 'c4/le2', 'c2/le1', 'c1', 'c1/le1'])
        assert.deepEqual(await keys('?sort=legalEntity.name:desc&pageSize=2'), ['c1', 'c3'])

        const plain = await get(customerPath('seg'))
        assert.equal(plain.headers['x-total-count'], undefined)
        const counted = await get(`${customerPath('seg')}?pageSize=2&q=legalEntity.id:exists`, { 'x-total-count': 'true' })
        assert.equal(counted.headers['x-total-count'], '3')
        assert.equal(counted.json().length, 2)
        assert.equal((await get(customerPath('seg'), { 'x-total-count': 'false' })).headers['x-total-count'], undefined)

        for (const query of ['pageSize=0', 'pageSize=-1', 'pageSize=abc', 'pageNumber=0', 'pageNumber=1.5', 'sort=nope', 'sort=mixins']) {
          assertError(await get(`${customerPath('seg')}?${query}`), 400)
        }
      })

      it('projects fields', async () => {
        await seed('fields')
        const list = await getList(c, `${customerPath('seg')}?fields=customer.email,legalEntity&pageSize=3`)
        assert.deepEqual(list, [
          { customer: { email: 'ada@example.com' } },
          { customer: { email: 'ada@example.com' }, legalEntity: { id: 'le1', name: 'Acme Corp' } },
          { customer: { email: 'bob@example.org' }, legalEntity: { id: 'le1', name: 'Acme Corp' } },
        ])
        const one = await read(`${customerPath('seg', 'c1', 'le1')}?fields=metadata.version,mixins`)
        assert.deepEqual(one, { mixins: { attrs: { tier: 'SILVER', level: 2 } }, metadata: { version: 1 } })
        const b2c = await read(`${customerPath('seg', 'c3')}?fields=customer.id`)
        assert.deepEqual(b2c, { customer: { id: 'c3' } })
      })
    })

    describe('bulk', () => {
      const bulk = (payload: unknown, method: 'PUT' | 'DELETE' = 'PUT', segmentId = 'seg') =>
        c.call({ method, url: c.url(`${customerPath(segmentId)}/bulk`), payload: payload as object })

      it('upserts the CustomerAssignmentsUpsert example: 207 with one result per item, numbered from 1', async () => {
        await setup('bulkex')
        const res = await bulk(EX.CustomerAssignmentsUpsert)
        assert.equal(res.statusCode, 207, res.body)
        assert.deepEqual(res.json(), [
          { index: 1, code: 201, status: 'Created' },
          { index: 2, code: 201, status: 'Created' },
        ])
        const { metadata, mixins, ...rest } = await read(customerPath('seg', '98029737', '660af2af69babe3cf6e40771'))
        assert.deepEqual(rest, EX.CustomerAssignmentResponse)
        assert.deepEqual(mixins, EX.CustomerAssignmentsUpsert[0].mixins)
        assertMetadata(metadata, 1, EX.CustomerAssignmentsUpsert[0].metadata.mixins)
        assert.deepEqual((await read(customerPath('seg', '18249883', '628cd20c6e8b2432b6346ca6'))).customer, { id: '18249883' })

        // Again: nothing changed, both 204 OK (BulkAssignmentDeletionResponse has the same shape).
        const again = await bulk(EX.CustomerAssignmentsUpsert)
        assert.equal(again.statusCode, 207)
        assert.deepEqual(again.json(), EX.BulkAssignmentDeletionResponse)
        assert.equal((await read(customerPath('seg', '98029737', '660af2af69babe3cf6e40771'))).metadata.version, 1)
      })

      it('a bad item is its own 400 (BulkAssignmentUpdateResponse) and does not undo the others', async () => {
        await setup('bulkpart')
        await assignCustomer(c, 'seg', 'old', undefined, { mixins: { a: { v: 1 } } })
        const res = await bulk([
          { customerId: 'new1', mixins: { a: { v: 1 } } },
          { customerId: 5 },
          { customerId: 'new2', unknown: true },
          { legalEntityId: 'le1' },
          'c9',
          null,
          { customerId: 'old', mixins: { a: { v: 2 } }, metadata: { version: 9 } },
          { customerId: 'new3', legalEntityId: 'le1', customer: { id: 'other' } },
          { customerId: 'new4', legalEntity: { name: 'B2C has none' } },
          { customerId: 'new5', legalEntityId: 'le5' },
          { customerId: 'old', mixins: { a: { v: 3 } }, metadata: { version: 1 } },
        ])
        assert.equal(res.statusCode, 207, res.body)
        const results = res.json()
        assert.deepEqual(
          results.map((r: any) => [r.index, r.code, r.status]),
          [
            [1, 201, 'Created'],
            [2, 400, 'Bad Request'],
            [3, 400, 'Bad Request'],
            [4, 400, 'Bad Request'],
            [5, 400, 'Bad Request'],
            [6, 400, 'Bad Request'],
            [7, 409, 'Conflict'],
            [8, 400, 'Bad Request'],
            [9, 400, 'Bad Request'],
            [10, 201, 'Created'],
            [11, 204, 'OK'],
          ],
        )
        for (const r of results) {
          assert.deepEqual(Object.keys(r).sort(), r.code >= 400 ? ['code', 'index', 'message', 'status'] : ['code', 'index', 'status'])
        }
        // Items the schema refuses carry the platform's message, naming the problem.
        for (const i of [1, 2, 3, 4, 5]) assert.match(results[i].message, /^Validation problem with request body/)
        assert.equal(results[6].message, MESSAGES.changed)
        assert.match(results[2].message, /unknown/)
        const stored = (await snapshot(t, c.tenant)).customers.map((r) => `${r.customer_id}/${r.legal_entity_id}`).sort()
        assert.deepEqual(stored, ['new1/', 'new5/le5', 'old/'])
        const old = await read(customerPath('seg', 'old'))
        assert.deepEqual(old.mixins, { a: { v: 3 } })
        assert.equal(old.metadata.version, 2)
      })

      it('the same key twice in one request: both apply in order', async () => {
        await setup('bulkdup')
        const res = await bulk([
          { customerId: 'c1', mixins: { a: { v: 1 } } },
          { customerId: 'c1', mixins: { a: { v: 2 } } },
          { customerId: 'c1', mixins: { a: { v: 2 } } },
        ])
        assert.deepEqual(res.json().map((r: any) => r.code), [201, 204, 204])
        const body = await read(customerPath('seg', 'c1'))
        assert.deepEqual(body.mixins, { a: { v: 2 } })
        assert.equal(body.metadata.version, 2)
      })

      it('takes 200 items and refuses 201 with 400, writing nothing', async () => {
        await setup('bulksize')
        const items = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ customerId: `${prefix}${i}`, legalEntityId: i % 2 ? 'le1' : undefined }))
        const tooMany = await bulk(items(201, 'x'))
        assertError(tooMany, 400)
        assertError(await bulk(items(201, 'x'), 'DELETE'), 400)
        assert.equal((await snapshot(t, c.tenant)).customers.length, 0)
        const ok = await bulk(items(200, 'y'))
        assert.equal(ok.statusCode, 207, ok.body)
        assert.equal(ok.json().length, 200)
        assert.ok(ok.json().every((r: any, i: number) => r.index === i + 1 && r.code === 201))
        assert.equal((await snapshot(t, c.tenant)).customers.length, 200)
        const gone = await bulk(items(200, 'y').map(({ customerId, legalEntityId }) => ({ customerId, legalEntityId })), 'DELETE')
        assert.equal(gone.statusCode, 207)
        assert.ok(gone.json().every((r: any) => r.code === 204))
        assert.equal((await snapshot(t, c.tenant)).customers.length, 0)
      })

      it('refuses a body that is not an array, or not JSON', async () => {
        await setup('bulkbody')
        for (const payload of [{ customerId: 'c1' }, 'c1', 5]) {
          assertError(await c.call({ method: 'PUT', url: c.url(`${customerPath('seg')}/bulk`), payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }), 400)
          assertError(await c.call({ method: 'DELETE', url: c.url(`${customerPath('seg')}/bulk`), payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }), 400)
        }
        assertError(await c.call({ method: 'PUT', url: c.url(`${customerPath('seg')}/bulk`), ...raw('[{"customerId":"c1"},') }), 400)
        assert.equal((await snapshot(t, c.tenant)).customers.length, 0)
        const empty = await bulk([])
        assert.equal(empty.statusCode, 207)
        assert.deepEqual(empty.json(), [])
      })

      it('deletes in bulk (BulkAssignmentDeletionResponse): present and absent alike are 204, bad keys 400', async () => {
        await setup('bulkdel')
        await assignCustomer(c, 'seg', 'c1', 'le1')
        await assignCustomer(c, 'seg', 'c2', 'le2')
        await assignCustomer(c, 'seg', 'c3')
        await assignCustomer(c, 'seg', 'c4')
        const example = await bulk([{ customerId: 'c1', legalEntityId: 'le1' }, { customerId: 'c2', legalEntityId: 'le2' }], 'DELETE')
        assert.equal(example.statusCode, 207)
        assert.deepEqual(example.json(), EX.BulkAssignmentDeletionResponse)

        const res = await bulk(
          [{ customerId: 'c3' }, { customerId: 'c3' }, { customerId: 'nobody' }, 'c4', { customerId: 'c4', extra: 1 }, { legalEntityId: 'x' }, { customerId: 'c4', legalEntityId: 'le1' }],
          'DELETE',
        )
        assert.equal(res.statusCode, 207, res.body)
        assert.deepEqual(res.json().map((r: any) => [r.index, r.code]), [[1, 204], [2, 204], [3, 204], [4, 400], [5, 400], [6, 400], [7, 204]])
        assert.deepEqual((await snapshot(t, c.tenant)).customers.map((r) => r.customer_id), ['c4'])
      })
    })

    describe('enrichment and the directory', () => {
      it('reads enrichment at read time: a directory update shows on the next read', async () => {
        await setup('enrich')
        await assignCustomer(c, 'seg', 'c1', 'le1')
        const bare = await read(customerPath('seg', 'c1', 'le1'))
        assert.deepEqual(bare.customer, { id: 'c1' })
        assert.deepEqual(bare.legalEntity, { id: 'le1' })
        await feedDirectory(c, 'customers', [{ id: 'c1', email: 'c1@example.com', firstName: 'Cee' }])
        await feedDirectory(c, 'legal-entities', [{ id: 'le1', name: 'LE One' }])
        const body = await read(customerPath('seg', 'c1', 'le1'))
        assert.deepEqual(body.customer, { id: 'c1', email: 'c1@example.com', firstName: 'Cee' })
        assert.deepEqual(body.legalEntity, { id: 'le1', name: 'LE One' })
        assert.equal(body.metadata.version, 1)
      })

      it('merges inline details into the directory: only the fields sent change', async () => {
        await setup('inline')
        await assignCustomer(c, 'seg', JOHN.id, SOME_COMPANY.id, { customer: { email: 'john@new.example' }, legalEntity: { name: 'NewCo' } })
        assert.deepEqual(await readDirectory(c, 'customers', JOHN.id), { ...JOHN, email: 'john@new.example' })
        assert.deepEqual(await readDirectory(c, 'legal-entities', SOME_COMPANY.id), { id: SOME_COMPANY.id, name: 'NewCo' })
        const body = await read(customerPath('seg', JOHN.id, SOME_COMPANY.id))
        assert.deepEqual(body.customer, { ...JOHN, email: 'john@new.example' })
        assert.deepEqual(body.legalEntity, { id: SOME_COMPANY.id, name: 'NewCo' })

        // Details alone change the directory, not the assignment: 204, version unchanged.
        await assignCustomer(c, 'seg', JOHN.id, SOME_COMPANY.id, { customer: { id: JOHN.id, lastName: 'Roe' } }, 204)
        assert.deepEqual(await readDirectory(c, 'customers', JOHN.id), { ...JOHN, email: 'john@new.example', lastName: 'Roe' })
        assert.equal((await read(customerPath('seg', JOHN.id, SOME_COMPANY.id))).metadata.version, 1)

        // Inline details create unknown entries, with only the fields sent.
        await assignCustomer(c, 'seg', 'fresh', undefined, { customer: { firstName: 'Fresh' } })
        assert.deepEqual(await readDirectory(c, 'customers', 'fresh'), { id: 'fresh', firstName: 'Fresh' })
        assert.deepEqual((await read(customerPath('seg', 'fresh'))).customer, { id: 'fresh', firstName: 'Fresh' })
      })

      it('carries tags, attributes and legal entity ids inline; a read shows only the contract fields', async () => {
        await setup('inlineattr')
        const profile = { tags: ['wholesale'], attributes: { tier: 'gold', address: { country: 'DE' } }, legalEntityIds: ['le9'] }
        await assignCustomer(c, 'seg', 'p1', 'le9', { customer: { email: 'p1@example.com', ...profile }, legalEntity: { attributes: { size: 40 } } })
        assert.deepEqual(await readDirectory(c, 'customers', 'p1'), { id: 'p1', email: 'p1@example.com', ...profile })
        assert.deepEqual(await readDirectory(c, 'legal-entities', 'le9'), { id: 'le9', attributes: { size: 40 } })
        const body = await read(customerPath('seg', 'p1', 'le9'))
        assert.deepEqual(body.customer, { id: 'p1', email: 'p1@example.com' })
        assert.deepEqual(body.legalEntity, { id: 'le9' })

        // A sent field replaces the stored one whole; the others stay.
        await assignCustomer(c, 'seg', 'p1', 'le9', { customer: { attributes: { tier: 'silver' } } }, 204)
        assert.deepEqual(await readDirectory(c, 'customers', 'p1'), { id: 'p1', email: 'p1@example.com', ...profile, attributes: { tier: 'silver' } })

        const bad = await put(customerPath('seg', 'p2'), { customer: { attributes: { at: [1] } } })
        assertError(bad, 400)
        assert.equal(bad.json().details.field, 'customer.attributes.at')
        assert.equal(await readDirectory(c, 'customers', 'p2'), undefined)
      })

      it('inline details in a bulk: merged per item; a failed item leaves the directory alone', async () => {
        await setup('inlinebulk')
        const res = await c.call({
          method: 'PUT',
          url: c.url(`${customerPath('seg')}/bulk`),
          payload: [
            { customerId: 'b1', customer: { email: 'b1@example.com' } },
            { customerId: 'b2', customer: { email: 'b2@example.com' }, metadata: { version: 'x' } },
            { customerId: 'b1', legalEntityId: 'l1', customer: { firstName: 'Bee' }, legalEntity: { name: 'L One' } },
          ],
        })
        assert.deepEqual(res.json().map((r: any) => r.code), [201, 400, 201])
        assert.deepEqual(await readDirectory(c, 'customers', 'b1'), { id: 'b1', email: 'b1@example.com', firstName: 'Bee' })
        assert.equal(await readDirectory(c, 'customers', 'b2'), undefined)
        assert.deepEqual(await readDirectory(c, 'legal-entities', 'l1'), { id: 'l1', name: 'L One' })
      })

      it('accepts unknown ids with only the id (not strict)', async () => {
        await setup('unknown')
        await assignCustomer(c, 'seg', 'stranger', 'unknown-le')
        const body = await read(customerPath('seg', 'stranger', 'unknown-le'))
        assert.deepEqual(body.customer, { id: 'stranger' })
        assert.deepEqual(body.legalEntity, { id: 'unknown-le' })
        assert.equal(await readDirectory(c, 'customers', 'stranger'), undefined)
      })
    })

    describe('strict directory mode (DIRECTORY_STRICT)', () => {
      // A second app over the same database, built with directoryStrict.
      let s: TestApp
      before(async () => {
        s = await siblingApp(t, { directoryStrict: true })
      })
      after(() => s.close())

      const setup = async (prefix: string) => {
        c = await tenantClient(s, freshTenant(prefix))
        await segment(c, 'seg')
        await feedDirectory(c, 'customers', [JOHN])
        await feedDirectory(c, 'legal-entities', [SOME_COMPANY])
      }
      const put = (path: string, payload: unknown) => c.call({ method: 'PUT', url: c.url(path), payload: payload as object })

      it('refuses unknown customers and legal entities with 400, and accepts known ones', async () => {
        await setup('strict')
        const before = await snapshot(t, c.tenant)
        assertError(await put(customerPath('seg', 'stranger'), {}), 400, /stranger/)
        assertError(await put(customerPath('seg', 'stranger', SOME_COMPANY.id), {}), 400, /stranger/)
        assertError(await put(customerPath('seg', JOHN.id, 'unknown-le'), {}), 400, /unknown-le/)
        assert.deepEqual(await snapshot(t, c.tenant), before)
        await assignCustomer(c, 'seg', JOHN.id)
        await assignCustomer(c, 'seg', JOHN.id, SOME_COMPANY.id)
      })

      it('inline details make an id known', async () => {
        await setup('strictin')
        await assignCustomer(c, 'seg', 'newbie', undefined, { customer: { email: 'newbie@example.com' } })
        await assignCustomer(c, 'seg', 'newbie', 'newle', { legalEntity: { name: 'New LE' } })
        assert.deepEqual(await readDirectory(c, 'legal-entities', 'newle'), { id: 'newle', name: 'New LE' })
        // Only an id is what a read returns for an unknown id: it says nothing, so the id stays unknown.
        assertError(await put(customerPath('seg', 'other', 'le9'), { customer: { id: 'other' }, legalEntity: { id: 'le9' } }), 400, /other/)
        assert.equal(await readDirectory(c, 'customers', 'other'), undefined)
        // A known customer with an unknown legal entity still needs the legal entity's details.
        assertError(await put(customerPath('seg', JOHN.id, 'le10'), { customer: { firstName: 'J' } }), 400, /le10/)
      })

      it('in a bulk, each unknown id is its own 400 and the others are written', async () => {
        await setup('strictbulk')
        const res = await c.call({
          method: 'PUT',
          url: c.url(`${customerPath('seg')}/bulk`),
          payload: [
            { customerId: JOHN.id },
            { customerId: 'ghost' },
            { customerId: 'ghost2', customer: { lastName: 'Known now' } },
            { customerId: JOHN.id, legalEntityId: 'ghost-le' },
            { customerId: JOHN.id, legalEntityId: SOME_COMPANY.id },
          ],
        })
        assert.equal(res.statusCode, 207, res.body)
        assert.deepEqual(res.json().map((r: any) => r.code), [201, 400, 201, 400, 201])
        assert.match(res.json()[1].message, /ghost/)
        const stored = (await snapshot(t, c.tenant)).customers.map((r) => `${r.customer_id}/${r.legal_entity_id}`).sort()
        assert.deepEqual(stored, [`${JOHN.id}/`, `${JOHN.id}/${SOME_COMPANY.id}`, 'ghost2/'])
      })

      it('is switched on by DIRECTORY_STRICT=true in the environment', () => {
        assert.equal(loadConfig({ AUTH_SECRET: TEST_SECRET, DIRECTORY_STRICT: 'true' }).directoryStrict, true)
        assert.equal(loadConfig({ AUTH_SECRET: TEST_SECRET }).directoryStrict, false)
      })

      it('deleting needs no directory entry', async () => {
        await setup('strictdel')
        await assignCustomer(c, 'seg', JOHN.id)
        const res = await c.call({ method: 'DELETE', url: c.url(customerPath('seg', JOHN.id)) })
        assert.equal(res.statusCode, 204)
        assert.equal((await c.call({ method: 'DELETE', url: c.url(customerPath('seg', 'ghost')) })).statusCode, 204)
      })
    })
  })
}

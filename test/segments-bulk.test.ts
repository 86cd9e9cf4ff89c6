/**
 * Bulk segment endpoints: POST/PUT/DELETE `/segments/bulk`. At most 200 items (else 400 and nothing
 * written), 207 with one result per item numbered from 1, each item written or refused on its own.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import {
  assertError,
  countAssignments,
  EXAMPLES,
  example,
  freshTenant,
  insertCustomerAssignment,
  insertItemAssignment,
  MESSAGES,
  snapshot,
  type TenantClient,
  tenantClient,
} from './support/segment-helpers.js'

const item = (extra: Record<string, unknown> = {}) => ({ name: { en: 'Segment' }, siteCode: 'main', ...extra })

for (const engine of ENGINES) {
  describe(`segments bulk on ${engine}`, () => {
    let t: TestApp
    let c: TenantClient
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    const client = async (prefix: string) => {
      c = await tenantClient(t, freshTenant(prefix))
      return c
    }
    const bulk = (method: 'POST' | 'PUT' | 'DELETE', payload: unknown, query = '', headers?: Record<string, string>) =>
      c.call({ method, url: `${c.url('/bulk')}${query}`, payload: payload as object, headers })

    describe('POST /bulk (create)', () => {
      it('creates the SegmentsCreation example: 207, one 201 "Created" result per item, numbered from 1', async () => {
        await client('bcreate')
        const res = await bulk('POST', EXAMPLES.SegmentsCreation)
        assert.equal(res.statusCode, 207)
        assert.deepEqual(res.json(), [
          { index: 1, id: '628cd20c6e8b2432b6346ca6', code: 201, status: 'Created' },
          { index: 2, id: '61ge81e13562e22001h6cf456', code: 201, status: 'Created' },
        ])
        for (const expected of EXAMPLES.SegmentsCreation) {
          const { metadata, ...content } = await c.get(expected.id)
          assert.deepEqual(content, expected)
          assert.equal(metadata.version, 1)
        }
      })

      it('generates ids for items without one', async () => {
        await client('bgen')
        const res = await bulk('POST', [item(), item()])
        assert.equal(res.statusCode, 207)
        const results = res.json()
        assert.equal(results.length, 2)
        for (const [i, result] of results.entries()) {
          assert.equal(result.index, i + 1)
          assert.equal(result.code, 201)
          assert.match(result.id, /^[0-9a-f]{24}$/)
          assert.equal((await c.get(result.id)).status, 'INACTIVE')
        }
        assert.notEqual(results[0].id, results[1].id)
      })

      it('writes the good items and reports each bad one with its own 4xx and message', async () => {
        await client('bpartial')
        await c.create(item({ id: 'taken' }))
        const res = await bulk('POST', [
          item({ id: 'good-1' }),
          { id: 'no-site', name: { en: 'x' } },
          item({ id: 'taken' }),
          item({ id: 'bad-validity', validity: { from: '2025-01-01T00:00:00Z', to: '2024-01-01T00:00:00Z' } }),
          item({ id: 'unknown-field', colour: 'red' }),
          42,
          null,
          item({ id: 'plain', name: 'No language' }),
          item({ id: 'good-2' }),
        ])
        assert.equal(res.statusCode, 207)
        const results = res.json()
        assert.deepEqual(
          results.map((r: any) => [r.index, r.code, r.status]),
          [
            [1, 201, 'Created'],
            [2, 400, 'Bad Request'],
            [3, 409, 'Conflict'],
            [4, 400, 'Bad Request'],
            [5, 400, 'Bad Request'],
            [6, 400, 'Bad Request'],
            [7, 400, 'Bad Request'],
            [8, 400, 'Bad Request'],
            [9, 201, 'Created'],
          ],
        )
        for (const result of results.filter((r: any) => r.code !== 201)) {
          assert.equal(typeof result.message, 'string', JSON.stringify(result))
          assert.ok(result.message.length > 0)
          assert.deepEqual(Object.keys(result).filter((k) => !['index', 'id', 'code', 'status', 'message'].includes(k)), [])
        }
        assert.equal(results[2].message, MESSAGES.exists)
        assert.equal(results[2].id, 'taken')
        assert.match(results[4].message, /colour/)
        assert.deepEqual((await snapshot(t, c.tenant)).segments.map((s) => s.id).sort(), ['good-1', 'good-2', 'taken'])
      })

      it('creates the first of two items with the same id and answers 409 for the second', async () => {
        await client('bdup')
        const res = await bulk('POST', [item({ id: 'twin', name: { en: 'First' } }), item({ id: 'twin', name: { en: 'Second' } })])
        assert.equal(res.statusCode, 207)
        assert.deepEqual(res.json(), [
          { index: 1, id: 'twin', code: 201, status: 'Created' },
          { index: 2, id: 'twin', code: 409, status: 'Conflict', message: MESSAGES.exists },
        ])
        const read = await c.get('twin')
        assert.deepEqual(read.name, { en: 'First' })
        assert.equal(read.metadata.version, 1)
      })

      it('takes plain localized strings under Content-Language for every item', async () => {
        await client('blang')
        const res = await bulk('POST', [item({ id: 'a', name: 'Eins' }), item({ id: 'b', name: { en: 'Two' } })], '', { 'content-language': 'de' })
        assert.deepEqual(res.json().map((r: any) => r.code), [201, 201])
        assert.deepEqual((await c.get('a')).name, { de: 'Eins' })
        assert.deepEqual((await c.get('b')).name, { en: 'Two' })
      })

      it('takes exactly 200 items', async () => {
        await client('b200')
        const items = Array.from({ length: 200 }, (_, i) => item({ id: `s${i}` }))
        const res = await bulk('POST', items)
        assert.equal(res.statusCode, 207)
        const results = res.json()
        assert.equal(results.length, 200)
        assert.deepEqual(results.map((r: any) => r.index), Array.from({ length: 200 }, (_, i) => i + 1))
        assert.ok(results.every((r: any, i: number) => r.code === 201 && r.id === `s${i}`))
        assert.equal((await snapshot(t, c.tenant)).segments.length, 200)
      })

      it('refuses 201 items with 400 and writes none of them', async () => {
        await client('b201')
        const items = Array.from({ length: 201 }, (_, i) => item({ id: `s${i}` }))
        const body = assertError(await bulk('POST', items), 400)
        assert.match(body.message, /200/)
        const state = await snapshot(t, c.tenant)
        assert.equal(state.segments.length, 0)
        assert.equal(state.events.length, 0)
      })

      it('refuses a body that is not an array', async () => {
        await client('bshape')
        for (const payload of [item(), { items: [item()] }, '"text"']) {
          assertError(await c.call({ method: 'POST', url: c.url('/bulk'), payload, headers: { 'content-type': 'application/json' } }), 400)
        }
        assertError(await c.call({ method: 'POST', url: c.url('/bulk') }), 400)
        assert.equal((await snapshot(t, c.tenant)).segments.length, 0)
      })
    })

    describe('PUT /bulk (upsert)', () => {
      it('creates the SegmentsUpdate example where nothing exists yet: 201 for each', async () => {
        await client('bputnew')
        const res = await bulk('PUT', EXAMPLES.SegmentsUpdate)
        assert.equal(res.statusCode, 207)
        assert.deepEqual(res.json(), [
          { index: 1, id: '628cd20c6e8b2432b6346ca6', code: 201, status: 'Created' },
          { index: 2, id: '61ge81e13562e22001h6cf456', code: 201, status: 'Created' },
        ])
        for (const expected of EXAMPLES.SegmentsUpdate) {
          const { metadata, ...content } = await c.get(expected.id)
          const { metadata: _sent, ...sent } = example(expected)
          assert.deepEqual(content, sent)
          assert.equal(metadata.version, 1)
        }
      })

      it('answers the SegmentsUpdate example over SegmentsCreation like BulkUpdateResponse: a 204 "OK" and a per-item failure', async () => {
        await client('bputold')
        assert.equal((await bulk('POST', EXAMPLES.SegmentsCreation)).statusCode, 207)
        const res = await bulk('PUT', EXAMPLES.SegmentsUpdate)
        assert.equal(res.statusCode, 207)
        // Item 1 carries the current version and the same content (a no-op); item 2 carries version 2, but 1 is stored.
        assert.deepEqual(res.json(), [
          { index: 1, id: '628cd20c6e8b2432b6346ca6', code: 204, status: 'OK' },
          { index: 2, id: '61ge81e13562e22001h6cf456', code: 409, status: 'Conflict', message: MESSAGES.changed },
        ])
        assert.equal((await c.get('628cd20c6e8b2432b6346ca6')).metadata.version, 1)
        assert.equal((await c.get('61ge81e13562e22001h6cf456')).metadata.version, 1)
      })

      it('updates with the current version (204, version +1), and mixes creates, updates and failures in one request', async () => {
        await client('bputmix')
        await c.create(item({ id: 'old', name: { en: 'Old' } }))
        const res = await bulk('PUT', [
          item({ id: 'old', name: { en: 'Renamed' }, metadata: { version: 1 } }),
          item({ id: 'new', name: { en: 'New' } }),
          item({ name: { en: 'Generated' } }),
          item({ id: 'bad', status: 'DRAFT' }),
          item({ id: 'old', name: { en: 'Stale' }, metadata: { version: 1 } }),
        ])
        assert.equal(res.statusCode, 207)
        const results = res.json()
        assert.deepEqual(
          results.map((r: any) => [r.index, r.code, r.status]),
          [
            [1, 204, 'OK'],
            [2, 201, 'Created'],
            [3, 201, 'Created'],
            [4, 400, 'Bad Request'],
            [5, 409, 'Conflict'],
          ],
        )
        assert.equal(results[0].id, 'old')
        assert.equal(results[1].id, 'new')
        assert.match(results[2].id, /^[0-9a-f]{24}$/)
        assert.equal(results[3].id, 'bad')
        const old = await c.get('old')
        assert.deepEqual(old.name, { en: 'Renamed' })
        assert.equal(old.metadata.version, 2)
        assert.deepEqual((await c.get(results[2].id)).name, { en: 'Generated' })
        assertError(await c.call({ method: 'GET', url: c.url('/bad') }), 404)
      })

      it('applies two items with the same id in order: create, then update', async () => {
        await client('bputdup')
        const res = await bulk('PUT', [item({ id: 'twin', name: { en: 'First' } }), item({ id: 'twin', name: { en: 'Second' } })])
        assert.deepEqual(res.json(), [
          { index: 1, id: 'twin', code: 201, status: 'Created' },
          { index: 2, id: 'twin', code: 204, status: 'OK' },
        ])
        const read = await c.get('twin')
        assert.deepEqual(read.name, { en: 'Second' })
        assert.equal(read.metadata.version, 2)
      })

      it('merges plain localized strings into stored maps under Content-Language', async () => {
        await client('bputlang')
        await c.create(item({ id: 'm', name: { en: 'Gold' } }))
        const res = await bulk('PUT', [item({ id: 'm', name: 'Or' })], '', { 'content-language': 'fr' })
        assert.deepEqual(res.json().map((r: any) => r.code), [204])
        assert.deepEqual((await c.get('m')).name, { en: 'Gold', fr: 'Or' })
        const plain = await bulk('PUT', [item({ id: 'm', name: 'Oro' })])
        assert.equal(plain.json()[0].code, 400)
        assert.deepEqual((await c.get('m')).name, { en: 'Gold', fr: 'Or' })
      })

      it('refuses 201 items and writes none', async () => {
        await client('bput201')
        await c.create(item({ id: 's0', name: { en: 'Before' } }))
        const items = Array.from({ length: 201 }, (_, i) => item({ id: `s${i}`, name: { en: 'After' } }))
        assertError(await bulk('PUT', items), 400)
        const state = await snapshot(t, c.tenant)
        assert.equal(state.segments.length, 1)
        assert.deepEqual((await c.get('s0')).name, { en: 'Before' })
        assert.equal(state.events.length, 1)
      })
    })

    describe('DELETE /bulk', () => {
      it('deletes the given ids: 207 with a 204 "OK" and the id per item, like BulkDeletionResponse', async () => {
        await client('bdel')
        await bulk('POST', EXAMPLES.SegmentsCreation)
        const res = await bulk('DELETE', ['628cd20c6e8b2432b6346ca6', '61ge81e13562e22001h6cf456'])
        assert.equal(res.statusCode, 207)
        assert.deepEqual(res.json(), [
          { index: 1, id: '628cd20c6e8b2432b6346ca6', code: 204, status: 'OK' },
          { index: 2, id: '61ge81e13562e22001h6cf456', code: 204, status: 'OK' },
        ])
        assert.equal((await snapshot(t, c.tenant)).segments.length, 0)
      })

      it('answers 204 for ids that do not exist or repeat, and 400 for items that are not ids', async () => {
        await client('bdelodd')
        await c.create(item({ id: 'a' }))
        await c.create(item({ id: 'b' }))
        const res = await bulk('DELETE', ['a', 'missing', 'a', 42, { id: 'b' }, '', 'with/slash'])
        assert.equal(res.statusCode, 207)
        assert.deepEqual(
          res.json().map((r: any) => [r.index, r.code]),
          [
            [1, 204],
            [2, 204],
            [3, 204],
            [4, 400],
            [5, 400],
            [6, 400],
            [7, 400],
          ],
        )
        assert.deepEqual((await snapshot(t, c.tenant)).segments.map((s) => s.id), ['b'])
      })

      it('refuses segments with assignments without forceDelete (400 for that item) and deletes the others', async () => {
        await client('bdelassign')
        const busy = await c.create(item())
        const idle = await c.create(item())
        await insertCustomerAssignment(t, c.tenant, busy, 'c1')
        await insertItemAssignment(t, c.tenant, busy, 'PRODUCT', 'p1')
        const res = await bulk('DELETE', [busy, idle])
        assert.equal(res.statusCode, 207)
        const [first, second] = res.json()
        assert.deepEqual([first.index, first.id, first.code, first.status], [1, busy, 400, 'Bad Request'])
        assert.match(first.message, /forceDelete/)
        assert.deepEqual(second, { index: 2, id: idle, code: 204, status: 'OK' })
        assert.equal((await c.get(busy)).id, busy)
        assert.equal(await countAssignments(t, c.tenant, busy), 2)
        assertError(await c.call({ method: 'GET', url: c.url(`/${idle}`) }), 404)
      })

      it('deletes segments with their assignments under forceDelete=true', async () => {
        await client('bdelforce')
        const one = await c.create(item())
        const two = await c.create(item())
        await insertCustomerAssignment(t, c.tenant, one, 'c1', 'le1')
        await insertItemAssignment(t, c.tenant, two, 'CATEGORY', 'cat1')
        const res = await bulk('DELETE', [one, two], '?forceDelete=true')
        assert.deepEqual(res.json().map((r: any) => r.code), [204, 204])
        const state = await snapshot(t, c.tenant)
        assert.equal(state.segments.length, 0)
        assert.equal(state.customers.length + state.items.length, 0)
      })

      it('refuses 201 ids and deletes none; refuses a bad forceDelete and a non-array body', async () => {
        await client('bdel201')
        await c.create(item({ id: 's0' }))
        assertError(await bulk('DELETE', Array.from({ length: 201 }, (_, i) => `s${i}`)), 400)
        assertError(await bulk('DELETE', ['s0'], '?forceDelete=yes'), 400)
        assertError(await bulk('DELETE', { ids: ['s0'] }), 400)
        assertError(await c.call({ method: 'DELETE', url: c.url('/bulk') }), 400)
        assert.equal((await c.get('s0')).id, 's0')
      })
    })
  })
}

/**
 * Item assignments (the "Items Assignments" tag): products and categories, the type in the path in any
 * case (stored upper-case, other types 400); upsert, read and delete with the contract examples;
 * versions, no-ops and 409s; a segment's items (list, search, q, paging, sort, fields, X-Total-Count,
 * Accept-Language); bulk per type with partial failure and the 200-item limit; 404 for a missing
 * segment; enrichment, inline item details and strict mode; and `GET /segments/items` across segments.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { SCOPES } from '../src/auth/principal.js'
import {
  ASSIGNMENT_EXAMPLES as EX,
  assertMetadata,
  assignCustomer,
  assignItem,
  feedDirectory,
  getList,
  itemPath,
  raw,
  readDirectory,
  SEGMENTS,
  segment,
} from './support/assignment-helpers.js'
import { ENGINES, siblingApp, startTestApp, type TestApp } from './support/harness.js'
import { assertError, example, freshTenant, MESSAGES, snapshot, type TenantClient, tenantClient } from './support/segment-helpers.js'

const HAMMER = { id: '12468504', code: '123', name: { en: 'Hammer', de: 'Hammer (de)' } }
const SCREWDRIVER = { id: '12849186', code: '456', name: { en: 'Screwdriver', de: 'Schraubendreher' }, categoryIds: ['tools'] }
const TOOLS = { id: 'tools', code: 'T', name: { en: 'Tools', de: 'Werkzeuge' }, position: 1, published: true }

for (const engine of ENGINES) {
  describe(`item assignments on ${engine}`, () => {
    let t: TestApp
    let c: TenantClient
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    const setup = async (prefix: string) => {
      c = await tenantClient(t, freshTenant(prefix))
      await segment(c, 'seg')
      await feedDirectory(c, 'products', [HAMMER, SCREWDRIVER])
      await feedDirectory(c, 'categories', [TOOLS])
      return c
    }
    const put = (path: string, payload: unknown) => c.call({ method: 'PUT', url: c.url(path), payload: payload as object })
    const get = (path: string, headers?: Record<string, string>) => c.call({ method: 'GET', url: c.url(path), headers })
    const del = (path: string, payload?: unknown) => c.call({ method: 'DELETE', url: c.url(path), payload: payload as object })
    const read = async (path: string, headers?: Record<string, string>) => {
      const res = await get(path, headers)
      assert.equal(res.statusCode, 200, res.body)
      return res.json()
    }
    const typeKey = (a: Record<string, any>) => `${a.type}:${a.item.id}`

    describe('single upsert, read, delete', () => {
      it('upserts the ItemAssignmentUpsert example: 201, then reads ItemAssignmentResponse enriched from the directory', async () => {
        await setup('single')
        const res = await put(itemPath('seg', 'PRODUCT', HAMMER.id), EX.Mixins)
        assert.equal(res.statusCode, 201)
        assert.equal(res.body, '')
        const body = await read(itemPath('seg', 'PRODUCT', HAMMER.id))
        assert.deepEqual(Object.keys(body).sort(), ['item', 'metadata', 'mixins', 'segmentId', 'type'])
        const { metadata, mixins, ...rest } = body
        assert.deepEqual(rest, { ...EX.ItemAssignmentResponse, segmentId: 'seg', item: HAMMER })
        assert.deepEqual(mixins, EX.Mixins.mixins)
        assertMetadata(metadata, 1, EX.Mixins.metadata.mixins)
      })

      it('takes the type in any case, stores it upper-case, and keys PRODUCT and CATEGORY apart', async () => {
        await setup('types')
        await assignItem(c, 'seg', 'product', 'x1', { mixins: { a: { v: 'product' } } })
        await assignItem(c, 'seg', 'Category', 'x1', { mixins: { a: { v: 'category' } } })
        await assignItem(c, 'seg', 'PRODUCT', 'x1', { mixins: { a: { v: 'product' } } }, 204)
        await assignItem(c, 'seg', 'cAtEgOrY', 'tools')
        for (const type of ['PRODUCT', 'product', 'Product']) {
          const body = await read(itemPath('seg', type, 'x1'))
          assert.equal(body.type, 'PRODUCT')
          assert.deepEqual(body.mixins, { a: { v: 'product' } })
        }
        assert.equal((await read(itemPath('seg', 'category', 'x1'))).type, 'CATEGORY')
        assert.deepEqual((await read(itemPath('seg', 'CATEGORY', 'tools'))).item, { id: 'tools', code: 'T', name: TOOLS.name })
        const rows = (await snapshot(t, c.tenant)).items.map((r) => `${r.type}:${r.item_id}`).sort()
        assert.deepEqual(rows, ['CATEGORY:tools', 'CATEGORY:x1', 'PRODUCT:x1'])

        assert.equal((await del(itemPath('seg', 'Product', 'x1'))).statusCode, 204)
        assertError(await get(itemPath('seg', 'PRODUCT', 'x1')), 404, MESSAGES.notFound('x1'))
        assert.equal((await read(itemPath('seg', 'CATEGORY', 'x1'))).metadata.version, 1)
      })

      it('refuses other types with 400 on every endpoint, writing nothing', async () => {
        await setup('badtype')
        await assignItem(c, 'seg', 'PRODUCT', 'p1')
        const before = await snapshot(t, c.tenant)
        for (const type of ['BRAND', 'PRODUCTS', 'prod', 'customer', 'PRODUCT ', '%20', 'x'.repeat(21)]) {
          const t1 = encodeURIComponent(type)
          for (const res of [
            await c.call({ method: 'PUT', url: c.url(`/seg/items/${t1}/p1`), payload: {} }),
            await c.call({ method: 'GET', url: c.url(`/seg/items/${t1}/p1`) }),
            await c.call({ method: 'DELETE', url: c.url(`/seg/items/${t1}/p1`) }),
            await c.call({ method: 'PUT', url: c.url(`/seg/items/${t1}/bulk`), payload: [{ id: 'p1' }] }),
            await c.call({ method: 'DELETE', url: c.url(`/seg/items/${t1}/bulk`), payload: ['p1'] }),
          ]) {
            assertError(res, 400)
          }
        }
        assert.deepEqual(await snapshot(t, c.tenant), before)
      })

      it('reads an unknown item with only its id; deleting an absent assignment is 204; no body is {}', async () => {
        await setup('unknown')
        await assignItem(c, 'seg', 'PRODUCT', 'nowhere')
        assert.deepEqual((await read(itemPath('seg', 'PRODUCT', 'nowhere'))).item, { id: 'nowhere' })
        const before = await snapshot(t, c.tenant)
        assert.equal((await del(itemPath('seg', 'PRODUCT', 'absent'))).statusCode, 204)
        assert.equal((await del(itemPath('seg', 'CATEGORY', 'nowhere'))).statusCode, 204)
        assert.deepEqual(await snapshot(t, c.tenant), before)
        assertError(await get(itemPath('seg', 'CATEGORY', 'nowhere')), 404)
        // A PUT without any body is an upsert of nothing.
        const res = await c.call({ method: 'PUT', url: c.url(itemPath('seg', 'CATEGORY', 'nowhere')) })
        assert.equal(res.statusCode, 201, res.body)
      })

      it('localizes item.name with Accept-Language, still as a map', async () => {
        await setup('lang')
        await assignItem(c, 'seg', 'PRODUCT', SCREWDRIVER.id)
        const name = async (headers: Record<string, string>) => (await read(itemPath('seg', 'PRODUCT', SCREWDRIVER.id), headers)).item.name
        assert.deepEqual(await name({ 'accept-language': 'de' }), { de: 'Schraubendreher' })
        assert.deepEqual(await name({ 'accept-language': 'de-CH, en;q=0.5' }), { de: 'Schraubendreher' })
        assert.deepEqual(await name({ 'accept-language': 'fr, en;q=0.5' }), { en: 'Screwdriver' })
        assert.deepEqual(await name({ 'accept-language': 'fr' }), { en: 'Screwdriver' }, 'the default language')
        assert.deepEqual(await name({ 'accept-language': '*' }), SCREWDRIVER.name)
        assert.deepEqual(await name({}), SCREWDRIVER.name)
      })
    })

    describe('versions and no-ops', () => {
      it('no-op 204 keeps the version; a change is 204 with version + 1; a stale version is 409', async () => {
        await setup('versions')
        const path = itemPath('seg', 'PRODUCT', 'p1')
        await assignItem(c, 'seg', 'PRODUCT', 'p1', example(EX.Mixins))
        const v1 = await read(path)
        const before = await snapshot(t, c.tenant)
        await assignItem(c, 'seg', 'product', 'p1', example(EX.Mixins), 204)
        await assignItem(c, 'seg', 'PRODUCT', 'p1', { ...example(EX.Mixins), metadata: { ...EX.Mixins.metadata, version: 1 } }, 204)
        assert.deepEqual(await snapshot(t, c.tenant), before)
        assert.deepEqual(await read(path), v1)

        await assignItem(c, 'seg', 'PRODUCT', 'p1', { mixins: { segmentAttributes: { membershipStatus: 'GOLD' } }, metadata: EX.Mixins.metadata }, 204)
        const v2 = await read(path)
        assertMetadata(v2.metadata, 2, EX.Mixins.metadata.mixins)
        assert.equal(v2.metadata.createdAt, v1.metadata.createdAt)

        const stale = snapshot(t, c.tenant)
        assertError(await put(path, { metadata: { version: 1 } }), 409, MESSAGES.changed)
        assertError(await put(path, { mixins: v2.mixins, metadata: { version: 3 } }), 409, MESSAGES.changed)
        assert.deepEqual(await snapshot(t, c.tenant), await stale)
        await assignItem(c, 'seg', 'PRODUCT', 'p1', { metadata: { version: 2 } }, 204)
        const v3 = await read(path)
        assert.equal(v3.mixins, undefined)
        assertMetadata(v3.metadata, 3)
      })
    })

    describe('missing segment and bad input', () => {
      it('answers 404 for a missing segment on every endpoint and writes nothing', async () => {
        c = await tenantClient(t, freshTenant('noseg'))
        const message = MESSAGES.notFound('ghost')
        assertError(await put(itemPath('ghost', 'PRODUCT', 'p1'), {}), 404, message)
        assertError(await put(itemPath('ghost', 'category', 'k1'), EX.Mixins), 404, message)
        assertError(await get(itemPath('ghost', 'PRODUCT', 'p1')), 404, message)
        assertError(await del(itemPath('ghost', 'PRODUCT', 'p1')), 404, message)
        assertError(await get(itemPath('ghost')), 404, message)
        assertError(await c.call({ method: 'POST', url: c.url(`${itemPath('ghost')}/search`), payload: {} }), 404, message)
        assertError(await put(`${itemPath('ghost', 'PRODUCT')}/bulk`, [{ id: 'p1' }]), 404, message)
        assertError(await put(`${itemPath('ghost', 'PRODUCT')}/bulk`, [{ nope: 1 }]), 404, message)
        assertError(await del(`${itemPath('ghost', 'PRODUCT')}/bulk`, ['p1']), 404, message)
        const rows = await snapshot(t, c.tenant)
        assert.equal(rows.items.length + rows.events.length, 0)
      })

      it('refuses unknown fields, wrong types, contradicting inline ids and malformed JSON with 400', async () => {
        await setup('badinput')
        await assignItem(c, 'seg', 'PRODUCT', 'p1')
        const before = await snapshot(t, c.tenant)
        const bad: unknown[] = [
          { id: 'p1' },
          { type: 'CATEGORY' },
          { type: 'product' },
          { segmentId: 'other' },
          { metadata: { createdAt: 'yesterday' } },
          { mixins: 'x' },
          { metadata: { version: 0 } },
          { metadata: { version: 'one' } },
          { metadata: { mixins: { a: {} } } },
          { item: { id: 'p2' } },
          { item: { name: 'Hammer' } },
          { item: { code: 5 } },
          { item: { categoryIds: ['k1'] } },
          [],
          null,
        ]
        for (const payload of bad) {
          const res = await c.call({ method: 'PUT', url: c.url(itemPath('seg', 'PRODUCT', 'p1')), payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } })
          assertError(res, 400)
        }
        assertError(await c.call({ method: 'PUT', url: c.url(itemPath('seg', 'PRODUCT', 'p1')), ...raw('{"mixins":{') }), 400)
        assert.deepEqual(await snapshot(t, c.tenant), before)
      })

      it('needs segment_manage to write; reads take segment_read', async () => {
        await setup('scopes')
        await assignItem(c, 'seg', 'PRODUCT', 'p1')
        const reader = await t.token({ tenant: c.tenant, scopes: [SCOPES.segmentRead] })
        assertError(await c.call({ method: 'PUT', url: c.url(itemPath('seg', 'PRODUCT', 'p2')), payload: {}, token: reader }), 403)
        assertError(await c.call({ method: 'DELETE', url: c.url(itemPath('seg', 'PRODUCT', 'p1')), token: reader }), 403)
        assertError(await c.call({ method: 'PUT', url: c.url(`${itemPath('seg', 'PRODUCT')}/bulk`), payload: [], token: reader }), 403)
        assertError(await c.call({ method: 'DELETE', url: c.url(`${itemPath('seg', 'PRODUCT')}/bulk`), payload: [], token: reader }), 403)
        assert.equal((await c.call({ method: 'GET', url: c.url(itemPath('seg', 'PRODUCT', 'p1')), token: reader })).statusCode, 200)
        assert.equal((await c.call({ method: 'GET', url: c.url('/items'), token: reader })).statusCode, 200)
        assertError(await c.call({ method: 'GET', url: c.url(itemPath('seg')), token: null }), 401)
        assert.equal((await snapshot(t, c.tenant)).items.length, 1)
      })
    })

    describe("a segment's items", () => {
      const seed = async (prefix: string) => {
        await setup(prefix)
        await assignItem(c, 'seg', 'PRODUCT', HAMMER.id, { mixins: { attrs: { rank: 2, tag: 'core' } } })
        await assignItem(c, 'seg', 'PRODUCT', SCREWDRIVER.id, { mixins: { attrs: { rank: 1 } } })
        await assignItem(c, 'seg', 'PRODUCT', 'p-unknown')
        await assignItem(c, 'seg', 'CATEGORY', 'tools', { mixins: { attrs: { rank: 3, tag: 'core' } } })
        await assignItem(c, 'seg', 'PRODUCT', 'p-unknown', { mixins: { attrs: { rank: 9 } } }, 204)
        await segment(c, 'seg2')
        await assignItem(c, 'seg2', 'PRODUCT', HAMMER.id)
      }
      const keys = async (query: string, headers?: Record<string, string>) => (await getList(c, `${itemPath('seg')}${query}`, headers)).map(typeKey)
      const ALL = ['CATEGORY:tools', `PRODUCT:${HAMMER.id}`, `PRODUCT:${SCREWDRIVER.id}`, 'PRODUCT:p-unknown']

      it('lists them enriched, with the segment id, in a stable order', async () => {
        await seed('list')
        const list = await getList(c, itemPath('seg'))
        assert.deepEqual(list.map(typeKey), ALL)
        assert.deepEqual(list[1].item, HAMMER)
        assert.deepEqual(list[3].item, { id: 'p-unknown' })
        for (const item of list) assert.equal(item.segmentId, 'seg')
        assert.equal(list[3].metadata.version, 2)
      })

      it('filters with q, sorts, pages, projects, counts and localizes', async () => {
        await seed('query')
        assert.deepEqual(await keys('?q=type:PRODUCT'), ALL.slice(1))
        assert.deepEqual(await keys('?q=type:CATEGORY'), ['CATEGORY:tools'])
        assert.deepEqual(await keys(`?q=item.id:${HAMMER.id}`), [`PRODUCT:${HAMMER.id}`])
        assert.deepEqual(await keys(`?q=itemId:(tools,p-unknown)`), ['CATEGORY:tools', 'PRODUCT:p-unknown'])
        assert.deepEqual(await keys('?q=segmentId:seg2'), [])
        assert.deepEqual(await keys('?q=mixins.attrs.tag:core'), ['CATEGORY:tools', `PRODUCT:${HAMMER.id}`])
        assert.deepEqual(await keys(`?q=${encodeURIComponent('mixins.attrs.rank:>=2 type:PRODUCT')}`), [`PRODUCT:${HAMMER.id}`, 'PRODUCT:p-unknown'])
        assert.deepEqual(await keys(`?q=${encodeURIComponent('metadata.version:>1')}`), ['PRODUCT:p-unknown'])
        for (const q of ['type:BRAND', 'name:x', 'item.code:123', 'metadata.version:x', ')']) assertError(await get(`${itemPath('seg')}?q=${encodeURIComponent(q)}`), 400)

        assert.deepEqual(await keys('?sort=item.id:desc'), ['CATEGORY:tools', 'PRODUCT:p-unknown', `PRODUCT:${SCREWDRIVER.id}`, `PRODUCT:${HAMMER.id}`])
        assert.deepEqual(await keys('?sort=mixins.attrs.rank'), [`PRODUCT:${SCREWDRIVER.id}`, `PRODUCT:${HAMMER.id}`, 'CATEGORY:tools', 'PRODUCT:p-unknown'])
        assert.deepEqual(await keys('?pageSize=3&pageNumber=2'), ['PRODUCT:p-unknown'])
        assertError(await get(`${itemPath('seg')}?sort=item.name`), 400)
        assertError(await get(`${itemPath('seg')}?pageNumber=0`), 400)

        const counted = await get(`${itemPath('seg')}?pageSize=1&q=type:PRODUCT`, { 'x-total-count': 'true' })
        assert.equal(counted.headers['x-total-count'], '3')
        assert.equal(counted.json().length, 1)
        assert.equal((await get(itemPath('seg'))).headers['x-total-count'], undefined)

        assert.deepEqual(await getList(c, `${itemPath('seg')}?fields=item.code&q=type:PRODUCT&pageSize=2`), [{ item: { code: '123' } }, { item: { code: '456' } }])
        assert.deepEqual(await getList(c, `${itemPath('seg')}?fields=type,segmentId&pageSize=1`), [{ type: 'CATEGORY', segmentId: 'seg' }])
        const names = (await getList(c, `${itemPath('seg')}?q=type:PRODUCT`, { 'accept-language': 'de' })).map((i) => i.item.name)
        assert.deepEqual(names, [{ de: 'Hammer (de)' }, { de: 'Schraubendreher' }, undefined])
        const projected = await getList(c, `${itemPath('seg')}?q=type:PRODUCT&fields=item.name.en&pageSize=2`, { 'accept-language': 'en-GB' })
        assert.deepEqual(projected, [{ item: { name: { en: 'Hammer' } } }, { item: { name: { en: 'Screwdriver' } } }])
      })

      it('a whole page, sent as the database writes it, is what reading each assignment answers, whatever the values', async () => {
        await setup('verbatim')
        const awkward = 'quote " backslash \\ slash / tab \t newline \n nul-ish \u0001 é 日本 😀 </script>'
        await feedDirectory(c, 'products', [
          { id: 'p-code-only', code: awkward },
          { id: 'p-name-only', name: { en: awkward, 'de-CH': 'ß' } },
        ])
        const mixins = { a: { s: awkward, n: [0, -1.5, 1e-7, 2e21, true, false, null], o: {}, e: [] }, 'k"\\': 'v' }
        await assignItem(c, 'seg', 'PRODUCT', HAMMER.id, { mixins, metadata: { mixins: { a: 'https://example.com/a.json' } } })
        await assignItem(c, 'seg', 'PRODUCT', 'p-code-only', { metadata: { mixins: { b: 'https://example.com/b.json' } } })
        await assignItem(c, 'seg', 'PRODUCT', 'p-name-only', { mixins: { only: null } })
        await assignItem(c, 'seg', 'PRODUCT', 'p-unknown')
        await assignItem(c, 'seg', 'CATEGORY', 'tools', { mixins: { rank: 3 } })

        const res = await get(itemPath('seg'))
        assert.equal(res.statusCode, 200, res.body)
        assert.match(String(res.headers['content-type']), /^application\/json; charset=utf-8$/)
        const page = JSON.parse(res.body)
        assert.equal(page.length, 5)
        for (const listed of page) assert.deepEqual(listed, await read(itemPath('seg', listed.type, listed.item.id)))
        assert.deepEqual(page.find((a: any) => a.item.id === HAMMER.id).mixins, mixins)
        assert.deepEqual(page.find((a: any) => a.item.id === 'p-code-only').item, { id: 'p-code-only', code: awkward })
        assert.deepEqual(page.find((a: any) => a.item.id === 'p-unknown'), await read(itemPath('seg', 'PRODUCT', 'p-unknown')))
        // The same page built as objects (a projection onto every member) reads the same.
        assert.deepEqual(await getList(c, `${itemPath('seg')}?fields=segmentId,item,type,mixins,metadata`), page)
        // Across segments too, and a reader taking every language (`*`) gets it as it is as well.
        const across = (await getList(c, '/items', { 'accept-language': '*' })).filter((a) => a.segmentId === 'seg')
        assert.deepEqual(across, page)
      })

      it('searches with q in a POST body (the contract example)', async () => {
        await seed('search')
        const res = await c.call({ method: 'POST', url: c.url(`${itemPath('seg')}/search?pageSize=2`), payload: { q: 'type:PRODUCT' }, headers: { 'x-total-count': 'true' } })
        assert.equal(res.statusCode, 200, res.body)
        assert.deepEqual(res.json().map(typeKey), ALL.slice(1, 3))
        assert.equal(res.headers['x-total-count'], '3')
        assertError(await c.call({ method: 'POST', url: c.url(`${itemPath('seg')}/search`), payload: { q: 'type:PRODUCT', sort: 'x' } }), 400)
        assertError(await c.call({ method: 'POST', url: c.url(`${itemPath('seg')}/search?q=type:PRODUCT`), payload: {} }), 400)
        assertError(await c.call({ method: 'POST', url: c.url(`${itemPath('seg')}/search`), ...raw('{q}') }), 400)
      })
    })

    describe('bulk per type', () => {
      const bulk = (type: string, payload: unknown, method: 'PUT' | 'DELETE' = 'PUT') =>
        c.call({ method, url: c.url(`${itemPath('seg', type)}/bulk`), payload: payload as object })

      it('upserts the ItemAssignmentsUpsert example: 207, one result per item; again: all 204', async () => {
        await setup('bulkex')
        const res = await bulk('PRODUCT', EX.ItemAssignmentsUpsert)
        assert.equal(res.statusCode, 207, res.body)
        assert.deepEqual(res.json(), [
          { index: 1, code: 201, status: 'Created' },
          { index: 2, code: 201, status: 'Created' },
        ])
        const { metadata, ...rest } = await read(itemPath('seg', 'PRODUCT', HAMMER.id))
        assert.deepEqual(rest, { segmentId: 'seg', item: HAMMER, type: 'PRODUCT', mixins: EX.ItemAssignmentsUpsert[0].mixins })
        assertMetadata(metadata, 1, EX.ItemAssignmentsUpsert[0].metadata.mixins)
        assert.deepEqual((await read(itemPath('seg', 'PRODUCT', SCREWDRIVER.id))).item, { id: SCREWDRIVER.id, code: SCREWDRIVER.code, name: SCREWDRIVER.name })
        const again = await bulk('product', [EX.ItemAssignmentsUpsert[0], { id: SCREWDRIVER.id }])
        assert.deepEqual(again.json(), EX.BulkAssignmentDeletionResponse)
      })

      it('a bulk is of the type in its path only', async () => {
        await setup('bulktype')
        assert.equal((await bulk('category', [{ id: 'tools' }, { id: HAMMER.id }])).statusCode, 207)
        const rows = (await snapshot(t, c.tenant)).items.map((r) => `${r.type}:${r.item_id}`).sort()
        assert.deepEqual(rows, ['CATEGORY:12468504', 'CATEGORY:tools'])
        const res = await bulk('PRODUCT', [HAMMER.id, 'tools'], 'DELETE')
        assert.deepEqual(res.json().map((r: any) => r.code), [204, 204])
        assert.equal((await snapshot(t, c.tenant)).items.length, 2)
        await bulk('Category', ['tools'], 'DELETE')
        assert.deepEqual((await snapshot(t, c.tenant)).items.map((r) => r.item_id), [HAMMER.id])
      })

      it('a bad item is its own error and does not undo the others', async () => {
        await setup('bulkpart')
        await assignItem(c, 'seg', 'PRODUCT', 'old')
        const res = await bulk('PRODUCT', [
          { id: 'n1' },
          { id: 5 },
          {},
          { id: 'n2', foo: 1 },
          'n3',
          { id: 'old', mixins: { a: { v: 1 } }, metadata: { version: 4 } },
          { id: 'n4', item: { id: 'n5' } },
          { id: 'n6', item: { code: 'N6' } },
          { id: 'old', mixins: { a: { v: 2 } }, metadata: { version: 1 } },
        ])
        assert.equal(res.statusCode, 207, res.body)
        assert.deepEqual(
          res.json().map((r: any) => [r.index, r.code, r.status]),
          [
            [1, 201, 'Created'],
            [2, 400, 'Bad Request'],
            [3, 400, 'Bad Request'],
            [4, 400, 'Bad Request'],
            [5, 400, 'Bad Request'],
            [6, 409, 'Conflict'],
            [7, 400, 'Bad Request'],
            [8, 201, 'Created'],
            [9, 204, 'OK'],
          ],
        )
        for (const r of res.json()) if (r.code >= 400) assert.equal(typeof r.message, 'string')
        assert.match(res.json()[2].message, /'id' is required/)
        assert.equal(res.json()[5].message, MESSAGES.changed)
        const rows = (await snapshot(t, c.tenant)).items.map((r) => `${r.item_id}@${r.version}`).sort()
        assert.deepEqual(rows, ['n1@1', 'n6@1', 'old@2'])
        assert.deepEqual(await readDirectory(c, 'products', 'n6'), { id: 'n6', code: 'N6', categoryIds: [] })
      })

      it('takes 200 items and refuses 201 with 400, writing nothing', async () => {
        await setup('bulksize')
        const ids = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`)
        assertError(await bulk('PRODUCT', ids(201).map((id) => ({ id }))), 400)
        assertError(await bulk('PRODUCT', ids(201), 'DELETE'), 400)
        assert.equal((await snapshot(t, c.tenant)).items.length, 0)
        const ok = await bulk('PRODUCT', ids(200).map((id) => ({ id })))
        assert.equal(ok.statusCode, 207)
        assert.ok(ok.json().every((r: any, i: number) => r.index === i + 1 && r.code === 201))
        const gone = await bulk('PRODUCT', ids(200), 'DELETE')
        assert.ok(gone.json().every((r: any) => r.code === 204))
        assert.equal((await snapshot(t, c.tenant)).items.length, 0)
      })

      it('deletes a list of ids (BulkAssignmentDeletionResponse); absent and repeated ids are 204, non-strings 400', async () => {
        await setup('bulkdel')
        await assignItem(c, 'seg', 'PRODUCT', 'a')
        await assignItem(c, 'seg', 'PRODUCT', 'b')
        await assignItem(c, 'seg', 'PRODUCT', 'c')
        const example = await bulk('PRODUCT', ['a', 'b'], 'DELETE')
        assert.equal(example.statusCode, 207)
        assert.deepEqual(example.json(), EX.BulkAssignmentDeletionResponse)
        const res = await bulk('PRODUCT', ['c', 'c', 'zzz', 5, { id: 'c' }, '', null], 'DELETE')
        assert.deepEqual(res.json().map((r: any) => r.code), [204, 204, 204, 400, 400, 400, 400])
        assert.equal((await snapshot(t, c.tenant)).items.length, 0)
        for (const payload of [{ ids: ['a'] }, 'a']) {
          assertError(await c.call({ method: 'DELETE', url: c.url(`${itemPath('seg', 'PRODUCT')}/bulk`), payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }), 400)
        }
      })
    })

    describe('directory enrichment', () => {
      it('merges inline item details into the directory: only the fields sent change, category ids are kept', async () => {
        await setup('inline')
        await assignItem(c, 'seg', 'PRODUCT', SCREWDRIVER.id, { item: { code: 'NEW-456' } })
        assert.deepEqual(await readDirectory(c, 'products', SCREWDRIVER.id), { ...SCREWDRIVER, code: 'NEW-456' })
        assert.deepEqual((await read(itemPath('seg', 'PRODUCT', SCREWDRIVER.id))).item, { id: SCREWDRIVER.id, code: 'NEW-456', name: SCREWDRIVER.name })
        await assignItem(c, 'seg', 'PRODUCT', SCREWDRIVER.id, { item: { id: SCREWDRIVER.id, name: { en: 'Driver' } } }, 204)
        assert.deepEqual(await readDirectory(c, 'products', SCREWDRIVER.id), { ...SCREWDRIVER, code: 'NEW-456', name: { en: 'Driver' } })
        assert.equal((await read(itemPath('seg', 'PRODUCT', SCREWDRIVER.id))).metadata.version, 1)

        await assignItem(c, 'seg', 'CATEGORY', 'tools', { item: { name: { en: 'All tools' } } })
        assert.deepEqual(await readDirectory(c, 'categories', 'tools'), { ...TOOLS, name: { en: 'All tools' } })
        await assignItem(c, 'seg', 'CATEGORY', 'newcat', { item: { code: 'NC' } })
        assert.deepEqual(await readDirectory(c, 'categories', 'newcat'), { id: 'newcat', code: 'NC' })
        // A category's details do not make it a product.
        assert.equal(await readDirectory(c, 'products', 'newcat'), undefined)
      })

      it('reads the directory at read time', async () => {
        await setup('readtime')
        await assignItem(c, 'seg', 'PRODUCT', 'later')
        assert.deepEqual((await read(itemPath('seg', 'PRODUCT', 'later'))).item, { id: 'later' })
        await feedDirectory(c, 'products', [{ id: 'later', code: 'L', name: { en: 'Later' } }])
        assert.deepEqual((await read(itemPath('seg', 'PRODUCT', 'later'))).item, { id: 'later', code: 'L', name: { en: 'Later' } })
      })
    })

    describe('strict directory mode (DIRECTORY_STRICT)', () => {
      let s: TestApp
      before(async () => {
        s = await siblingApp(t, { directoryStrict: true })
      })
      after(() => s.close())

      it('refuses unknown items of the path type, accepts known ones and inline details', async () => {
        c = await tenantClient(s, freshTenant('strict'))
        await segment(c, 'seg')
        await feedDirectory(c, 'products', [HAMMER])
        await feedDirectory(c, 'categories', [TOOLS])
        assertError(await put(itemPath('seg', 'PRODUCT', 'ghost'), {}), 400, /ghost/)
        // Known as a category, not as a product.
        assertError(await put(itemPath('seg', 'PRODUCT', 'tools'), {}), 400, /tools/)
        assertError(await put(itemPath('seg', 'CATEGORY', HAMMER.id), {}), 400)
        assert.equal((await snapshot(t, c.tenant)).items.length, 0)
        await assignItem(c, 'seg', 'product', HAMMER.id)
        await assignItem(c, 'seg', 'CATEGORY', 'tools')
        await assignItem(c, 'seg', 'PRODUCT', 'ghost', { item: { code: 'G' } })

        const res = await c.call({ method: 'PUT', url: c.url(`${itemPath('seg', 'CATEGORY')}/bulk`), payload: [{ id: 'tools' }, { id: 'nope' }, { id: 'sub', item: { name: { en: 'Sub' } } }] })
        assert.deepEqual(res.json().map((r: any) => r.code), [204, 400, 201])
        assert.match(res.json()[1].message, /nope/)
        assert.equal(await readDirectory(c, 'categories', 'nope'), undefined)
      })
    })

    describe('GET /segments/items (across segments)', () => {
      /**
       * Segments on site main: act (ACTIVE), win (ACTIVE in its window), off (INACTIVE), old (expired),
       * next (future); on site other: far (ACTIVE). Customer cx is assigned to act and off.
       */
      const seed = async (prefix: string) => {
        c = await tenantClient(t, freshTenant(prefix))
        await feedDirectory(c, 'products', [HAMMER, SCREWDRIVER])
        await segment(c, 'act', SEGMENTS.active())
        await segment(c, 'win', SEGMENTS.activeWindow())
        await segment(c, 'off', SEGMENTS.inactive())
        await segment(c, 'old', SEGMENTS.expired())
        await segment(c, 'next', SEGMENTS.future())
        await segment(c, 'far', SEGMENTS.active('other'))
        await assignItem(c, 'act', 'PRODUCT', HAMMER.id, { mixins: { promo: { pct: 10 } } })
        await assignItem(c, 'act', 'CATEGORY', 'tools')
        await assignItem(c, 'win', 'PRODUCT', SCREWDRIVER.id)
        await assignItem(c, 'off', 'PRODUCT', 'p-off')
        await assignItem(c, 'old', 'PRODUCT', 'p-old')
        await assignItem(c, 'next', 'PRODUCT', 'p-next')
        await assignItem(c, 'far', 'PRODUCT', HAMMER.id, { mixins: { promo: { pct: 20 } } })
        await assignItem(c, 'far', 'PRODUCT', 'p-far', {}, 201)
        await assignItem(c, 'far', 'PRODUCT', 'p-far', { mixins: { promo: { pct: 5 } } }, 204)
        await assignCustomer(c, 'act', 'cx')
        await assignCustomer(c, 'off', 'cx')
      }
      const keys = async (query = '', headers?: Record<string, string>) =>
        (await getList(c, `/items${query}`, headers)).map((a) => `${a.segmentId}/${a.type}:${a.item.id}`)

      it('lists every segment’s items; siteCode and onlyActive narrow them', async () => {
        await seed('all')
        assert.deepEqual(await keys(), [
          `act/CATEGORY:tools`,
          `act/PRODUCT:${HAMMER.id}`,
          `far/PRODUCT:${HAMMER.id}`,
          'far/PRODUCT:p-far',
          'next/PRODUCT:p-next',
          'off/PRODUCT:p-off',
          'old/PRODUCT:p-old',
          `win/PRODUCT:${SCREWDRIVER.id}`,
        ])
        assert.deepEqual(await keys('?siteCode=other'), [`far/PRODUCT:${HAMMER.id}`, 'far/PRODUCT:p-far'])
        assert.deepEqual(await keys('?siteCode=nosuchsite'), [])
        assert.deepEqual(await keys('?onlyActive=true'), [`act/CATEGORY:tools`, `act/PRODUCT:${HAMMER.id}`, `far/PRODUCT:${HAMMER.id}`, 'far/PRODUCT:p-far', `win/PRODUCT:${SCREWDRIVER.id}`])
        assert.deepEqual(await keys('?onlyActive=true&siteCode=main'), [`act/CATEGORY:tools`, `act/PRODUCT:${HAMMER.id}`, `win/PRODUCT:${SCREWDRIVER.id}`])
        assert.equal((await keys('?onlyActive=false')).length, 8)
        for (const bad of ['onlyActive=yes', 'onlyActive=1', 'pageSize=0', 'sort=nothing', 'q=nothing:1']) assertError(await c.call({ method: 'GET', url: c.url(`/items?${bad}`) }), 400)
      })

      it('filters with q (type, item.id, itemId, segmentId, metadata, mixins), pages and counts', async () => {
        await seed('q')
        assert.deepEqual(await keys('?q=type:CATEGORY'), ['act/CATEGORY:tools'])
        assert.deepEqual(await keys(`?q=item.id:${HAMMER.id}`), [`act/PRODUCT:${HAMMER.id}`, `far/PRODUCT:${HAMMER.id}`])
        assert.deepEqual(await keys(`?q=itemId:${HAMMER.id}&siteCode=other`), [`far/PRODUCT:${HAMMER.id}`])
        assert.deepEqual(await keys('?q=segmentId:(off,old)'), ['off/PRODUCT:p-off', 'old/PRODUCT:p-old'])
        assert.deepEqual(await keys(`?q=${encodeURIComponent('mixins.promo.pct:>=10')}`), [`act/PRODUCT:${HAMMER.id}`, `far/PRODUCT:${HAMMER.id}`])
        assert.deepEqual(await keys(`?q=${encodeURIComponent('metadata.version:2')}`), ['far/PRODUCT:p-far'])
        assert.deepEqual(await keys('?q=mixins.promo:exists&sort=mixins.promo.pct:desc'), [`far/PRODUCT:${HAMMER.id}`, `act/PRODUCT:${HAMMER.id}`, 'far/PRODUCT:p-far'])
        assert.deepEqual(await keys('?pageSize=3&pageNumber=3'), ['old/PRODUCT:p-old', `win/PRODUCT:${SCREWDRIVER.id}`])
        const res = await c.call({ method: 'GET', url: c.url('/items?pageSize=2&onlyActive=true'), headers: { 'x-total-count': 'true' } })
        assert.equal(res.headers['x-total-count'], '5')
        assert.equal(res.json().length, 2)
        assert.deepEqual(
          (await getList(c, `/items?q=item.id:${HAMMER.id}&fields=segmentId,item.name`, { 'accept-language': 'de' })),
          [
            { segmentId: 'act', item: { name: { de: 'Hammer (de)' } } },
            { segmentId: 'far', item: { name: { de: 'Hammer (de)' } } },
          ],
        )
      })

      it('an operator asking with customerId gets the items of that customer’s segments, of any status', async () => {
        await seed('operator')
        const reader = await t.token({ tenant: c.tenant, scopes: [SCOPES.segmentRead] })
        const res = await c.call({ method: 'GET', url: c.url('/items?customerId=cx'), token: reader })
        assert.equal(res.statusCode, 200, res.body)
        assert.deepEqual(res.json().map((a: any) => `${a.segmentId}/${a.item.id}`), ['act/tools', `act/${HAMMER.id}`, 'off/p-off'])
        const active = await c.call({ method: 'GET', url: c.url('/items?customerId=cx&onlyActive=true'), token: reader })
        assert.deepEqual(active.json().map((a: any) => `${a.segmentId}/${a.item.id}`), ['act/tools', `act/${HAMMER.id}`])
        assert.deepEqual((await c.call({ method: 'GET', url: c.url('/items?customerId=nobody'), token: reader })).json(), [])
      })
    })
  })
}

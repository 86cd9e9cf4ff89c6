/**
 * The customer view: a token with only `customersegment.segment_read_own` and a `customerId` claim (maybe
 * `legalEntityId`) sees only its EFFECTIVE segments (ACTIVE, now within validity) that it is assigned
 * to — B2C, or B2B in the token's legal entity — and only its own assignments, items, matches and
 * category trees from those. Every way of reaching another customer's data is tried and must fail.
 * Also the operator's `?customerId=X[&legalEntityId=Y]` on segment reads.
 */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, it } from 'node:test'
import { SCOPES } from '../src/auth/principal.js'
import {
  assignCustomer,
  assignItem,
  customerClient,
  customerPath,
  feedDirectory,
  iso,
  itemPath,
  SEGMENTS,
  segment,
} from './support/assignment-helpers.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { assertError, freshTenant, MESSAGES, type TenantClient, tenantClient } from './support/segment-helpers.js'

for (const engine of ENGINES) {
  describe(`customer view on ${engine}`, () => {
    let t: TestApp
    let c: TenantClient
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    /**
     * Segments (site main unless said): act (ACTIVE), win (ACTIVE in its window), off (INACTIVE),
     * old (expired), next (future), far (ACTIVE, site other), b2b (ACTIVE), le2seg (ACTIVE),
     * theirs (ACTIVE, only the other customer's).
     * me: B2C in act, win, off, old, next, far; B2B with le1 in b2b, with le2 in le2seg.
     * you: B2C in theirs and act; B2B with le1 in b2b and in theirs.
     * Each segment has a product `p-{segment}`; act and theirs a category too.
     */
    const setup = async (prefix: string) => {
      c = await tenantClient(t, freshTenant(prefix))
      await feedDirectory(c, 'customers', [
        { id: 'me', email: 'me@example.com', firstName: 'Me' },
        { id: 'you', email: 'you@example.com', firstName: 'You' },
      ])
      await feedDirectory(c, 'categories', [{ id: 'k-act', name: { en: 'Act' } }, { id: 'k-theirs', name: { en: 'Theirs' } }])
      await feedDirectory(c, 'products', [{ id: 'p-cat-act', categoryIds: ['k-act'] }, { id: 'p-cat-theirs', categoryIds: ['k-theirs'] }])
      const bodies: Record<string, Record<string, unknown>> = {
        act: SEGMENTS.active(),
        win: SEGMENTS.activeWindow(),
        off: SEGMENTS.inactive(),
        old: SEGMENTS.expired(),
        next: SEGMENTS.future(),
        far: SEGMENTS.active('other'),
        b2b: SEGMENTS.active(),
        le2seg: SEGMENTS.active(),
        theirs: SEGMENTS.active(),
      }
      for (const [id, body] of Object.entries(bodies)) {
        await segment(c, id, body)
        await assignItem(c, id, 'PRODUCT', `p-${id}`)
      }
      await assignItem(c, 'act', 'CATEGORY', 'k-act')
      await assignItem(c, 'theirs', 'CATEGORY', 'k-theirs')
      for (const id of ['act', 'win', 'off', 'old', 'next', 'far']) await assignCustomer(c, id, 'me', undefined, { mixins: { note: { who: 'me' } } })
      await assignCustomer(c, 'b2b', 'me', 'le1')
      await assignCustomer(c, 'le2seg', 'me', 'le2')
      await assignCustomer(c, 'theirs', 'you')
      await assignCustomer(c, 'act', 'you', undefined, { mixins: { note: { who: 'you' } } })
      await assignCustomer(c, 'b2b', 'you', 'le1')
      await assignCustomer(c, 'theirs', 'you', 'le1')
      return c
    }
    const ids = (list: { id: string }[]) => list.map((s) => s.id)
    const okJson = async (client: TenantClient, method: 'GET' | 'POST', path: string, payload?: unknown, headers?: Record<string, string>) => {
      const res = await client.call({ method, url: client.url(path), payload: payload as object, headers })
      assert.equal(res.statusCode, 200, `${method} ${path}: ${res.body}`)
      return res.json()
    }

    describe('segments', () => {
      it('lists and searches only the customer’s effective segments (B2C, plus B2B in the token’s legal entity)', async () => {
        await setup('list')
        const me = await customerClient(t, c, 'me')
        assert.deepEqual(ids(await okJson(me, 'GET', '')), ['act', 'far', 'win'])
        assert.deepEqual(ids(await okJson(me, 'POST', '/search', {})), ['act', 'far', 'win'])
        const meLe1 = await customerClient(t, c, 'me', 'le1')
        assert.deepEqual(ids(await okJson(meLe1, 'GET', '')), ['act', 'b2b', 'far', 'win'])
        const meLe2 = await customerClient(t, c, 'me', 'le2')
        assert.deepEqual(ids(await okJson(meLe2, 'GET', '')), ['act', 'far', 'le2seg', 'win'])
        const you = await customerClient(t, c, 'you')
        assert.deepEqual(ids(await okJson(you, 'GET', '')), ['act', 'theirs'])
        assert.deepEqual(ids(await okJson(await customerClient(t, c, 'nobody'), 'GET', '')), [])
        // Query features work within the view, never beyond it.
        assert.deepEqual(ids(await okJson(me, 'GET', '?q=siteCode:main')), ['act', 'win'])
        assert.deepEqual(ids(await okJson(me, 'GET', '?q=status:INACTIVE')), [])
        assert.deepEqual(ids(await okJson(me, 'POST', '/search', { q: 'id:(off,theirs,b2b,act)' })), ['act'])
        const counted = await me.call({ method: 'GET', url: c.url('?pageSize=1'), headers: { 'x-total-count': 'true' } })
        assert.equal(counted.headers['x-total-count'], '3')
        assert.deepEqual(ids(counted.json()), ['act'])
      })

      it('reads one of its segments; any other answers 404 like a missing one', async () => {
        await setup('get')
        const me = await customerClient(t, c, 'me')
        assert.equal((await okJson(me, 'GET', '/act')).id, 'act')
        assert.equal((await okJson(me, 'GET', '/far')).id, 'far')
        for (const id of ['off', 'old', 'next', 'theirs', 'b2b', 'le2seg', 'ghost']) {
          assertError(await me.call({ method: 'GET', url: c.url(`/${id}`) }), 404, MESSAGES.notFound(id))
        }
        const meLe1 = await customerClient(t, c, 'me', 'le1')
        assert.equal((await okJson(meLe1, 'GET', '/b2b')).id, 'b2b')
        assertError(await meLe1.call({ method: 'GET', url: c.url('/le2seg') }), 404)
        // A legal entity in the query does not replace the token's.
        assertError(await meLe1.call({ method: 'GET', url: c.url('/le2seg?legalEntityId=le2') }), 404)
        assert.deepEqual(ids(await okJson(meLe1, 'GET', '?legalEntityId=le2')), ['act', 'b2b', 'far', 'win'])
      })

      it('stops seeing a segment as soon as it is no longer effective (validity "to" is exclusive)', async () => {
        await setup('expiry')
        const me = await customerClient(t, c, 'me')
        const to = Date.now() + 1500
        const res = await c.call({ method: 'PUT', url: c.url('/act'), payload: { ...SEGMENTS.active(), validity: { from: iso(Date.now() - 1000), to: iso(to) } } })
        assert.equal(res.statusCode, 204, res.body)
        assert.ok(ids(await okJson(me, 'GET', '')).includes('act'))
        await sleep(Math.max(0, to - Date.now()) + 50)
        assert.ok(!ids(await okJson(me, 'GET', '')).includes('act'))
        assertError(await me.call({ method: 'GET', url: c.url('/act') }), 404)
        // Switching a segment off hides it too.
        const patched = await c.call({ method: 'PATCH', url: c.url('/win'), payload: [{ op: 'replace', path: '/status', value: 'INACTIVE' }] })
        assert.equal(patched.statusCode, 204)
        assert.deepEqual(ids(await okJson(me, 'GET', '')), ['far'])
      })

      it('refuses customerId as a query parameter (403), even the customer’s own', async () => {
        await setup('param')
        const me = await customerClient(t, c, 'me')
        for (const [method, path] of [
          ['GET', '?customerId=you'],
          ['GET', '?customerId=me'],
          ['GET', '?customerId=you&legalEntityId=le1'],
          ['POST', '/search?customerId=you'],
          ['GET', '/theirs?customerId=you'],
          ['GET', '/act?customerId=me'],
        ] as const) {
          assertError(await me.call({ method, url: c.url(path), payload: method === 'POST' ? {} : undefined }), 403, MESSAGES.forbidden)
        }
      })
    })

    describe('customer assignments', () => {
      it('lists only its own assignment(s) of a visible segment', async () => {
        await setup('assign')
        const me = await customerClient(t, c, 'me')
        const list = await okJson(me, 'GET', customerPath('act'))
        assert.equal(list.length, 1)
        assert.deepEqual(list[0].customer, { id: 'me', email: 'me@example.com', firstName: 'Me' })
        assert.deepEqual(list[0].mixins, { note: { who: 'me' } })
        const meLe1 = await customerClient(t, c, 'me', 'le1')
        const b2b = await okJson(meLe1, 'GET', customerPath('b2b'))
        assert.deepEqual(b2b.map((a: any) => `${a.customer.id}/${a.legalEntity?.id}`), ['me/le1'])
        const you = await customerClient(t, c, 'you')
        assert.deepEqual((await okJson(you, 'GET', customerPath('act'))).map((a: any) => a.customer.id), ['you'])
      })

      it('answers 404 for segments not visible to it, and q, paging or parameters never reach others', async () => {
        await setup('assignleak')
        const me = await customerClient(t, c, 'me')
        for (const id of ['theirs', 'off', 'old', 'next', 'b2b', 'ghost']) {
          assertError(await me.call({ method: 'GET', url: c.url(customerPath(id)) }), 404)
        }
        for (const query of ['?q=customer.id:you', `?q=${encodeURIComponent('customer.email:~you')}`, '?q=assignmentType:MANUAL&pageSize=100', '?sort=customer.id:desc', '?legalEntityId=le1']) {
          const list = await okJson(me, 'GET', `${customerPath('act')}${query}`)
          for (const a of list) assert.equal(a.customer.id, 'me', `${query}: ${JSON.stringify(list)}`)
        }
        assert.deepEqual(await okJson(me, 'GET', `${customerPath('act')}?q=customer.id:you`), [])
        const counted = await me.call({ method: 'GET', url: c.url(customerPath('act')), headers: { 'x-total-count': 'true' } })
        assert.equal(counted.headers['x-total-count'], '1')
        // customerId in the query is the operator's: 403, as on every other read.
        for (const query of ['?customerId=you', '?customerId=me', '?customerId=you&legalEntityId=le1']) {
          assertError(await me.call({ method: 'GET', url: c.url(`${customerPath('act')}${query}`) }), 403, MESSAGES.forbidden)
        }
        // The token's legal entity wins over one in the query.
        const meLe2 = await customerClient(t, c, 'me', 'le2')
        assertError(await meLe2.call({ method: 'GET', url: c.url(`${customerPath('b2b')}?legalEntityId=le1`) }), 404)
      })

      it('cannot use the search, the B2C/B2B reads (segment_read) or any write', async () => {
        await setup('assignscope')
        const me = await customerClient(t, c, 'me', 'le1')
        for (const [method, path, payload] of [
          ['POST', `${customerPath('act')}/search`, {}],
          ['POST', `${customerPath('theirs')}/search`, { q: 'customer.id:you' }],
          ['GET', customerPath('act', 'me'), undefined],
          ['GET', customerPath('act', 'you'), undefined],
          ['GET', customerPath('b2b', 'me', 'le1'), undefined],
          ['GET', customerPath('theirs', 'you', 'le1'), undefined],
          ['PUT', customerPath('act', 'me'), {}],
          ['PUT', customerPath('theirs', 'me'), {}],
          ['DELETE', customerPath('act', 'you'), undefined],
          ['PUT', `${customerPath('theirs')}/bulk`, [{ customerId: 'me' }]],
          ['DELETE', `${customerPath('act')}/bulk`, [{ customerId: 'you' }]],
        ] as const) {
          const res = await me.call({ method, url: c.url(path), payload: payload as object | undefined })
          assertError(res, 403, MESSAGES.forbidden)
        }
        // Nothing changed.
        assert.deepEqual((await okJson(c, 'GET', customerPath('act'))).map((a: any) => a.customer.id), ['me', 'you'])
      })
    })

    describe('items', () => {
      const keys = (list: any[]) => list.map((a) => `${a.segmentId}/${a.item.id}`)

      it('sees the items of its effective segments only; onlyActive is forced', async () => {
        await setup('items')
        const me = await customerClient(t, c, 'me')
        const mine = ['act/k-act', 'act/p-act', 'far/p-far', 'win/p-win']
        assert.deepEqual(keys(await okJson(me, 'GET', '/items')), mine)
        assert.deepEqual(keys(await okJson(me, 'GET', '/items?onlyActive=false')), mine)
        assert.deepEqual(keys(await okJson(me, 'GET', '/items?siteCode=main')), ['act/k-act', 'act/p-act', 'win/p-win'])
        assert.deepEqual(keys(await okJson(me, 'GET', '/items?q=segmentId:(theirs,off,b2b)')), [])
        assert.deepEqual(keys(await okJson(me, 'GET', '/items?q=item.id:p-theirs')), [])
        const counted = await me.call({ method: 'GET', url: c.url('/items?pageSize=1'), headers: { 'x-total-count': 'true' } })
        assert.equal(counted.headers['x-total-count'], '4')
        const meLe1 = await customerClient(t, c, 'me', 'le1')
        assert.deepEqual(keys(await okJson(meLe1, 'GET', '/items')), ['act/k-act', 'act/p-act', 'b2b/p-b2b', 'far/p-far', 'win/p-win'])
        const you = await customerClient(t, c, 'you')
        assert.deepEqual(keys(await okJson(you, 'GET', '/items')), ['act/k-act', 'act/p-act', 'theirs/k-theirs', 'theirs/p-theirs'])

        assert.deepEqual(keys(await okJson(me, 'GET', itemPath('act'))), ['act/k-act', 'act/p-act'])
        assert.deepEqual(keys(await okJson(me, 'POST', `${itemPath('act')}/search`, { q: 'type:PRODUCT' })), ['act/p-act'])
        assert.equal((await okJson(me, 'GET', itemPath('act', 'product', 'p-act'))).item.id, 'p-act')
      })

      it('answers 404 for items of segments not visible to it, and 403 for customerId', async () => {
        await setup('itemleak')
        const me = await customerClient(t, c, 'me')
        for (const id of ['theirs', 'off', 'old', 'next', 'b2b', 'ghost']) {
          assertError(await me.call({ method: 'GET', url: c.url(itemPath(id)) }), 404)
          assertError(await me.call({ method: 'POST', url: c.url(`${itemPath(id)}/search`), payload: {} }), 404)
          assertError(await me.call({ method: 'GET', url: c.url(itemPath(id, 'PRODUCT', `p-${id}`)) }), 404)
        }
        for (const path of ['/items?customerId=you', '/items?customerId=me', `${itemPath('act')}?customerId=you`, `${itemPath('theirs')}?customerId=you`, `${itemPath('theirs', 'PRODUCT', 'p-theirs')}?customerId=you`]) {
          assertError(await me.call({ method: 'GET', url: c.url(path) }), 403)
        }
        assertError(await me.call({ method: 'POST', url: c.url(`${itemPath('theirs')}/search?customerId=you`), payload: {} }), 403)
        // The token's legal entity wins over one in the query.
        const meLe2 = await customerClient(t, c, 'me', 'le2')
        assertError(await meLe2.call({ method: 'GET', url: c.url(`${itemPath('b2b')}?legalEntityId=le1`) }), 404)
        assert.ok(!keys(await okJson(meLe2, 'GET', '/items?legalEntityId=le1')).includes('b2b/p-b2b'))
        for (const [method, path, payload] of [
          ['PUT', itemPath('act', 'PRODUCT', 'x'), {}],
          ['DELETE', itemPath('act', 'PRODUCT', 'p-act'), undefined],
          ['PUT', `${itemPath('act', 'PRODUCT')}/bulk`, [{ id: 'x' }]],
          ['DELETE', `${itemPath('act', 'PRODUCT')}/bulk`, ['p-act']],
        ] as const) {
          assertError(await me.call({ method, url: c.url(path), payload: payload as object | undefined }), 403)
        }
      })

      it('match and category trees use only its own effective segments', async () => {
        await setup('storefront')
        const me = await customerClient(t, c, 'me')
        const items = ['p-act', 'p-win', 'p-off', 'p-theirs', 'p-b2b', 'p-cat-act', 'p-cat-theirs', 'p-far'].map((id) => ({ id }))
        const all = ['act', 'win', 'off', 'old', 'next', 'far', 'b2b', 'le2seg', 'theirs']
        const matched = await okJson(me, 'POST', '/match', { siteCode: 'main', items, segmentIds: all })
        assert.deepEqual(matched.map((m: any) => m.id), ['p-act', 'p-win', 'p-cat-act'])
        const you = await customerClient(t, c, 'you', 'le1')
        assert.deepEqual((await okJson(you, 'POST', '/match', { siteCode: 'main', items, segmentIds: all })).map((m: any) => m.id), ['p-act', 'p-theirs', 'p-b2b', 'p-cat-act', 'p-cat-theirs'])
        const trees = await okJson(me, 'GET', '/items/category-trees')
        assert.deepEqual(trees.map((n: any) => n.id), ['k-act'])
        assert.deepEqual((await okJson(you, 'GET', '/items/category-trees?siteCode=main')).map((n: any) => n.id), ['k-act', 'k-theirs'])
        assertError(await me.call({ method: 'POST', url: c.url('/match?customerId=you'), payload: { siteCode: 'main', items, segmentIds: all } }), 403)
        assertError(await me.call({ method: 'GET', url: c.url('/items/category-trees?customerId=you') }), 403)
      })
    })

    describe('everything else', () => {
      it('refuses segment writes, the directory, the event log and other tenants', async () => {
        await setup('other')
        const me = await customerClient(t, c, 'me', 'le1')
        for (const [method, path, payload] of [
          ['POST', c.url(''), { name: { en: 'x' }, siteCode: 'main' }],
          ['PUT', c.url('/act'), SEGMENTS.active()],
          ['PATCH', c.url('/act'), [{ op: 'replace', path: '/status', value: 'INACTIVE' }]],
          ['DELETE', c.url('/act'), undefined],
          ['POST', c.url('/bulk'), []],
          ['GET', `/customer-segment/${c.tenant}/directory/customers/you`, undefined],
          ['PUT', `/customer-segment/${c.tenant}/directory/customers`, [{ id: 'you', email: 'mine@evil' }]],
          ['GET', `/webhook/${c.tenant}/events`, undefined],
        ] as const) {
          assertError(await me.call({ method, url: path, payload: payload as object | undefined }), 403)
        }
        // The same customer id under another tenant is someone else.
        const stranger = await t.token({ tenant: freshTenant('stranger'), scopes: [SCOPES.segmentReadOwn], customerId: 'me' })
        assertError(await c.call({ method: 'GET', url: c.url(''), token: stranger }), 403)
        assertError(await c.call({ method: 'GET', url: c.url('/items'), token: stranger }), 403)
        const elsewhere = await tenantClient(t, freshTenant('elsewhere'), [SCOPES.segmentReadOwn])
        const sameIdElsewhere = await customerClient(t, elsewhere, 'me')
        assert.deepEqual(await okJson(sameIdElsewhere, 'GET', ''), [])
        assert.deepEqual(await okJson(sameIdElsewhere, 'GET', '/items'), [])
      })

      it('refuses a read_own token without a customerId claim', async () => {
        await setup('noclaim')
        const token = await t.token({ tenant: c.tenant, scopes: [SCOPES.segmentReadOwn] })
        for (const path of ['', '/act', customerPath('act'), '/items', itemPath('act'), '/items/category-trees']) {
          assertError(await c.call({ method: 'GET', url: c.url(path), token }), 403)
        }
        assertError(await c.call({ method: 'POST', url: c.url('/match'), payload: { siteCode: 'main', items: [{ id: 'p-act' }], segmentIds: ['act'] }, token }), 403)
        // A legal entity claim alone is not a customer.
        const leOnly = await t.token({ tenant: c.tenant, scopes: [SCOPES.segmentReadOwn], legalEntityId: 'le1' })
        assertError(await c.call({ method: 'GET', url: c.url(''), token: leOnly }), 403)
      })

      it('a token with segment_read as well reads as an operator', async () => {
        await setup('both')
        const both = await customerClient(t, c, 'me', undefined, [SCOPES.segmentReadOwn, SCOPES.segmentRead])
        assert.equal((await okJson(both, 'GET', '')).length, 9)
        assert.equal((await okJson(both, 'GET', customerPath('theirs'))).length, 2)
      })
    })

    describe('operator with customerId', () => {
      it('lists and searches the segments a customer is assigned to, of any status', async () => {
        await setup('operator')
        const reader = await t.token({ tenant: c.tenant, scopes: [SCOPES.segmentRead] })
        const as = (path: string, method: 'GET' | 'POST' = 'GET') =>
          c.call({ method, url: c.url(path), token: reader, payload: method === 'POST' ? {} : undefined }).then((res) => {
            assert.equal(res.statusCode, 200, res.body)
            return ids(res.json())
          })
        // Without legalEntityId, at least the B2C assignments count (whether B2B ones do is left open).
        const plain = await as('?customerId=me')
        for (const id of ['act', 'far', 'next', 'off', 'old', 'win']) assert.ok(plain.includes(id), id)
        assert.ok(!plain.includes('theirs'))
        assert.deepEqual(await as('?customerId=me&legalEntityId=le1'), ['act', 'b2b', 'far', 'next', 'off', 'old', 'win'])
        assert.deepEqual(await as('?customerId=you&legalEntityId=le1'), ['act', 'b2b', 'theirs'])
        assert.deepEqual(await as('/search?customerId=me&legalEntityId=le2', 'POST'), ['act', 'far', 'le2seg', 'next', 'off', 'old', 'win'])
        assert.deepEqual(await as('?customerId=me&q=status:INACTIVE'), ['off'])
        assert.deepEqual(await as('?customerId=nobody'), [])
        // customerId is case-sensitive.
        assert.deepEqual(await as('?customerId=ME'), [])
        assert.equal((await as('')).length, 9)
      })

      it("narrows a segment's customer list and items to that customer", async () => {
        await setup('opnarrow')
        const reader = await t.token({ tenant: c.tenant, scopes: [SCOPES.segmentRead] })
        const get = async (path: string) => {
          const res = await c.call({ method: 'GET', url: c.url(path), token: reader })
          assert.equal(res.statusCode, 200, res.body)
          return res.json()
        }
        assert.deepEqual((await get(`${customerPath('act')}?customerId=you`)).map((a: any) => a.customer.id), ['you'])
        assert.deepEqual((await get(`${customerPath('b2b')}?customerId=me&legalEntityId=le1`)).map((a: any) => `${a.customer.id}/${a.legalEntity.id}`), ['me/le1'])
        assert.deepEqual((await get('/items?customerId=you&legalEntityId=le1')).map((a: any) => a.segmentId), ['act', 'act', 'b2b', 'theirs', 'theirs'])
      })
    })
  })
}

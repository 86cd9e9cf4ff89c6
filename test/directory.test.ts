/**
 * The Directory API: `PUT /directory/{kind}` (bulk replace, at most 1000 entries, 207 with one result per
 * entry numbered from 1; valid entries written together, invalid ones reported and not written),
 * `GET /directory/{kind}/{id}` and `DELETE /directory/{kind}/{id}`, for every kind, scoped to one tenant.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { SCOPES } from '../src/auth/principal.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { assertError, freshTenant, MESSAGES } from './support/segment-helpers.js'

/** For each kind: an entry with every field set, and what a stored `{id}` alone reads back as. */
const KINDS: Record<string, { full: Record<string, unknown>; bare: (id: string) => Record<string, unknown> }> = {
  customers: {
    full: {
      id: 'c1',
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      tags: ['wholesale', 'newsletter'],
      attributes: { tier: 'gold', spent: 1250.5, vip: true, lastOrderAt: '2026-05-18T07:27:27.455Z', address: { country: 'DE', zip: '10115' } },
      legalEntityIds: ['le1', 'le2'],
    },
    bare: (id) => ({ id }),
  },
  'legal-entities': {
    full: { id: 'le1', name: 'Analytical Engines Ltd', attributes: { country: 'GB', employees: 12 } },
    bare: (id) => ({ id }),
  },
  products: {
    full: { id: 'p1', code: 'PEN-1', name: { en: 'Pen', de: 'Stift' }, categoryIds: ['k1', 'k2'] },
    // A product is in no category until told otherwise.
    bare: (id) => ({ id, categoryIds: [] }),
  },
  categories: {
    full: {
      id: 'k1',
      parentId: 'k0',
      code: 'WRITING',
      name: { en: 'Writing' },
      description: { en: 'Things to write with' },
      slug: { en: 'writing' },
      ecn: ['ECN-1', 'ECN-2'],
      validity: { from: '2024-01-01T00:00:00.000Z', to: '2030-01-01T00:00:00.000Z' },
      position: 3,
      published: true,
    },
    bare: (id) => ({ id }),
  },
}

/** A valid entry of any kind: every schema takes an `id` alone. */
const entry = (id: string) => ({ id })

for (const engine of ENGINES) {
  describe(`directory API on ${engine}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    /** A caller for a tenant of its own: `url(kind, id?)` is `/customer-segment/{tenant}/directory/{kind}[/{id}]`. */
    const client = async (prefix: string, scopes: string[] = [SCOPES.segmentManage]) => {
      const tenant = freshTenant(prefix)
      const token = await t.token({ tenant, scopes })
      const url = (kind: string, id?: string) => `/customer-segment/${tenant}/directory/${kind}${id === undefined ? '' : `/${encodeURIComponent(id)}`}`
      return {
        tenant,
        url,
        put: (kind: string, payload: unknown, as = token) => t.call({ method: 'PUT', url: url(kind), payload: payload as object, token: as }),
        get: (kind: string, id: string, as = token) => t.call({ method: 'GET', url: url(kind, id), token: as }),
        del: (kind: string, id: string, as = token) => t.call({ method: 'DELETE', url: url(kind, id), token: as }),
      }
    }

    for (const [kind, { full, bare }] of Object.entries(KINDS)) {
      describe(kind, () => {
        it('upserts, reads back exactly what was sent, and deletes', async () => {
          const c = await client('dir')
          const id = full.id as string
          const res = await c.put(kind, [full, entry('second')])
          assert.equal(res.statusCode, 207, res.body)
          assert.deepEqual(res.json(), [
            { index: 1, id, code: 204, status: 'OK' },
            { index: 2, id: 'second', code: 204, status: 'OK' },
          ])
          const read = await c.get(kind, id)
          assert.equal(read.statusCode, 200, read.body)
          assert.deepEqual(read.json(), full)
          assert.deepEqual((await c.get(kind, 'second')).json(), bare('second'))

          assert.equal((await c.del(kind, id)).statusCode, 204)
          assertError(await c.get(kind, id), 404, MESSAGES.notFound(id))
          assert.equal((await c.get(kind, 'second')).statusCode, 200)
        })

        it('replaces an entry: fields left out of a later upsert are gone', async () => {
          const c = await client('dirrepl')
          const id = full.id as string
          assert.equal((await c.put(kind, [full])).statusCode, 207)
          assert.equal((await c.put(kind, [{ id }])).statusCode, 207)
          assert.deepEqual((await c.get(kind, id)).json(), bare(id))
        })

        it('answers 404 in the error format for an id it does not hold, and 204 to deleting it', async () => {
          const c = await client('dir404')
          assertError(await c.get(kind, 'nobody'), 404, MESSAGES.notFound('nobody'))
          const res = await c.del(kind, 'nobody')
          assert.equal(res.statusCode, 204)
          assert.equal(res.body, '')
        })
      })
    }

    describe('validation', () => {
      it('writes the valid entries and reports each invalid one with its index, id and the field at fault', async () => {
        const c = await client('dirbad')
        const res = await c.put('customers', [
          { id: 'good1', email: 'a@example.com' },
          { id: 'typed', email: 5 },
          { id: 'extra', colour: 'red' },
          { email: 'no-id@example.com' },
          'just-a-string',
          null,
          { id: 'with/slash' },
          { id: 'good2' },
        ])
        assert.equal(res.statusCode, 207, res.body)
        const results = res.json()
        assert.deepEqual(
          results.map((r: Record<string, unknown>) => [r.index, r.id, r.code, r.status]),
          [
            [1, 'good1', 204, 'OK'],
            [2, 'typed', 400, 'Bad Request'],
            [3, 'extra', 400, 'Bad Request'],
            [4, undefined, 400, 'Bad Request'],
            [5, 'just-a-string', 400, 'Bad Request'],
            [6, undefined, 400, 'Bad Request'],
            [7, 'with/slash', 400, 'Bad Request'],
            [8, 'good2', 204, 'OK'],
          ],
        )
        assert.equal(results[0].message, undefined)
        assert.match(results[1].message, /'email' must be string/)
        assert.match(results[2].message, /unknown field 'colour'/)
        assert.match(results[3].message, /'id' is required/)
        assert.match(results[4].message, /must be object/)
        assert.match(results[6].message, /'id'/)
        for (const result of results) {
          assert.deepEqual(Object.keys(result).filter((k) => !['index', 'id', 'code', 'status', 'message'].includes(k)), [])
        }
        assert.equal((await c.get('customers', 'good1')).statusCode, 200)
        assert.equal((await c.get('customers', 'good2')).statusCode, 200)
        for (const id of ['typed', 'extra']) assertError(await c.get('customers', id), 404)
      })

      it('checks each kind against its own schema', async () => {
        const c = await client('dirkinds')
        const bad: Record<string, [unknown, RegExp]> = {
          'legal-entities': [{ id: 'le', name: { en: 'x' } }, /'name' must be string/],
          products: [{ id: 'p', name: 'Pen' }, /'name' must be object/],
          categories: [{ id: 'k', position: 1.5 }, /'position' must be integer/],
        }
        for (const [kind, [item, message]] of Object.entries(bad)) {
          const [result] = (await c.put(kind, [item])).json()
          assert.equal(result.code, 400, kind)
          assert.match(result.message, message)
        }
        const [result] = (await c.put('products', [{ id: 'p', name: { 'not a language': 'x' } }])).json()
        assert.match(result.message, /'name\.not a language'/)
      })

      it('refuses category validity instants the store cannot keep', async () => {
        const c = await client('dirdate')
        const res = await c.put('categories', [
          { id: 'leap', validity: { from: '2016-12-31T23:59:60Z' } },
          { id: 'zero', validity: { to: '0000-06-01T00:00:00Z' } },
          { id: 'late', validity: { to: '9999-12-31T23:00:00-05:00' } },
          { id: 'feb', validity: { from: '2023-02-29T00:00:00Z' } },
          { id: 'fine', validity: { from: '2024-02-29T10:00:00+02:00' } },
        ])
        assert.equal(res.statusCode, 207, res.body)
        const results = res.json()
        assert.deepEqual(
          results.map((r: { code: number }) => r.code),
          [400, 400, 400, 400, 204],
        )
        assert.match(results[0].message, /'validity\.from'/)
        assert.match(results[1].message, /'validity\.to'/)
        assert.deepEqual((await c.get('categories', 'fine')).json(), { id: 'fine', validity: { from: '2024-02-29T08:00:00.000Z' } })
      })

      it('refuses attributes rules could not read: arrays, null, odd keys, bad date-times, too deep or too large', async () => {
        const c = await client('dirattr')
        const deep = (levels: number): Record<string, unknown> => (levels === 1 ? { k: 1 } : { k: deep(levels - 1) })
        const cases: [Record<string, unknown>, RegExp][] = [
          [{ list: [1, 2] }, /'attributes\.list' must be a string, number, boolean or object/],
          [{ none: null }, /'attributes\.none' must be/],
          [{ 'a.b': 1 }, /'attributes' has the key 'a\.b'/],
          [{ at: '2026-02-30T00:00:00Z' }, /'attributes\.at' has the shape of a date-time/],
          [deep(9), /nested deeper than 8 levels/],
          [{ big: 'x'.repeat(17_000) }, /'attributes' is larger than 16384 bytes/],
        ]
        const res = await c.put('customers', [...cases.map(([attributes], i) => ({ id: `c${i}`, attributes })), { id: 'fine', attributes: deep(8) }])
        const results = res.json()
        for (const [i, [, message]] of cases.entries()) {
          assert.equal(results[i].code, 400, JSON.stringify(cases[i][0]).slice(0, 80))
          assert.match(results[i].message, message)
        }
        assert.equal(results[cases.length].code, 204)
        const legal = (await c.put('legal-entities', [{ id: 'le', attributes: { x: [1] } }])).json()
        assert.match(legal[0].message, /'attributes\.x'/)
        for (const [field, value] of [['tags', ['']], ['tags', 'vip'], ['legalEntityIds', [5]]] as const) {
          assert.equal((await c.put('customers', [{ id: 'c', [field]: value }])).json()[0].code, 400, field)
        }
        assertError(await c.get('customers', 'c0'), 404)
      })

      it('takes the last of several entries with the same id', async () => {
        const c = await client('dirtwin')
        const res = await c.put('customers', [{ id: 'twin', email: 'first@example.com' }, { id: 'twin', email: 'second@example.com' }])
        assert.deepEqual(
          res.json().map((r: { code: number }) => r.code),
          [204, 204],
        )
        assert.deepEqual((await c.get('customers', 'twin')).json(), { id: 'twin', email: 'second@example.com' })
      })

      it('refuses a body that is not an array, or text the store cannot hold, and writes nothing', async () => {
        const c = await client('dirbody')
        assertError(await c.put('customers', { id: 'x' }), 400)
        assertError(await t.call({ method: 'PUT', url: c.url('customers'), token: await t.token({ tenant: c.tenant }) }), 400)
        assertError(await c.put('customers', [{ id: 'ok' }, { id: 'nul', email: 'a\u0000b' }]), 400)
        assertError(await c.get('customers', 'ok'), 404)
        const empty = await c.put('customers', [])
        assert.equal(empty.statusCode, 207)
        assert.deepEqual(empty.json(), [])
      })

      it('refuses invalid ids in the path', async () => {
        const c = await client('dirpath')
        assertError(await t.call({ method: 'GET', url: `${c.url('customers')}/a%20b`, token: await t.token({ tenant: c.tenant }) }), 400)
        assertError(await c.get('customers', 'x'.repeat(256)), 400)
      })
    })

    describe('limits', () => {
      it('takes 1000 entries in one request', async () => {
        const c = await client('dirmax')
        const entries = Array.from({ length: 1000 }, (_, i) => ({ id: `c${i}`, email: `c${i}@example.com` }))
        const res = await c.put('customers', entries)
        assert.equal(res.statusCode, 207)
        const results = res.json()
        assert.equal(results.length, 1000)
        assert.deepEqual(results[999], { index: 1000, id: 'c999', code: 204, status: 'OK' })
        assert.deepEqual((await c.get('customers', 'c999')).json(), { id: 'c999', email: 'c999@example.com' })
        const stored = await t.database.db.selectFrom('directory_customer').select((eb) => eb.fn.countAll().as('n')).where('tenant', '=', c.tenant).executeTakeFirst()
        assert.equal(Number(stored?.n), 1000)
      })

      it('refuses 1001 entries with a 400 naming the limit, and writes none of them', async () => {
        const c = await client('dirover')
        const entries = Array.from({ length: 1001 }, (_, i) => entry(`c${i}`))
        const body = assertError(await c.put('customers', entries), 400)
        assert.match(body.message, /\b1000\b/)
        assertError(await c.get('customers', 'c0'), 404)
      })
    })

    describe('routes', () => {
      it('answers 404 for a kind it does not know', async () => {
        const c = await client('dirkind')
        assertError(await c.put('suppliers', [entry('s1')]), 404)
        assertError(await c.get('suppliers', 's1'), 404)
        assertError(await c.del('suppliers', 's1'), 404)
        assertError(await c.get('customer', 's1'), 404)
      })

      it('needs a token with customersegment.segment_manage', async () => {
        const c = await client('dirauth')
        assert.equal((await c.put('customers', [entry('c1')])).statusCode, 207)
        const noToken = (options: { method: 'PUT' | 'GET' | 'DELETE'; url: string; payload?: object }) => t.call({ ...options, token: null })
        assertError(await noToken({ method: 'PUT', url: c.url('customers'), payload: [entry('c2')] }), 401)
        assertError(await noToken({ method: 'GET', url: c.url('customers', 'c1') }), 401)
        assertError(await noToken({ method: 'DELETE', url: c.url('customers', 'c1') }), 401)

        for (const scopes of [[SCOPES.segmentRead], [SCOPES.segmentReadOwn], [SCOPES.webhookManage]]) {
          const token = await t.token({ tenant: c.tenant, scopes })
          assertError(await c.put('customers', [entry('c2')], token), 403, MESSAGES.forbidden)
          assertError(await c.get('customers', 'c1', token), 403, MESSAGES.forbidden)
          assertError(await c.del('customers', 'c1', token), 403, MESSAGES.forbidden)
        }
        assert.equal((await c.get('customers', 'c1')).statusCode, 200)
        assertError(await c.get('customers', 'c2'), 404)
      })

      it('keeps tenants apart: own path only, and the same id in two tenants is two entries', async () => {
        const a = await client('dirtena')
        const b = await client('dirtenb')
        await a.put('customers', [{ id: 'same', email: 'a@example.com' }])
        await b.put('customers', [{ id: 'same', email: 'b@example.com' }])
        assert.deepEqual((await a.get('customers', 'same')).json(), { id: 'same', email: 'a@example.com' })
        assert.deepEqual((await b.get('customers', 'same')).json(), { id: 'same', email: 'b@example.com' })

        const bToken = await t.token({ tenant: b.tenant, scopes: [SCOPES.segmentManage] })
        assertError(await a.get('customers', 'same', bToken), 403, MESSAGES.forbidden)
        assertError(await a.put('customers', [{ id: 'same' }], bToken), 403, MESSAGES.forbidden)
        assertError(await a.del('customers', 'same', bToken), 403, MESSAGES.forbidden)

        assert.equal((await b.del('customers', 'same')).statusCode, 204)
        assertError(await b.get('customers', 'same'), 404)
        assert.deepEqual((await a.get('customers', 'same')).json(), { id: 'same', email: 'a@example.com' })
      })
    })
  })
}

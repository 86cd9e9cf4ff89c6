/**
 * Listing and searching segments: every `q` feature, paging, sort, `fields`, X-Total-Count and
 * Accept-Language, over a fixed data set; bad q / sort / paging are 400s naming the problem.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ENGINES, siblingApp, startTestApp, type TestApp } from './support/harness.js'
import { assertError, EXAMPLES, freshTenant, type Response, type TenantClient, tenantClient } from './support/segment-helpers.js'

/** The data set: six segments with known names, sites, statuses, validity, mixins, versions and creation times. */
const DATA = [
  {
    id: 's01',
    name: { en: 'Gold', de: 'Gold DE' },
    description: { en: 'Best customers' },
    siteCode: 'main',
    status: 'ACTIVE',
    validity: { from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' },
    mixins: { attrs: { tier: 'gold', score: 10, tags: ['vip', 'eu'] } },
  },
  {
    id: 's02',
    name: { en: 'Golden Age', de: 'Goldenes Alter' },
    siteCode: 'main',
    status: 'INACTIVE',
    validity: { from: '2024-06-01T00:00:00Z' },
    mixins: { attrs: { tier: 'silver', score: 5 } },
  },
  { id: 's03', name: { en: 'Silver Club', fr: 'Club Argent' }, description: { de: 'Silber' }, siteCode: 'outlet', status: 'ACTIVE', mixins: { attrs: { score: '7' } } },
  { id: 's04', name: { en: 'Bronze', 'fr-CH': 'Bronze CH' }, siteCode: 'outlet', status: 'INACTIVE', mixins: { attrs: { tier: null } } },
  { id: 's05', name: { de: 'Nur Deutsch' }, siteCode: 'main', status: 'ACTIVE', validity: { to: '2030-01-01T00:00:00Z' } },
  { id: 's06', name: { en: 'Platinum', de: 'Platin' }, siteCode: 'b2b', status: 'INACTIVE' },
]
const ALL = DATA.map((s) => s.id)
const CREATED_AT = ['2024-05-18T07:27:27.455Z', '2024-05-19T07:27:27.455Z', '2024-05-20T07:27:27.455Z', '2024-05-21T00:00:00.000Z', '2024-05-22T00:00:00.000Z', '2024-05-23T00:00:00.000Z']

const ids = (res: Response) => {
  assert.equal(res.statusCode, 200, res.body)
  return (res.json() as { id: string }[]).map((s) => s.id)
}

for (const engine of ENGINES) {
  describe(`segments query on ${engine}`, () => {
    let t: TestApp
    let c: TenantClient
    before(async () => {
      t = await startTestApp(engine)
      c = await tenantClient(t, freshTenant('query'))
      for (const segment of DATA) await c.create(segment)
      // s01 ends at version 3, s03 at version 2.
      for (const ops of [[{ op: 'add', path: '/mixins/attrs/x', value: 1 }], [{ op: 'remove', path: '/mixins/attrs/x' }]]) {
        assert.equal((await c.call({ method: 'PATCH', url: c.url('/s01'), payload: ops })).statusCode, 204)
      }
      assert.equal((await c.call({ method: 'PATCH', url: c.url('/s03'), payload: [{ op: 'add', path: '/mixins/attrs/y', value: 1 }] })).statusCode, 204)
      for (const [i, id] of ALL.entries()) {
        await t.database.db.updateTable('segment').set({ created_at: new Date(CREATED_AT[i]) }).where('tenant', '=', c.tenant).where('id', '=', id).execute()
      }
    })
    after(() => t.close())

    const list = (query: string, headers?: Record<string, string>) => c.call({ method: 'GET', url: `${c.url()}${query}`, headers })
    const search = (body: unknown, query = '', headers?: Record<string, string>) =>
      c.call({ method: 'POST', url: `${c.url('/search')}${query}`, payload: body as object, headers })
    const q = (expression: string) => list(`?q=${encodeURIComponent(expression)}`)

    describe('list and search', () => {
      it('lists every segment of the tenant, in full, ordered by id by default', async () => {
        const res = await list('')
        assert.deepEqual(ids(res), ALL)
        const s01 = res.json()[0]
        assert.deepEqual(Object.keys(s01).sort(), ['description', 'id', 'metadata', 'mixins', 'name', 'siteCode', 'status', 'validity'])
        assert.equal(s01.metadata.version, 3)
        assert.equal(s01.metadata.createdAt, CREATED_AT[0])
      })

      it('answers the SegmentsSearch example with the main-site segments', async () => {
        const res = await search(EXAMPLES.SegmentsSearch)
        assert.equal(res.statusCode, 200)
        assert.deepEqual(ids(res), ['s01', 's02', 's05'])
        assert.deepEqual(ids(await q('siteCode:main')), ['s01', 's02', 's05'])
      })

      it('searches everything with an empty body or an empty q', async () => {
        assert.deepEqual(ids(await search({})), ALL)
        assert.deepEqual(ids(await search({ q: '' })), ALL)
        assert.deepEqual(ids(await q('   ')), ALL)
      })

      it('never shows another tenant’s segments', async () => {
        const other = await tenantClient(t, freshTenant('otherq'))
        await other.create({ id: 'o1', name: { en: 'Gold' }, siteCode: 'main' })
        assert.deepEqual(ids(await other.call({ method: 'GET', url: other.url() })), ['o1'])
        assert.deepEqual(ids(await q('name.en:Gold')), ['s01'])
        assert.deepEqual(ids(await other.call({ method: 'POST', url: other.url('/search'), payload: { q: 'siteCode:main' } })), ['o1'])
      })
    })

    describe('q', () => {
      const cases: [string, string[]][] = [
        // exact matches
        ['status:ACTIVE', ['s01', 's03', 's05']],
        ['id:s03', ['s03']],
        ['siteCode:b2b', ['s06']],
        ['name.en:Gold', ['s01']],
        ['name.de:"Goldenes Alter"', ['s02']],
        ['name.fr-CH:"Bronze CH"', ['s04']],
        ['description.de:Silber', ['s03']],
        ['siteCode:nowhere', []],
        // numbers
        ['metadata.version:1', ['s02', 's04', 's05', 's06']],
        ['metadata.version:>1', ['s01', 's03']],
        ['metadata.version:>=3', ['s01']],
        ['metadata.version:<2', ['s02', 's04', 's05', 's06']],
        ['metadata.version:<=2', ['s02', 's03', 's04', 's05', 's06']],
        ['metadata.version:(>=2 AND <=2)', ['s03']],
        ['metadata.version:(>1 AND <3)', ['s03']],
        // dates, quoted
        ['metadata.createdAt:(>="2024-05-18T07:27:27.455Z" AND <"2024-05-20T07:27:27.455Z")', ['s01', 's02']],
        ['metadata.createdAt:"2024-05-21T00:00:00.000Z"', ['s04']],
        ['metadata.createdAt:>"2024-05-22T00:00:00Z"', ['s06']],
        ['validity.from:>="2024-03-01T00:00:00Z"', ['s02']],
        ['validity.to:<"2026-01-01T00:00:00Z"', ['s01']],
        ['validity.from:<="2024-01-01T00:00:00.000Z"', ['s01']],
        ['validity.from:<"2024-01-01"', []],
        // null, exists, missing
        ['validity.from:null', ['s03', 's04', 's05', 's06']],
        ['validity.from:exists', ['s01', 's02']],
        ['validity.to:missing', ['s02', 's03', 's04', 's06']],
        ['description.en:null', ['s02', 's03', 's04', 's05', 's06']],
        ['description.de:exists', ['s03']],
        ['name.en:missing', ['s05']],
        ['mixins.attrs.tier:exists', ['s01', 's02']],
        ['mixins.attrs.tier:missing', ['s03', 's04', 's05', 's06']],
        ['mixins.attrs.tier:null', ['s03', 's04', 's05', 's06']],
        ['mixins.attrs:null', ['s05', 's06']],
        // IN lists
        ['id:(s01,s03,s05)', ['s01', 's03', 's05']],
        ['siteCode:(outlet,b2b)', ['s03', 's04', 's06']],
        ['status:(ACTIVE,INACTIVE)', ALL],
        ['name.en:("Golden Age",Platinum)', ['s02', 's06']],
        // regex
        ['name.en:~^Gold', ['s01', 's02']],
        ['name.en:~(Silver Club)', ['s03']],
        ['name.en:(~ze$)', ['s04']],
        ['id:~s0[12]', ['s01', 's02']],
        ['name.en:~gold', []],
        // several terms: AND
        ['siteCode:main status:ACTIVE', ['s01', 's05']],
        ['siteCode:main status:ACTIVE name.en:Gold', ['s01']],
        ['siteCode:outlet   status:INACTIVE', ['s04']],
        ['siteCode:main siteCode:outlet', []],
        // mixins
        ['mixins.attrs.tier:gold', ['s01']],
        ['mixins.attrs.score:>6', ['s01']],
        ['mixins.attrs.score:7', ['s03']],
        ['mixins.attrs.score:"7"', ['s03']],
        ['mixins.attrs.score:(5,10)', ['s01', 's02']],
        ['mixins.attrs.tags:vip', ['s01']],
        ['mixins.attrs.tier:~^s', ['s02']],
      ]
      for (const [expression, expected] of cases) {
        it(`q=${expression}`, async () => {
          assert.deepEqual(ids(await q(expression)), expected)
        })
      }

      it('answers the same through POST /search', async () => {
        for (const [expression, expected] of cases.slice(0, 12)) {
          assert.deepEqual(ids(await search({ q: expression })), expected, expression)
        }
      })

      const bad: [string, RegExp][] = [
        ['color:red', /Unknown field 'color'/],
        ['metadata.color:red', /Unknown field 'metadata.color'/],
        ['siteCode', /Expected ':'/],
        ['siteCode:', /Missing value/],
        ['siteCode:(main,outlet', /Missing '\)'/],
        ['siteCode:main,outlet', /position/],
        ['siteCode:()', /Empty parentheses/],
        ['status:DRAFT', /DRAFT/],
        ['status:>ACTIVE', /not supported/],
        ['metadata.version:abc', /abc/],
        ['metadata.version:~1', /Regex is not supported/],
        ['metadata.createdAt:>"yesterday"', /yesterday/],
        ['metadata.createdAt:"2024-02-30T00:00:00Z"', /2024-02-30/],
        ['name:Gold', /needs a language/],
        ['mixins:x', /needs a path/],
        ['name.en:~[', /regex/i],
        ['name.en:"unterminated', /Unterminated/],
        ['metadata.version:(>=1 OR <=2)', /AND/],
        [':main', /field name/],
        ['name..en:x', /empty path segment/],
        [`mixins.${Array(40).fill('k').join('.')}:1`, /at most/],
      ]
      for (const [expression, message] of bad) {
        it(`refuses q=${expression.slice(0, 60)} with a 400 naming the problem`, async () => {
          const body = assertError(await q(expression), 400, message)
          assert.match(body.message, /^Invalid q: /)
          assert.equal(body.details.field, 'q')
          assertError(await search({ q: expression }), 400, message)
        })
      }

      it('refuses a q longer than 10 000 characters', async () => {
        const long = `siteCode:${'x'.repeat(10_000)}`
        assertError(await search({ q: long }), 400)
        assertError(await q(long), 400)
      })

      it('refuses q as a query parameter of /search, and unknown search body fields', async () => {
        assertError(await search({}, '?q=siteCode:main'), 400)
        assertError(await search({ q: 'siteCode:main', sort: 'id' }), 400)
        assertError(await search({ q: 42 }), 400)
      })
    })

    describe('paging', () => {
      it('pages from 1 in id order, without gaps or repeats', async () => {
        assert.deepEqual(ids(await list('?pageSize=2')), ['s01', 's02'])
        assert.deepEqual(ids(await list('?pageSize=2&pageNumber=1')), ['s01', 's02'])
        assert.deepEqual(ids(await list('?pageSize=2&pageNumber=2')), ['s03', 's04'])
        assert.deepEqual(ids(await list('?pageSize=2&pageNumber=3')), ['s05', 's06'])
        assert.deepEqual(ids(await list('?pageSize=2&pageNumber=4')), [])
        assert.deepEqual(ids(await list('?pageSize=4&pageNumber=2')), ['s05', 's06'])
        assert.deepEqual(ids(await list('?pageSize=1000')), ALL)
        assert.deepEqual(ids(await list('?pageSize=&pageNumber=')), ALL)
      })

      it('pages a sorted, filtered search', async () => {
        assert.deepEqual(ids(await search({ q: 'siteCode:main' }, '?pageSize=2&pageNumber=1&sort=id:desc')), ['s05', 's02'])
        assert.deepEqual(ids(await search({ q: 'siteCode:main' }, '?pageSize=2&pageNumber=2&sort=id:desc')), ['s01'])
      })

      it('returns 60 per page by default', async () => {
        const big = await tenantClient(t, freshTenant('paging'))
        const items = Array.from({ length: 65 }, (_, i) => ({ id: `p${String(i).padStart(2, '0')}`, name: { en: 'P' }, siteCode: 'main' }))
        const created = await big.call({ method: 'POST', url: big.url('/bulk'), payload: items })
        assert.equal(created.statusCode, 207)
        const first = ids(await big.call({ method: 'GET', url: big.url() }))
        assert.equal(first.length, 60)
        assert.deepEqual(first, items.slice(0, 60).map((i) => i.id))
        assert.deepEqual(ids(await big.call({ method: 'GET', url: big.url('?pageNumber=2') })), items.slice(60).map((i) => i.id))
      })

      for (const [query, field] of [
        ['pageSize=0', 'pageSize'],
        ['pageSize=1001', 'pageSize'],
        ['pageSize=-1', 'pageSize'],
        ['pageSize=1.5', 'pageSize'],
        ['pageSize=abc', 'pageSize'],
        ['pageSize=1e2', 'pageSize'],
        ['pageSize=%205', 'pageSize'],
        ['pageNumber=0', 'pageNumber'],
        ['pageNumber=-2', 'pageNumber'],
        ['pageNumber=two', 'pageNumber'],
        ['pageNumber=99999999999999999999', 'pageNumber'],
      ]) {
        it(`refuses ${query} with a 400 naming ${field}`, async () => {
          const body = assertError(await list(`?${query}`), 400, new RegExp(field))
          assert.equal(body.details.field, field)
          assertError(await search({}, `?${query}`), 400, new RegExp(field))
        })
      }
    })

    describe('sort', () => {
      const sorted: [string, string[], Record<string, string>?][] = [
        ['id:desc', [...ALL].reverse()],
        ['id:DESC', [...ALL].reverse()],
        ['id:asc', ALL],
        ['id:sideways', ALL],
        ['name.en', ['s04', 's01', 's02', 's06', 's03', 's05']],
        ['name.en:desc', ['s05', 's03', 's06', 's02', 's01', 's04']],
        ['siteCode,metadata.version:desc', ['s06', 's01', 's02', 's05', 's03', 's04']],
        ['status:desc,siteCode:desc', ['s04', 's02', 's06', 's03', 's01', 's05']],
        ['metadata.createdAt:desc', [...ALL].reverse()],
        ['validity.from', ['s01', 's02', 's03', 's04', 's05', 's06']],
        // A name without a language sorts by the entry each response shows: the reader's language, else
        // the default language (en), else the first key.
        ['name', ['s04', 's01', 's02', 's05', 's06', 's03']],
        ['name', ['s04', 's01', 's02', 's05', 's06', 's03'], { 'accept-language': '*' }],
        ['name', ['s04', 's01', 's02', 's05', 's06', 's03'], { 'accept-language': 'de' }],
        ['name', ['s04', 's03', 's01', 's02', 's05', 's06'], { 'accept-language': 'fr-CH' }],
        ['name.en', ['s04', 's01', 's02', 's06', 's03', 's05'], { 'accept-language': 'de' }],
        ['name:desc', ['s03', 's06', 's05', 's02', 's01', 's04'], { 'accept-language': 'en-GB;q=0.1, en;q=0.9' }],
      ]
      for (const [sort, expected, headers] of sorted) {
        it(`sort=${sort}${headers ? ` (Accept-Language: ${headers['accept-language']})` : ''}`, async () => {
          assert.deepEqual(ids(await list(`?sort=${encodeURIComponent(sort)}`, headers)), expected)
        })
      }

      for (const [sort, message] of [
        ['color', /Unknown field 'color'/],
        ['name.en.x', /Unknown field 'name.en.x'/],
        ['mixins', /needs a path/],
        [':desc', /Missing field name/],
        ['x'.repeat(1001), /.+/],
      ] as [string, RegExp][]) {
        it(`refuses sort=${sort.slice(0, 20)} with a 400 naming the problem`, async () => {
          const body = assertError(await list(`?sort=${encodeURIComponent(sort)}`), 400, message)
          assert.equal(body.details.field, 'sort')
          assertError(await search({}, `?sort=${encodeURIComponent(sort)}`), 400, message)
        })
      }
    })

    describe('fields', () => {
      it('keeps only the named fields, plus id', async () => {
        const res = await list('?fields=name')
        assert.deepEqual(res.json()[0], { id: 's01', name: { en: 'Gold', de: 'Gold DE' } })
        assert.ok(res.json().every((s: object) => Object.keys(s).join() === 'id,name'))
      })

      it('narrows into nested objects, and leaves out paths that a segment does not have', async () => {
        const res = await list('?fields=name.en,metadata.version&q=id:(s01,s05)')
        assert.deepEqual(res.json(), [
          { id: 's01', name: { en: 'Gold' }, metadata: { version: 3 } },
          { id: 's05', metadata: { version: 1 } },
        ])
        assert.deepEqual((await list('?fields=doesNotExist&q=id:s02')).json(), [{ id: 's02' }])
        assert.deepEqual((await list('?fields=id&q=id:s02')).json(), [{ id: 's02' }])
      })

      it('projects search results and single reads too', async () => {
        assert.deepEqual((await search({ q: 'id:s03' }, '?fields=status,siteCode')).json(), [{ id: 's03', status: 'ACTIVE', siteCode: 'outlet' }])
        const one = await c.call({ method: 'GET', url: c.url('/s01?fields=mixins.attrs.tier,validity') })
        assert.deepEqual(one.json(), { id: 's01', validity: { from: '2024-01-01T00:00:00.000Z', to: '2025-01-01T00:00:00.000Z' }, mixins: { attrs: { tier: 'gold' } } })
      })
    })

    describe('X-Total-Count', () => {
      it('returns the number of all matches in X-Total-Count when asked, whatever the page', async () => {
        const res = await list('?q=siteCode:main&pageSize=1', { 'x-total-count': 'true' })
        assert.deepEqual(ids(res), ['s01'])
        assert.equal(res.headers['x-total-count'], '3')
        const all = await list('', { 'x-total-count': 'true' })
        assert.equal(all.headers['x-total-count'], '6')
        const none = await list('?q=siteCode:nowhere', { 'x-total-count': 'true' })
        assert.equal(none.headers['x-total-count'], '0')
        const beyond = await list('?pageNumber=9', { 'x-total-count': 'true' })
        assert.deepEqual(ids(beyond), [])
        assert.equal(beyond.headers['x-total-count'], '6')
      })

      it('sends no X-Total-Count unless asked', async () => {
        assert.equal((await list('')).headers['x-total-count'], undefined)
        assert.equal((await list('', { 'x-total-count': 'false' })).headers['x-total-count'], undefined)
        assert.equal((await search({ q: 'siteCode:main' })).headers['x-total-count'], undefined)
      })

      it('counts search matches too', async () => {
        const res = await search({ q: 'status:ACTIVE' }, '?pageSize=2', { 'x-total-count': 'true' })
        assert.equal(res.json().length, 2)
        assert.equal(res.headers['x-total-count'], '3')
      })
    })

    describe('Accept-Language', () => {
      const names = async (headers: Record<string, string>, query = '') => {
        const res = await list(query, headers)
        assert.equal(res.statusCode, 200)
        return Object.fromEntries(res.json().map((s: any) => [s.id, s.name]))
      }

      it('returns maps without the header or with *', async () => {
        for (const headers of [{}, { 'accept-language': '*' }] as Record<string, string>[]) {
          const byId = await names(headers)
          assert.deepEqual(byId.s01, { en: 'Gold', de: 'Gold DE' })
          assert.deepEqual(byId.s05, { de: 'Nur Deutsch' })
        }
      })

      it('returns a map of the one entry in the preferred language, falling back to the default language (en)', async () => {
        const byId = await names({ 'accept-language': 'de' })
        assert.deepEqual(byId.s01, { de: 'Gold DE' })
        assert.deepEqual(byId.s05, { de: 'Nur Deutsch' })
        assert.deepEqual(byId.s06, { de: 'Platin' })
        assert.deepEqual(byId.s03, { en: 'Silver Club' }, 'no de: the default language, not the first key (fr)')
        assert.deepEqual(byId.s04, { en: 'Bronze' })
      })

      it('falls back from a regional tag to its language and from a language to its region', async () => {
        let byId = await names({ 'accept-language': 'fr-CH' })
        assert.deepEqual(byId.s03, { fr: 'Club Argent' })
        assert.deepEqual(byId.s04, { 'fr-CH': 'Bronze CH' })
        byId = await names({ 'accept-language': 'fr' })
        assert.deepEqual(byId.s04, { 'fr-CH': 'Bronze CH' }, 'fr is served by the only French entry')
        byId = await names({ 'accept-language': 'de-AT' })
        assert.deepEqual(byId.s01, { de: 'Gold DE' })
      })

      it('follows priority lists and q-factors, as browsers send them', async () => {
        let byId = await names({ 'accept-language': 'fr-CH, fr;q=0.9, en;q=0.8' })
        assert.deepEqual(byId.s01, { en: 'Gold' })
        assert.deepEqual(byId.s03, { fr: 'Club Argent' })
        byId = await names({ 'accept-language': 'en;q=0.2, de;q=0.9' })
        assert.deepEqual(byId.s01, { de: 'Gold DE' })
        assert.deepEqual(byId.s03, { en: 'Silver Club' })
        byId = await names({ 'accept-language': 'en-US,en;q=0.9' })
        assert.deepEqual(byId.s02, { en: 'Golden Age' })
        assert.deepEqual(byId.s05, { de: 'Nur Deutsch' }, 'neither en nor the default: the only entry')
      })

      it('takes the default language from the setting, then the first key in sort order', async () => {
        const other = await siblingApp(t, { defaultLanguage: 'de' })
        try {
          const sibling = await tenantClient(other, c.tenant)
          const read = async (url: string, headers: Record<string, string>) => {
            const res = await sibling.call({ method: 'GET', url: sibling.url(url), headers })
            assert.equal(res.statusCode, 200, res.body)
            return res.json()
          }
          const byId = Object.fromEntries((await read('', { 'accept-language': 'it' })).map((s: any) => [s.id, s.name]))
          assert.deepEqual(byId.s01, { de: 'Gold DE' })
          assert.deepEqual(byId.s03, { en: 'Silver Club' }, 'neither it nor de: the first key (en before fr)')
          assert.deepEqual(byId.s04, { en: 'Bronze' }, "en before fr-CH")
          assert.deepEqual((await read('/s01', { 'accept-language': 'en' })).name, { en: 'Gold' }, 'a requested language beats the default')
          assert.deepEqual((await read('/s01', {})).name, { en: 'Gold', de: 'Gold DE' }, 'no header: every entry')
          const sorted = (await read('?sort=name&fields=id', {})).map((s: any) => s.id)
          assert.deepEqual(sorted, ['s04', 's01', 's02', 's05', 's06', 's03'])
        } finally {
          await other.close()
        }
      })

      it('localizes descriptions, single reads, search results and projections', async () => {
        const one = await c.call({ method: 'GET', url: c.url('/s01'), headers: { 'accept-language': 'de' } })
        assert.deepEqual(one.json().name, { de: 'Gold DE' })
        assert.deepEqual(one.json().description, { en: 'Best customers' })
        const found = await search({ q: 'id:s02' }, '?fields=name', { 'accept-language': 'en' })
        assert.deepEqual(found.json(), [{ id: 's02', name: { en: 'Golden Age' } }])
        const entry = await search({ q: 'id:s02' }, '?fields=name.de,description', { 'accept-language': 'de-CH' })
        assert.deepEqual(entry.json(), [{ id: 's02', name: { de: 'Goldenes Alter' } }])
        const all = await list('?q=id:s03&fields=name.fr', { 'accept-language': '*' })
        assert.deepEqual(all.json(), [{ id: 's03', name: { fr: 'Club Argent' } }])
      })
    })
  })
}

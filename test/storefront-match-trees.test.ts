/**
 * The storefront's item questions: `POST /segments/match` (products assigned directly, through an
 * assigned category, or through an assigned ancestor of one of their categories; only effective segments
 * of the site; request order, no duplicates) and `GET /segments/items/category-trees` (assigned categories
 * of effective segments plus all their ancestors, nested by position, `isSegmentAssigned`, directory
 * fields). Both under a customer's view, and with category parent cycles in the directory.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { SCOPES } from '../src/auth/principal.js'
import { ASSIGNMENT_EXAMPLES as EX, assignCustomer, assignItem, customerClient, feedDirectory, SEGMENTS, segment } from './support/assignment-helpers.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { assertError, freshTenant, type TenantClient, tenantClient } from './support/segment-helpers.js'

/**
 * tools (2) ─┬─ hand (1) ── hammers (0)
 *            └─ power (0)
 * garden (1)
 * orphan → parent "lost" (not in the directory)
 * cyc-a ⇄ cyc-b (a parent cycle), self → self
 */
const CATEGORIES = [
  {
    id: 'tools',
    code: 'TOOLS',
    name: { en: 'Tools', de: 'Werkzeuge' },
    description: { en: 'All tools', de: 'Alle Werkzeuge' },
    slug: { en: 'tools', de: 'werkzeuge' },
    ecn: ['ECN-T'],
    validity: { from: '2024-04-17T08:00:00.000Z', to: '2026-04-17T08:00:00.000Z' },
    position: 2,
    published: true,
  },
  { id: 'hand', parentId: 'tools', code: 'HAND', name: { en: 'Hand tools' }, position: 1, published: true },
  { id: 'hammers', parentId: 'hand', code: 'HAM', name: { en: 'Hammers', de: 'Hämmer' }, position: 0, published: false },
  { id: 'power', parentId: 'tools', code: 'POW', name: { en: 'Power tools' }, position: 0 },
  { id: 'garden', code: 'GAR', name: { en: 'Garden' }, position: 1, published: true },
  { id: 'orphan', parentId: 'lost', code: 'ORP', name: { en: 'Orphan' } },
  { id: 'cyc-a', parentId: 'cyc-b', code: 'CA', name: { en: 'Cycle A' } },
  { id: 'cyc-b', parentId: 'cyc-a', code: 'CB', name: { en: 'Cycle B' } },
  { id: 'self', parentId: 'self', code: 'SELF', name: { en: 'Self' } },
]

const PRODUCTS = [
  { id: 'p-direct' },
  { id: 'p-hammer', categoryIds: ['hammers'] },
  { id: 'p-power', categoryIds: ['power'] },
  { id: 'p-garden', categoryIds: ['garden'] },
  { id: 'p-multi', categoryIds: ['hammers', 'garden'] },
  { id: 'p-none' },
  { id: 'p-cyc', categoryIds: ['cyc-a'] },
  { id: 'p-self', categoryIds: ['self'] },
  { id: 'p-orphan', categoryIds: ['orphan'] },
  { id: 'p-unlisted-cat', categoryIds: ['not-in-directory'] },
]

type TreeNode = { id: string; isSegmentAssigned: boolean; subcategories?: TreeNode[]; [key: string]: unknown }

/** A tree as `id*` (assigned) / `id`, with children in order: for comparing shapes. */
function shape(nodes: TreeNode[]): unknown[] {
  return nodes.map((n) => {
    const label = `${n.id}${n.isSegmentAssigned ? '*' : ''}`
    const children = n.subcategories ?? []
    return children.length > 0 ? { [label]: shape(children) } : label
  })
}

function flatten(nodes: TreeNode[]): TreeNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.subcategories ?? [])])
}

for (const engine of ENGINES) {
  describe(`match and category trees on ${engine}`, () => {
    let t: TestApp
    let c: TenantClient
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    /** A tenant with the directory above and segments of every kind of effectiveness. */
    const setup = async (prefix: string) => {
      c = await tenantClient(t, freshTenant(prefix))
      await feedDirectory(c, 'categories', CATEGORIES)
      await feedDirectory(c, 'products', PRODUCTS)
      await segment(c, 'act', SEGMENTS.active())
      await segment(c, 'win', SEGMENTS.activeWindow())
      await segment(c, 'off', SEGMENTS.inactive())
      await segment(c, 'old', SEGMENTS.expired())
      await segment(c, 'next', SEGMENTS.future())
      await segment(c, 'far', SEGMENTS.active('other'))
      return c
    }
    const ALL_SEGMENTS = ['act', 'win', 'off', 'old', 'next', 'far']
    const ALL_PRODUCTS = PRODUCTS.map((p) => p.id)

    const match = async (body: Record<string, unknown>, client: TenantClient = c) => {
      const res = await client.call({ method: 'POST', url: client.url('/match'), payload: body })
      assert.equal(res.statusCode, 200, res.body)
      const list = res.json() as { id: string }[]
      for (const item of list) assert.deepEqual(Object.keys(item), ['id'])
      return list.map((item) => item.id)
    }
    const trees = async (query = '', client: TenantClient = c, headers?: Record<string, string>) => {
      const res = await client.call({ method: 'GET', url: client.url(`/items/category-trees${query}`), headers })
      assert.equal(res.statusCode, 200, res.body)
      return res.json() as TreeNode[]
    }

    describe('segments/match', () => {
      it('matches products assigned directly, in request order, without duplicates', async () => {
        await setup('direct')
        await assignItem(c, 'act', 'PRODUCT', 'p-direct')
        await assignItem(c, 'act', 'PRODUCT', 'p-none')
        assert.deepEqual(await match({ siteCode: 'main', items: [{ id: 'p-none' }, { id: 'p-garden' }, { id: 'p-direct' }, { id: 'p-none' }], segmentIds: ['act'] }), [
          'p-none',
          'p-direct',
        ])
        assert.deepEqual(await match({ siteCode: 'main', items: [{ id: 'p-direct' }], segmentIds: ['act', 'act', 'win'] }), ['p-direct'])
        // Ids are case-sensitive; a product need not be in the directory to match directly.
        await assignItem(c, 'act', 'PRODUCT', 'not-in-directory')
        assert.deepEqual(await match({ siteCode: 'main', items: [{ id: 'P-DIRECT' }, { id: 'not-in-directory' }], segmentIds: ['act'] }), ['not-in-directory'])
      })

      it('matches products through an assigned category and through any assigned ancestor of their categories', async () => {
        await setup('viacat')
        await assignItem(c, 'act', 'CATEGORY', 'hammers')
        await assignItem(c, 'win', 'CATEGORY', 'tools')
        await assignItem(c, 'far', 'CATEGORY', 'garden')
        const items = ALL_PRODUCTS.map((id) => ({ id }))
        assert.deepEqual(await match({ siteCode: 'main', items, segmentIds: ['act'] }), ['p-hammer', 'p-multi'])
        // tools is an ancestor of hammers (via hand) and of power.
        assert.deepEqual(await match({ siteCode: 'main', items, segmentIds: ['win'] }), ['p-hammer', 'p-power', 'p-multi'])
        assert.deepEqual(await match({ siteCode: 'main', items, segmentIds: ['act', 'win'] }), ['p-hammer', 'p-power', 'p-multi'])
        // A sub-category's assignment does not cover its parent's other products.
        await assignItem(c, 'act', 'CATEGORY', 'hand')
        assert.deepEqual(await match({ siteCode: 'main', items: [{ id: 'p-power' }, { id: 'p-hammer' }], segmentIds: ['act'] }), ['p-hammer'])
        // A product's categories are read at match time.
        await feedDirectory(c, 'products', [{ id: 'p-none', categoryIds: ['power'] }])
        assert.deepEqual(await match({ siteCode: 'main', items: [{ id: 'p-none' }], segmentIds: ['win'] }), ['p-none'])
      })

      it('counts only effective segments of the requested site, and only the requested segments', async () => {
        await setup('effective')
        for (const id of ALL_SEGMENTS) await assignItem(c, id, 'PRODUCT', `p-${id}`)
        await assignItem(c, 'off', 'CATEGORY', 'garden')
        await assignItem(c, 'old', 'CATEGORY', 'hammers')
        await assignItem(c, 'next', 'CATEGORY', 'power')
        await assignItem(c, 'far', 'CATEGORY', 'tools')
        const items = [...ALL_SEGMENTS.map((id) => ({ id: `p-${id}` })), ...ALL_PRODUCTS.map((id) => ({ id }))]
        assert.deepEqual(await match({ siteCode: 'main', items, segmentIds: ALL_SEGMENTS }), ['p-act', 'p-win'])
        assert.deepEqual(await match({ siteCode: 'other', items, segmentIds: ALL_SEGMENTS }), ['p-far', 'p-hammer', 'p-power', 'p-multi'])
        assert.deepEqual(await match({ siteCode: 'main', items, segmentIds: ['off', 'old', 'next', 'far'] }), [])
        assert.deepEqual(await match({ siteCode: 'main', items, segmentIds: ['win'] }), ['p-win'])
        assert.deepEqual(await match({ siteCode: 'nosuchsite', items, segmentIds: ALL_SEGMENTS }), [])
        // A segment switched off stops matching at once.
        const off = await c.call({ method: 'PATCH', url: c.url('/act'), payload: [{ op: 'replace', path: '/status', value: 'INACTIVE' }] })
        assert.equal(off.statusCode, 204, off.body)
        assert.deepEqual(await match({ siteCode: 'main', items, segmentIds: ALL_SEGMENTS }), ['p-win'])
      })

      it('answers [] for nothing to match; the contract example (unknown segments) too', async () => {
        await setup('empty')
        await assignItem(c, 'act', 'PRODUCT', 'p-direct')
        assert.deepEqual(await match({ siteCode: 'main', items: [], segmentIds: ['act'] }), [])
        assert.deepEqual(await match({ siteCode: 'main', items: [{ id: 'p-direct' }], segmentIds: [] }), [])
        assert.deepEqual(await match({ siteCode: 'main', items: [{ id: 'p-direct' }], segmentIds: ['ghost'] }), [])
        assert.deepEqual(await match(EX.Match as unknown as Record<string, unknown>), [])
        // The contract's schema calls the site `site`; that spelling is taken too.
        assert.deepEqual(await match({ site: 'main', items: [{ id: 'p-direct' }], segmentIds: ['act'] }), await match({ siteCode: 'main', items: [{ id: 'p-direct' }], segmentIds: ['act'] }))
      })

      it('refuses malformed requests with 400', async () => {
        await setup('badmatch')
        const good = { siteCode: 'main', items: [{ id: 'p1' }], segmentIds: ['act'] }
        const bad: unknown[] = [
          {},
          { items: [{ id: 'p1' }], segmentIds: ['act'] },
          { ...good, siteCode: '' },
          { ...good, siteCode: 5 },
          { items: good.items, segmentIds: good.segmentIds, site: '' },
          { ...good, items: 'p1' },
          { ...good, items: ['p1'] },
          { ...good, items: [{}] },
          { ...good, items: [{ id: 'p1', qty: 2 }] },
          { ...good, segmentIds: 'act' },
          { ...good, segmentIds: [5] },
          { ...good, extra: true },
          [],
        ]
        for (const payload of bad) {
          const res = await c.call({ method: 'POST', url: c.url('/match'), payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } })
          assertError(res, 400)
        }
        assertError(await c.call({ method: 'POST', url: c.url('/match'), payload: '{"siteCode":', headers: { 'content-type': 'application/json' } }), 400)
      })

      it('takes segment_manage (the contract), segment_read and segment_read_own; nothing else', async () => {
        await setup('matchscopes')
        await assignItem(c, 'act', 'PRODUCT', 'p-direct')
        const body = { siteCode: 'main', items: [{ id: 'p-direct' }], segmentIds: ['act'] }
        for (const scopes of [[SCOPES.segmentManage], [SCOPES.segmentRead]]) {
          const token = await t.token({ tenant: c.tenant, scopes })
          const res = await c.call({ method: 'POST', url: c.url('/match'), payload: body, token })
          assert.deepEqual(res.json(), [{ id: 'p-direct' }])
        }
        const webhook = await t.token({ tenant: c.tenant, scopes: [SCOPES.webhookManage, SCOPES.webhookRead] })
        assertError(await c.call({ method: 'POST', url: c.url('/match'), payload: body, token: webhook }), 403)
        assertError(await c.call({ method: 'POST', url: c.url('/match'), payload: body, token: null }), 401)
      })

      it('in a customer’s view, counts only the customer’s own effective segments', async () => {
        await setup('matchview')
        await assignItem(c, 'act', 'PRODUCT', 'p-direct')
        await assignItem(c, 'win', 'CATEGORY', 'tools')
        await assignItem(c, 'off', 'PRODUCT', 'p-none')
        await assignCustomer(c, 'act', 'me')
        await assignCustomer(c, 'off', 'me')
        await assignCustomer(c, 'win', 'you')
        await assignCustomer(c, 'win', 'me', 'le1')
        const items = ALL_PRODUCTS.map((id) => ({ id }))
        const me = await customerClient(t, c, 'me')
        assert.deepEqual(await match({ siteCode: 'main', items, segmentIds: ALL_SEGMENTS }, me), ['p-direct'])
        const meLe1 = await customerClient(t, c, 'me', 'le1')
        assert.deepEqual(await match({ siteCode: 'main', items, segmentIds: ALL_SEGMENTS }, meLe1), ['p-direct', 'p-hammer', 'p-power', 'p-multi'])
        const you = await customerClient(t, c, 'you')
        assert.deepEqual(await match({ siteCode: 'main', items, segmentIds: ['act'] }, you), [])
        assert.deepEqual(await match({ siteCode: 'main', items, segmentIds: ALL_SEGMENTS }, you), ['p-hammer', 'p-power', 'p-multi'])
        // Another customer's view is not theirs to ask for.
        for (const query of ['?customerId=you', '?customerId=me']) {
          assertError(await me.call({ method: 'POST', url: c.url(`/match${query}`), payload: { siteCode: 'main', items, segmentIds: ALL_SEGMENTS } }), 403)
        }
        // An operator may ask for a customer's view: without a legal entity, all of the customer's
        // assignments count; with one, that entity's and the B2C ones.
        const res = await c.call({ method: 'POST', url: c.url('/match?customerId=me'), payload: { siteCode: 'main', items, segmentIds: ALL_SEGMENTS } })
        assert.deepEqual(res.json(), [{ id: 'p-direct' }, { id: 'p-hammer' }, { id: 'p-power' }, { id: 'p-multi' }])
        const b2c = await c.call({ method: 'POST', url: c.url('/match?customerId=me&legalEntityId=other'), payload: { siteCode: 'main', items, segmentIds: ALL_SEGMENTS } })
        assert.deepEqual(b2c.json(), [{ id: 'p-direct' }])
      })

      it('terminates on category parent cycles, without duplicates', async () => {
        await setup('cycles')
        await assignItem(c, 'act', 'CATEGORY', 'cyc-b')
        await assignItem(c, 'act', 'CATEGORY', 'self')
        await assignItem(c, 'win', 'CATEGORY', 'cyc-a')
        const items = [{ id: 'p-cyc' }, { id: 'p-self' }, { id: 'p-cyc' }, { id: 'p-hammer' }]
        assert.deepEqual(await match({ siteCode: 'main', items, segmentIds: ['act'] }), ['p-cyc', 'p-self'])
        assert.deepEqual(await match({ siteCode: 'main', items, segmentIds: ['act', 'win'] }), ['p-cyc', 'p-self'])
        // A long chain is followed to its top.
        const chain = Array.from({ length: 30 }, (_, i) => ({ id: `k${i}`, ...(i > 0 ? { parentId: `k${i - 1}` } : {}) }))
        await feedDirectory(c, 'categories', chain)
        await feedDirectory(c, 'products', [{ id: 'p-deep', categoryIds: ['k29'] }])
        await assignItem(c, 'act', 'CATEGORY', 'k0')
        assert.deepEqual(await match({ siteCode: 'main', items: [{ id: 'p-deep' }], segmentIds: ['act'] }), ['p-deep'])
      })
    })

    describe('segments/items/category-trees', () => {
      it('returns assigned categories with all their ancestors, nested and sorted by position', async () => {
        await setup('trees')
        await assignItem(c, 'act', 'CATEGORY', 'hammers')
        await assignItem(c, 'win', 'CATEGORY', 'garden')
        await assignItem(c, 'act', 'PRODUCT', 'p-power')
        const roots = await trees('?siteCode=main')
        assert.deepEqual(shape(roots), ['garden*', { tools: [{ hand: ['hammers*'] }] }])

        // Every directory field, on the nodes that have them.
        const tools = roots[1]
        assert.deepEqual({ ...tools, subcategories: undefined }, {
          id: 'tools',
          code: 'TOOLS',
          name: { en: 'Tools', de: 'Werkzeuge' },
          localizedDescription: { en: 'All tools', de: 'Alle Werkzeuge' },
          localizedSlug: { en: 'tools', de: 'werkzeuge' },
          ecn: ['ECN-T'],
          validity: { from: '2024-04-17T08:00:00.000Z', to: '2026-04-17T08:00:00.000Z' },
          position: 2,
          published: true,
          isSegmentAssigned: false,
          subcategories: undefined,
        })
        const hammers = flatten(roots).find((n) => n.id === 'hammers') as TreeNode
        assert.deepEqual({ ...hammers, subcategories: undefined }, {
          id: 'hammers',
          parentId: 'hand',
          code: 'HAM',
          name: { en: 'Hammers', de: 'Hämmer' },
          position: 0,
          published: false,
          isSegmentAssigned: true,
          subcategories: undefined,
        })
        assert.equal(flatten(roots).find((n) => n.id === 'hand')?.parentId, 'tools')
        for (const node of flatten(roots)) {
          for (const key of Object.keys(node)) {
            assert.ok(
              ['id', 'parentId', 'code', 'name', 'localizedDescription', 'localizedSlug', 'ecn', 'validity', 'position', 'published', 'isSegmentAssigned', 'subcategories'].includes(key),
              key,
            )
          }
        }
      })

      it('marks a category assigned when it is, also when it is an ancestor of another; each node appears once', async () => {
        await setup('treesboth')
        await assignItem(c, 'act', 'CATEGORY', 'hammers')
        await assignItem(c, 'win', 'CATEGORY', 'tools')
        await assignItem(c, 'win', 'CATEGORY', 'power')
        await assignItem(c, 'act', 'CATEGORY', 'power')
        const roots = await trees()
        assert.deepEqual(shape(roots), [{ 'tools*': ['power*', { hand: ['hammers*'] }] }])
        const ids = flatten(roots).map((n) => n.id)
        assert.equal(new Set(ids).size, ids.length)
      })

      it('builds trees from effective segments only, of the requested site or of all sites', async () => {
        await setup('treeseff')
        await assignItem(c, 'off', 'CATEGORY', 'garden')
        await assignItem(c, 'old', 'CATEGORY', 'hammers')
        await assignItem(c, 'next', 'CATEGORY', 'power')
        assert.deepEqual(await trees(), [])
        await assignItem(c, 'far', 'CATEGORY', 'power')
        assert.deepEqual(shape(await trees('?siteCode=main')), [])
        assert.deepEqual(shape(await trees('?siteCode=other')), [{ tools: ['power*'] }])
        await assignItem(c, 'act', 'CATEGORY', 'garden')
        assert.deepEqual(shape(await trees()), ['garden*', { tools: ['power*'] }])
        assert.deepEqual(shape(await trees('?siteCode=main')), ['garden*'])
        assert.deepEqual(await trees('?siteCode=nosuchsite'), [])
        // Product assignments are not categories.
        await assignItem(c, 'act', 'PRODUCT', 'tools')
        assert.deepEqual(shape(await trees('?siteCode=main')), ['garden*'])
      })

      it('localizes with Accept-Language', async () => {
        await setup('treeslang')
        await assignItem(c, 'act', 'CATEGORY', 'hammers')
        const roots = await trees('', c, { 'accept-language': 'de' })
        assert.deepEqual(roots[0].name, { de: 'Werkzeuge' })
        assert.deepEqual(roots[0].localizedDescription, { de: 'Alle Werkzeuge' })
        assert.deepEqual(roots[0].localizedSlug, { de: 'werkzeuge' })
        const hand = (roots[0].subcategories as TreeNode[])[0]
        assert.deepEqual(hand.name, { en: 'Hand tools' }, 'no de: the default language')
        assert.deepEqual((hand.subcategories as TreeNode[])[0].name, { de: 'Hämmer' })
        const swiss = await trees('', c, { 'accept-language': 'de-CH,fr;q=0.8' })
        assert.deepEqual(swiss[0].name, { de: 'Werkzeuge' })
        assert.deepEqual(swiss[0].ecn, ['ECN-T'], 'other fields unchanged')
        const whole = await trees('', c, { 'accept-language': '*' })
        assert.deepEqual(whole[0].name, { en: 'Tools', de: 'Werkzeuge' })
      })

      it('terminates on parent cycles and missing parents, showing each node once', async () => {
        await setup('treescyc')
        await assignItem(c, 'act', 'CATEGORY', 'cyc-a')
        await assignItem(c, 'act', 'CATEGORY', 'self')
        await assignItem(c, 'act', 'CATEGORY', 'orphan')
        await assignItem(c, 'act', 'CATEGORY', 'not-in-directory')
        const nodes = flatten(await trees())
        const ids = nodes.map((n) => n.id)
        assert.equal(new Set(ids).size, ids.length, JSON.stringify(ids))
        for (const id of ['cyc-a', 'cyc-b', 'self', 'orphan', 'not-in-directory']) assert.ok(ids.includes(id), id)
        assert.equal(nodes.find((n) => n.id === 'cyc-a')?.isSegmentAssigned, true)
        assert.equal(nodes.find((n) => n.id === 'cyc-b')?.isSegmentAssigned, false)
        assert.deepEqual(nodes.find((n) => n.id === 'not-in-directory'), { id: 'not-in-directory', isSegmentAssigned: true, subcategories: [] })
      })

      it('in a customer’s view, builds trees from the customer’s own effective segments only', async () => {
        await setup('treesview')
        await assignItem(c, 'act', 'CATEGORY', 'hammers')
        await assignItem(c, 'win', 'CATEGORY', 'garden')
        await assignItem(c, 'off', 'CATEGORY', 'power')
        await assignCustomer(c, 'act', 'me')
        await assignCustomer(c, 'off', 'me')
        await assignCustomer(c, 'win', 'you')
        await assignCustomer(c, 'win', 'me', 'le1')
        const me = await customerClient(t, c, 'me')
        assert.deepEqual(shape(await trees('', me)), [{ tools: [{ hand: ['hammers*'] }] }])
        assert.deepEqual(shape(await trees('?siteCode=main', await customerClient(t, c, 'me', 'le1'))), ['garden*', { tools: [{ hand: ['hammers*'] }] }])
        assert.deepEqual(shape(await trees('', await customerClient(t, c, 'you'))), ['garden*'])
        assert.deepEqual(await trees('', await customerClient(t, c, 'nobody')), [])
        assertError(await me.call({ method: 'GET', url: c.url('/items/category-trees?customerId=you') }), 403)
        // A legal entity in the query does not widen a token that names one.
        const meLe2 = await customerClient(t, c, 'me', 'le2')
        assert.deepEqual(shape(await trees('?legalEntityId=le1', meLe2)), [{ tools: [{ hand: ['hammers*'] }] }])
      })
    })
  })
}

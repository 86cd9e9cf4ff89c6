/**
 * `POST /segments/rule-preview`: how many directory customers a rule selects, out of how many, and the first
 * 20 by id, per customer or per customer and legal entity; a bad rule is a 400 naming what is wrong; the
 * directory and the tenant's segments, assignments and events are left as they were.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { SCOPES } from '../src/auth/principal.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { assertError, freshTenant, snapshot, tenantClient } from './support/segment-helpers.js'

const DAY = 86_400_000

for (const engine of ENGINES) {
  describe(`rule preview on ${engine}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    async function tenantWithDirectory(prefix: string) {
      const c = await tenantClient(t, freshTenant(prefix))
      const recently = new Date(Date.now() - 2 * DAY).toISOString()
      const long = new Date(Date.now() - 60 * DAY).toISOString()
      const customers = [
        ...Array.from({ length: 25 }, (_, i) => ({ id: `w${String(i).padStart(2, '0')}`, email: `w${i}@example.com`, tags: ['wholesale'], attributes: { lastOrderAt: recently } })),
        { id: 'ada', firstName: 'Ada', lastName: 'Lovelace', tags: ['vip'], attributes: { spent: 1500, lastOrderAt: long }, legalEntityIds: ['acme', 'globex'] },
        { id: 'bob', attributes: { spent: 200 }, legalEntityIds: ['acme'] },
      ]
      for (const [kind, entries] of [['customers', customers], ['legal-entities', [{ id: 'acme', name: 'Acme', attributes: { country: 'DE' } }, { id: 'globex', name: 'Globex' }]]] as const) {
        const res = await c.call({ method: 'PUT', url: `/customer-segment/${c.tenant}/directory/${kind}`, payload: entries })
        assert.equal(res.statusCode, 207, res.body)
      }
      const preview = (body: Record<string, unknown>, token?: string) => c.call({ method: 'POST', url: c.url('/rule-preview'), payload: body, token })
      return { c, preview }
    }

    it('counts the customers a rule selects out of all, with the first 20 by id', async () => {
      const { preview } = await tenantWithDirectory('prevcount')
      const res = await preview({ query: 'tags:wholesale AND attributes.lastOrderAt:>now-30d' })
      assert.equal(res.statusCode, 200, res.body)
      const body = res.json()
      assert.equal(body.matching, 25)
      assert.equal(body.total, 27)
      assert.equal(body.sample.length, 20)
      assert.deepEqual(body.sample[0], { id: 'w00', email: 'w0@example.com' })
      assert.deepEqual(body.sample.at(-1).id, 'w19')

      const ada = (await preview({ query: 'NOT tags:wholesale AND (attributes.spent:>=1000 OR legalEntity.name:Globex)' })).json()
      assert.deepEqual(ada, { matching: 1, total: 27, sample: [{ id: 'ada', firstName: 'Ada', lastName: 'Lovelace' }] })
      assert.deepEqual((await preview({ query: 'legalEntity.attributes.country:DE' })).json().sample.map((m: { id: string }) => m.id), ['ada', 'bob'])
    })

    it('with b2b, counts customer and legal entity pairs', async () => {
      const { preview } = await tenantWithDirectory('prevb2b')
      const body = (await preview({ query: 'legalEntity.name:(Acme,Globex) NOT legalEntity.attributes.country:DE', b2b: true })).json()
      assert.deepEqual(body, { matching: 1, total: 3, sample: [{ id: 'ada', firstName: 'Ada', lastName: 'Lovelace', legalEntityId: 'globex' }] })
    })

    it('answers 400 naming an unknown field or a bad expression, and changes nothing', async () => {
      const { c, preview } = await tenantWithDirectory('prevbad')
      const before = await snapshot(t, c.tenant)
      for (const [query, message] of [
        ['country:DE', /Unknown field 'country' in query/],
        ['tags:vip OR', /Missing term at the end of query/],
        ['(tags:vip', /Missing '\)'/],
        ['attributes.lastOrderAt:>now-30x', /Invalid relative date 'now-30x'/],
        ['', /query is empty/],
        // Passes the service's own regex checks; PostgreSQL refuses it once it has a row to match.
        ['email:~\\p{L}', /invalid regular expression/],
      ] as const) {
        const body = assertError(await preview({ query }), 400, message)
        assert.equal(body.details?.field, 'query', query)
      }
      assertError(await preview({ query: 'tags:vip', b2b: 'yes' }), 400)
      assertError(await preview({ query: 'x'.repeat(4001) }), 400)
      assert.deepEqual(await snapshot(t, c.tenant), before)
    })

    it('takes the read or the manage scope, not a customer token', async () => {
      const { c, preview } = await tenantWithDirectory('prevscope')
      for (const scope of [SCOPES.segmentRead, SCOPES.segmentManage]) {
        assert.equal((await preview({ query: 'tags:vip' }, await t.token({ tenant: c.tenant, scopes: [scope] }))).statusCode, 200, scope)
      }
      assertError(await preview({ query: 'tags:vip' }, await t.token({ tenant: c.tenant, scopes: [SCOPES.segmentReadOwn] })), 403)
    })
  })
}

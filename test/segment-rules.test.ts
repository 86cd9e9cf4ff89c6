/**
 * Rule segments through the API: the rule sub-resource (read, write, remove, its evaluation's progress),
 * membership as AUTOMATIC assignments with their events, kept current by directory writes (customers,
 * legal entities, inline details, deletes), the interplay with MANUAL assignments, B2B rules, relative
 * dates re-evaluated on a schedule, and what the storefront sees.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { evaluateAll, evaluateNextChunk, requeueRelativeRules, startRuleEvaluator } from '../src/rules/rule-evaluator.js'
import { RULE_LIMITS } from '../src/rules/rule-query.js'
import { pino } from 'pino'
import { customerPath, DAY, feedDirectory, iso, segment } from './support/assignment-helpers.js'
import { waitFor } from './support/delivery-helpers.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { assertError, freshTenant, type LoggedEvent, snapshot, type TenantClient, tenantClient } from './support/segment-helpers.js'

const CREATED = 'customer-segment.customer-assignment-created'
const UPDATED = 'customer-segment.customer-assignment-updated'
const DELETED = 'customer-segment.customer-assignment-deleted'

for (const engine of ENGINES) {
  describe(`rule segments on ${engine}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    const evaluate = (chunkSize = 2) => evaluateAll(t.database.db, { chunkSize })
    const rule = (c: TenantClient, segmentId: string) => c.call({ method: 'GET', url: c.url(`/${segmentId}/rule`) })
    const putRule = (c: TenantClient, segmentId: string, body: Record<string, unknown>) => c.call({ method: 'PUT', url: c.url(`/${segmentId}/rule`), payload: body })

    /** The segment's assignments as `customer[/legalEntity]:TYPE`, sorted. */
    async function members(c: TenantClient, segmentId: string): Promise<string[]> {
      const res = await c.call({ method: 'GET', url: c.url(`${customerPath(segmentId)}?pageSize=1000`) })
      assert.equal(res.statusCode, 200, res.body)
      return res
        .json()
        .map((a: { customer: { id: string }; legalEntity?: { id: string }; assignmentType: string }) => `${a.customer.id}${a.legalEntity ? `/${a.legalEntity.id}` : ''}:${a.assignmentType}`)
        .sort()
    }

    /** Assignment events since `after`, as `type-suffix key TYPE`. */
    async function changes(c: TenantClient, after: number): Promise<string[]> {
      const events: LoggedEvent[] = (await c.events(after)).filter((e) => e.type.includes('customer-assignment'))
      return events.map((e) => {
        const p = e.payload as { customerId?: string; customer?: { id: string }; legalEntityId?: string; legalEntity?: { id: string }; assignmentType?: string; segmentId: string }
        const le = p.legalEntityId ?? p.legalEntity?.id
        return `${e.type.split('-').pop()} ${p.segmentId}:${p.customerId ?? p.customer?.id}${le ? `/${le}` : ''} ${p.assignmentType}`
      })
    }

    async function tenantWithDirectory(prefix: string) {
      const c = await tenantClient(t, freshTenant(prefix))
      await feedDirectory(c, 'customers', [
        { id: 'ada', email: 'ada@example.com', firstName: 'Ada', tags: ['vip'], attributes: { spent: 1500, country: 'DE' }, legalEntityIds: ['acme'] },
        { id: 'bob', tags: ['wholesale'], attributes: { spent: 200, country: 'DE' }, legalEntityIds: ['acme', 'globex'] },
        { id: 'cyd', tags: ['vip', 'wholesale'], attributes: { spent: 3000, country: 'FR' } },
        { id: 'dan', attributes: { spent: 10 } },
      ])
      await feedDirectory(c, 'legal-entities', [
        { id: 'acme', name: 'Acme', attributes: { tier: 'gold' } },
        { id: 'globex', name: 'Globex', attributes: { tier: 'silver' } },
      ])
      await segment(c, 'big')
      return c
    }

    it('stores a rule beside the segment, evaluates it over the directory, and shows the progress', async () => {
      const c = await tenantWithDirectory('rulecrud')
      assertError(await rule(c, 'big'), 404, /has no rule/)
      const created = await putRule(c, 'big', { query: 'attributes.spent:>=1000' })
      assert.equal(created.statusCode, 201, created.body)
      const body = created.json()
      assert.equal(body.query, 'attributes.spent:>=1000')
      assert.equal(body.b2b, false)
      assert.equal(body.relative, false)
      assert.deepEqual(body.evaluation, { state: 'PENDING', evaluated: 0, total: 0, added: 0, removed: 0 })
      assert.equal(body.metadata.version, 1)

      const before = await c.lastSequence()
      const chunks = await evaluate(2)
      assert.ok(chunks.filter((chunk) => chunk.tenant === c.tenant).length >= 2, 'two chunks of two customers, and an empty end')
      const done = (await rule(c, 'big')).json()
      assert.equal(done.evaluation.state, 'DONE')
      assert.equal(done.evaluation.evaluated, 4)
      assert.equal(done.evaluation.total, 4)
      assert.equal(done.evaluation.added, 2)
      assert.equal(done.evaluation.removed, 0)
      assert.ok(Date.parse(done.evaluation.startedAt) <= Date.parse(done.evaluation.finishedAt))
      assert.deepEqual(await members(c, 'big'), ['ada:AUTOMATIC', 'cyd:AUTOMATIC'])

      // The created events carry what an assignment read shows, as AUTOMATIC.
      const events = (await c.events(before)).filter((e) => e.type === CREATED)
      assert.equal(events.length, 2)
      const ada = events.find((e) => (e.payload.customer as { id: string }).id === 'ada') as LoggedEvent
      assert.equal(ada.subject, 'segments/big/customers/ada')
      const read = (await c.call({ method: 'GET', url: c.url(customerPath('big', 'ada')) })).json()
      assert.deepEqual(ada.payload, { ...read, segmentId: 'big', tenant: c.tenant })
      assert.deepEqual(read.customer, { id: 'ada', email: 'ada@example.com', firstName: 'Ada' })
      assert.equal(read.assignmentType, 'AUTOMATIC')
      assert.equal(read.metadata.version, 1)

      // Writing the segment (as an Emporix client does, with the body it read) keeps the rule.
      const stored = await c.get('big')
      assert.equal((await c.call({ method: 'PUT', url: c.url('/big'), payload: { ...stored, name: { en: 'Big spenders' } } })).statusCode, 204)
      assert.equal((await rule(c, 'big')).json().query, 'attributes.spent:>=1000')

      // The same rule again changes nothing; what GET returns can be PUT back.
      const again = await putRule(c, 'big', done)
      assert.equal(again.statusCode, 200, again.body)
      assert.deepEqual(again.json(), done)
      assertError(await putRule(c, 'big', { query: 'tags:vip', metadata: { version: 7 } }), 409)

      // A changed rule starts over; its evaluation removes and adds.
      const changed = await putRule(c, 'big', { query: 'tags:wholesale', metadata: { version: 1 } })
      assert.equal(changed.statusCode, 200)
      assert.equal(changed.json().metadata.version, 2)
      assert.equal(changed.json().evaluation.state, 'PENDING')
      const mark = await c.lastSequence()
      await evaluate()
      assert.deepEqual(await members(c, 'big'), ['bob:AUTOMATIC', 'cyd:AUTOMATIC'])
      assert.deepEqual((await changes(c, mark)).sort(), ['created big:bob AUTOMATIC', 'deleted big:ada AUTOMATIC'])
      const second = (await rule(c, 'big')).json().evaluation
      assert.deepEqual([second.added, second.removed, second.evaluated], [1, 1, 4])
    })

    it('refuses bad rules with a 400 naming query, a missing segment with 404, and changes nothing', async () => {
      const c = await tenantWithDirectory('rulebad')
      const before = await snapshot(t, c.tenant)
      for (const [query, message] of [
        ['country:DE', /Unknown field 'country' in query/],
        ['tags:vip OR', /Missing term at the end of query/],
        ['tags:>a', /Comparison is not supported for 'tags'/],
        ['attributes.seen:>now-3x', /Invalid relative date/],
        // Passes the service's own regex checks; PostgreSQL refuses it: checked before the rule is saved.
        ['email:~\\p{L}', /invalid regular expression/],
      ] as const) {
        const body = assertError(await putRule(c, 'big', { query }), 400, message)
        assert.equal(body.details?.field, 'query', query)
      }
      assertError(await putRule(c, 'big', { query: 'tags:vip', b2b: 'yes' }), 400)
      assertError(await putRule(c, 'big', { query: 'tags:vip', extra: 1 }), 400)
      assertError(await putRule(c, 'big', { query: 'x'.repeat(4_001) }), 400)
      assertError(await putRule(c, 'nope', { query: 'tags:vip' }), 404)
      assertError(await rule(c, 'nope'), 404, /nope has not been found/)
      assertError(await c.call({ method: 'DELETE', url: c.url('/nope/rule') }), 404)
      assert.equal((await c.call({ method: 'DELETE', url: c.url('/big/rule') })).statusCode, 204)
      assert.deepEqual(await snapshot(t, c.tenant), before)
      const { rows } = await sql`select 1 from segment_rule where tenant = ${c.tenant}`.execute(t.database.db)
      assert.equal(rows.length, 0)
    })

    it(`refuses a rule beyond ${RULE_LIMITS.perTenant} per tenant, which bound what a directory write costs`, async () => {
      const c = await tenantClient(t, freshTenant('rulemany'))
      for (let i = 0; i < RULE_LIMITS.perTenant; i++) {
        await segment(c, `s${i}`)
        assert.equal((await putRule(c, `s${i}`, { query: `tags:t${i}` })).statusCode, 201)
      }
      await segment(c, 'one-more')
      const body = assertError(await putRule(c, 'one-more', { query: 'tags:x' }), 400, new RegExp(`has ${RULE_LIMITS.perTenant} segments with a rule`))
      assert.equal(body.details?.field, 'query')
      // Changing one of them is still allowed; so is a new one once one is removed.
      assert.equal((await putRule(c, 's0', { query: 'tags:changed' })).statusCode, 200)
      assert.equal((await c.call({ method: 'DELETE', url: c.url('/s1/rule') })).statusCode, 204)
      assert.equal((await putRule(c, 'one-more', { query: 'tags:x' })).statusCode, 201)
    })

    it('puts a rule whose chunk fails behind the others, saying why', async () => {
      const c = await tenantWithDirectory('rulefail')
      await evaluate()
      // A rule PostgreSQL refuses once it has a row to match (the API checks regexes before saving: written here directly).
      const now = new Date(Date.now() - 60_000)
      await t.database.db
        .insertInto('segment_rule')
        .values({ tenant: c.tenant, segment_id: 'big', query: 'email:~\\p{L}', b2b: false, relative: false, version: 1, created_at: now, modified_at: now, state: 'PENDING', progressed_at: now })
        .execute()
      const other = await tenantWithDirectory('rulefine')
      await putRule(other, 'big', { query: 'tags:vip' })
      await assert.rejects(evaluateNextChunk(t.database.db, { chunkSize: 10 }), /invalid regular expression/)
      const failed = (await rule(c, 'big')).json().evaluation
      assert.equal(failed.state, 'PENDING')
      assert.match(failed.error, /invalid regular expression/)
      const next = await evaluateNextChunk(t.database.db, { chunkSize: 10 })
      assert.equal(next?.tenant, other.tenant, 'the other tenant’s rule goes first')
      await t.database.db.deleteFrom('segment_rule').where('tenant', '=', c.tenant).execute()
      await evaluate()
      assert.deepEqual(await members(other, 'big'), ['ada:AUTOMATIC', 'cyd:AUTOMATIC'])
    })

    it('keeps membership current as the directory changes, in the same transaction as the write', async () => {
      const c = await tenantWithDirectory('rulekeep')
      await putRule(c, 'big', { query: 'tags:vip AND legalEntity.attributes.tier:gold' })
      await evaluate()
      assert.deepEqual(await members(c, 'big'), ['ada:AUTOMATIC'])

      // A customer written to match joins at once; one written not to match leaves at once.
      let mark = await c.lastSequence()
      await feedDirectory(c, 'customers', [
        { id: 'bob', tags: ['vip'], legalEntityIds: ['acme'] },
        { id: 'ada', email: 'ada@example.com', tags: [], legalEntityIds: ['acme'] },
        { id: 'eve', tags: ['vip'], legalEntityIds: ['globex'] },
      ])
      assert.deepEqual(await members(c, 'big'), ['bob:AUTOMATIC'])
      assert.deepEqual((await changes(c, mark)).sort(), ['created big:bob AUTOMATIC', 'deleted big:ada AUTOMATIC'])

      // A legal entity's change re-evaluates the customers who buy for it.
      mark = await c.lastSequence()
      await feedDirectory(c, 'legal-entities', [{ id: 'globex', name: 'Globex', attributes: { tier: 'gold' } }])
      assert.deepEqual(await members(c, 'big'), ['bob:AUTOMATIC', 'eve:AUTOMATIC'])
      await feedDirectory(c, 'legal-entities', [{ id: 'acme', name: 'Acme', attributes: { tier: 'bronze' } }])
      assert.deepEqual(await members(c, 'big'), ['eve:AUTOMATIC'])
      assert.deepEqual(await changes(c, mark), ['created big:eve AUTOMATIC', 'deleted big:bob AUTOMATIC'])

      // Deleting a customer or the legal entity it qualified by.
      mark = await c.lastSequence()
      assert.equal((await c.call({ method: 'DELETE', url: `/customer-segment/${c.tenant}/directory/legal-entities/globex` })).statusCode, 204)
      assert.deepEqual(await members(c, 'big'), [])
      await feedDirectory(c, 'legal-entities', [{ id: 'globex', name: 'Globex', attributes: { tier: 'gold' } }])
      assert.deepEqual(await members(c, 'big'), ['eve:AUTOMATIC'])
      assert.equal((await c.call({ method: 'DELETE', url: `/customer-segment/${c.tenant}/directory/customers/eve` })).statusCode, 204)
      assert.deepEqual(await members(c, 'big'), [])
      assert.deepEqual(await changes(c, mark), ['deleted big:eve AUTOMATIC', 'created big:eve AUTOMATIC', 'deleted big:eve AUTOMATIC'])

      // Details inline on an assignment of another segment are a directory write too.
      await segment(c, 'other')
      mark = await c.lastSequence()
      const put = await c.call({ method: 'PUT', url: c.url(customerPath('other', 'fay')), payload: { customer: { tags: ['vip'], legalEntityIds: ['globex'] } } })
      assert.equal(put.statusCode, 201, put.body)
      assert.deepEqual(await members(c, 'big'), ['fay:AUTOMATIC'])
      assert.deepEqual(await changes(c, mark), ['created other:fay MANUAL', 'created big:fay AUTOMATIC'])
    })

    it('re-evaluates only the entries a write changes for rules', async () => {
      const c = await tenantWithDirectory('ruleresend')
      await putRule(c, 'big', { query: 'tags:vip' })
      await evaluate()
      assert.deepEqual(await members(c, 'big'), ['ada:AUTOMATIC', 'cyd:AUTOMATIC'])
      // A stray automatic assignment shows which customers a write evaluates: one that is, loses it.
      const now = new Date()
      await t.database.db
        .insertInto('customer_assignment')
        .values({ tenant: c.tenant, segment_id: 'big', customer_id: 'dan', legal_entity_id: '', assignment_type: 'AUTOMATIC', version: 1, created_at: now, modified_at: now })
        .execute()
      const mark = await c.lastSequence()
      // Sent again as stored (attributes in another key order): nothing to evaluate.
      await feedDirectory(c, 'customers', [
        { id: 'dan', attributes: { spent: 10 } },
        { id: 'ada', email: 'ada@example.com', firstName: 'Ada', tags: ['vip'], attributes: { country: 'DE', spent: 1500 }, legalEntityIds: ['acme'] },
      ])
      assert.deepEqual(await members(c, 'big'), ['ada:AUTOMATIC', 'cyd:AUTOMATIC', 'dan:AUTOMATIC'])
      assert.deepEqual(await changes(c, mark), [])
      await feedDirectory(c, 'customers', [{ id: 'dan', attributes: { spent: 11 } }])
      assert.deepEqual(await members(c, 'big'), ['ada:AUTOMATIC', 'cyd:AUTOMATIC'])
      assert.deepEqual(await changes(c, mark), ['deleted big:dan AUTOMATIC'])
    })

    it('never touches a manual assignment: PUT makes an automatic one manual, DELETE of an automatic one is a 409', async () => {
      const c = await tenantWithDirectory('rulemanual')
      // A manual member the rule also selects: the rule adds nothing beside it.
      assert.equal((await c.call({ method: 'PUT', url: c.url(customerPath('big', 'ada')), payload: { mixins: { note: { by: 'hand' } } } })).statusCode, 201)
      // A manual member the rule does not select: it stays.
      assert.equal((await c.call({ method: 'PUT', url: c.url(customerPath('big', 'dan')), payload: {} })).statusCode, 201)
      await putRule(c, 'big', { query: 'tags:vip' })
      await evaluate()
      assert.deepEqual(await members(c, 'big'), ['ada:MANUAL', 'cyd:AUTOMATIC', 'dan:MANUAL'])

      const refused = assertError(await c.call({ method: 'DELETE', url: c.url(customerPath('big', 'cyd')) }), 409, /AUTOMATIC: the rule of segment big manages it/)
      assert.equal(refused.resourceId, 'cyd')
      const bulk = await c.call({ method: 'DELETE', url: c.url(`${customerPath('big')}/bulk`), payload: [{ customerId: 'cyd' }, { customerId: 'dan' }] })
      assert.deepEqual(bulk.json().map((r: { code: number }) => r.code), [409, 204])
      assert.deepEqual(await members(c, 'big'), ['ada:MANUAL', 'cyd:AUTOMATIC'])

      // PUT over the automatic assignment: now manual, a new version, an updated event.
      let mark = await c.lastSequence()
      assert.equal((await c.call({ method: 'PUT', url: c.url(customerPath('big', 'cyd')), payload: {} })).statusCode, 204)
      const cyd = (await c.call({ method: 'GET', url: c.url(customerPath('big', 'cyd')) })).json()
      assert.equal(cyd.assignmentType, 'MANUAL')
      assert.equal(cyd.metadata.version, 2)
      assert.deepEqual(await changes(c, mark), ['updated big:cyd MANUAL'])

      // The directory no longer qualifies them: manual members stay.
      mark = await c.lastSequence()
      await feedDirectory(c, 'customers', [{ id: 'ada' }, { id: 'cyd' }])
      assert.deepEqual(await members(c, 'big'), ['ada:MANUAL', 'cyd:MANUAL'])
      assert.deepEqual(await changes(c, mark), [])

      // A manual assignment removed from a customer the rule selects: the rule makes them a member.
      await feedDirectory(c, 'customers', [{ id: 'ada', tags: ['vip'] }])
      mark = await c.lastSequence()
      assert.equal((await c.call({ method: 'DELETE', url: c.url(customerPath('big', 'ada')) })).statusCode, 204)
      assert.deepEqual(await members(c, 'big'), ['ada:AUTOMATIC', 'cyd:MANUAL'])
      assert.deepEqual(await changes(c, mark), ['deleted big:ada MANUAL', 'created big:ada AUTOMATIC'])
    })

    it('takes the automatic assignments away when the rule is removed, then the rule itself', async () => {
      const c = await tenantWithDirectory('ruledel')
      await c.call({ method: 'PUT', url: c.url(customerPath('big', 'ada')), payload: {} })
      await putRule(c, 'big', { query: 'attributes.country:DE OR tags:vip' })
      await evaluate()
      assert.deepEqual(await members(c, 'big'), ['ada:MANUAL', 'bob:AUTOMATIC', 'cyd:AUTOMATIC'])
      const mark = await c.lastSequence()
      assert.equal((await c.call({ method: 'DELETE', url: c.url('/big/rule') })).statusCode, 204)
      assertError(await rule(c, 'big'), 404, /has no rule/)
      await evaluate(1)
      assert.deepEqual(await members(c, 'big'), ['ada:MANUAL'])
      assert.deepEqual((await changes(c, mark)).sort(), ['deleted big:bob AUTOMATIC', 'deleted big:cyd AUTOMATIC'])
      const { rows } = await sql`select 1 from segment_rule where tenant = ${c.tenant}`.execute(t.database.db)
      assert.equal(rows.length, 0)
      // A directory write now leaves the segment alone.
      await feedDirectory(c, 'customers', [{ id: 'gus', tags: ['vip'] }])
      assert.deepEqual(await members(c, 'big'), ['ada:MANUAL'])
    })

    it('with b2b, makes an assignment per customer and legal entity', async () => {
      const c = await tenantWithDirectory('ruleb2b')
      await putRule(c, 'big', { query: 'attributes.country:DE AND NOT legalEntity.name:Globex', b2b: true })
      await evaluate()
      assert.deepEqual(await members(c, 'big'), ['ada/acme:AUTOMATIC', 'bob/acme:AUTOMATIC'])
      const read = (await c.call({ method: 'GET', url: c.url(customerPath('big', 'bob', 'acme')) })).json()
      assert.deepEqual(read.legalEntity, { id: 'acme', name: 'Acme' })
      // Switching to per customer replaces the pairs by customers.
      await putRule(c, 'big', { query: 'attributes.country:DE AND NOT legalEntity.name:Globex', b2b: false })
      await evaluate()
      assert.deepEqual(await members(c, 'big'), ['ada:AUTOMATIC'])
    })

    it('answers the storefront from automatic assignments like manual ones', async () => {
      const c = await tenantWithDirectory('rulefront')
      await segment(c, 'fr')
      await putRule(c, 'fr', { query: 'attributes.country:FR' })
      await c.call({ method: 'PUT', url: c.url('/fr/items/PRODUCT/croissant'), payload: {} })
      await evaluate()
      const view = async (customerId: string) => {
        const res = await c.call({ method: 'GET', url: `${c.url()}?customerId=${customerId}` })
        assert.equal(res.statusCode, 200, res.body)
        return res.json().map((s: { id: string }) => s.id)
      }
      assert.deepEqual(await view('cyd'), ['fr'])
      const customerToken = await t.token({ tenant: c.tenant, scopes: ['customersegment.segment_read_own'], customerId: 'cyd' })
      const items = await c.call({ method: 'GET', url: `${c.url('/items')}`, token: customerToken })
      assert.equal(items.statusCode, 200, items.body)
      assert.deepEqual(items.json().map((i: { segmentId: string; item: { id: string } }) => `${i.segmentId}/${i.item.id}`), ['fr/croissant'])
      await feedDirectory(c, 'customers', [{ id: 'cyd', attributes: { country: 'DE' } }])
      assert.deepEqual(await view('cyd'), [])
    })

    it('evaluates rules with relative dates again on a schedule', async () => {
      const c = await tenantWithDirectory('rulerel')
      await feedDirectory(c, 'customers', [
        { id: 'new', attributes: { signedUpAt: iso(Date.now() - 2 * DAY) } },
        { id: 'old', attributes: { signedUpAt: iso(Date.now() - 40 * DAY) } },
      ])
      const put = await putRule(c, 'big', { query: 'attributes.signedUpAt:>now-30d' })
      assert.equal(put.json().relative, true)
      await evaluate()
      assert.deepEqual(await members(c, 'big'), ['new:AUTOMATIC'])
      // Not yet due: nothing queued.
      assert.equal(await requeueRelativeRules(t.database.db, new Date(Date.now() - 60_000)), 0)
      // Due; in 29 days, 'new' has been a customer for 31.
      assert.ok((await requeueRelativeRules(t.database.db, new Date(Date.now() + 1_000))) >= 1)
      assert.equal((await rule(c, 'big')).json().evaluation.state, 'PENDING')
      await evaluateAll(t.database.db, { chunkSize: 10, now: () => new Date(Date.now() + 29 * DAY) })
      assert.deepEqual(await members(c, 'big'), [])

      // An evaluator queues it by itself and runs it at the real time: 'new' is two days old again.
      const first = (await rule(c, 'big')).json().evaluation.startedAt
      const evaluator = await startRuleEvaluator({ database: t.database, log: pino({ level: 'silent' }), chunkSize: 100, relativeIntervalMs: 200, pollMs: 50 })
      try {
        await waitFor('a scheduled evaluation', async () => {
          const evaluation = (await rule(c, 'big')).json().evaluation
          return evaluation.state === 'DONE' && evaluation.startedAt !== first ? evaluation : undefined
        })
      } finally {
        await evaluator.stop()
      }
      assert.deepEqual(await members(c, 'big'), ['new:AUTOMATIC'])
    })
  })
}

/**
 * Fuzzing every operation of the service's own OpenAPI document, on each storage engine: requests drawn
 * from the operations' schemas, valid and mutated (see support/openapi-fuzz.ts), against a tenant with
 * stored segments, assignments, directory entries and a webhook config. For every request:
 * - no 5xx;
 * - every failure is in the error format (`{code, status, message}`, `details` a list of strings on the
 *   webhook contract's routes; RFC 6749's `{error, error_description}` at /oauth/token);
 * - a request that failed made no event.
 * And after the run the service still answers. The run is bounded (FUZZ_RUNS requests per engine, 2,000 by
 * default, a few thousand in all); `npm run fuzz` runs a long one. A failure prints the seed and the path
 * that reproduce it: FUZZ_SEED=… FUZZ_PATH=… npm run fuzz.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { sql } from 'kysely'
import { SCOPES } from '../src/auth/principal.js'
import { configureWebhook, subscribe } from './support/delivery-helpers.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { type OpenApiDocument, operationsOf, requestFor } from './support/openapi-fuzz.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000)
const TENANT = 'fuzz'
const SEGMENTS = ['gold', 'silver']

function assertErrorFormat(res: LightMyRequestResponse, url: string): void {
  let body: Record<string, unknown>
  try {
    body = res.json()
  } catch {
    assert.fail(`${res.statusCode} for ${url} is not JSON: ${res.body.slice(0, 200)}`)
  }
  if (new URL(url, 'http://x').pathname === '/oauth/token') {
    // The token endpoint answers as OAuth clients expect (RFC 6749 §5.2).
    assert.equal(typeof body.error, 'string', `${url}: ${res.body.slice(0, 300)}`)
    assert.equal(typeof body.error_description, 'string', url)
    return
  }
  assert.equal(body.code, res.statusCode, `${url}: ${res.body.slice(0, 300)}`)
  assert.equal(typeof body.status, 'string', url)
  assert.equal(typeof body.message, 'string', url)
  if (body.details !== undefined) {
    // The webhook contract's own routes list their details as strings; every other route has an object.
    const contract = /^\/webhook\/[^/]*\/(config|event-subscriptions|statistics|dashboard-access|portal)(\/|$)/.test(new URL(url, 'http://x').pathname)
    if (contract && res.statusCode !== 401) assert.ok(Array.isArray(body.details) && body.details.every((d) => typeof d === 'string'), `${url}: ${res.body}`)
    else assert.ok(typeof body.details === 'object', `${url}: ${res.body}`)
  }
}

for (const engine of ENGINES) {
  describe(`fuzzing every operation on ${engine}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(engine)
      const seed = async (method: 'POST' | 'PUT', url: string, payload: unknown) => {
        const res = await t.call({ method, url, payload: payload as object, token: await t.token({ tenant: TENANT }) })
        assert.ok(res.statusCode < 300, `${method} ${url}: ${res.body}`)
      }
      const base = `/customer-segment/${TENANT}/segments`
      for (const id of SEGMENTS) await seed('POST', base, { id, name: { en: id }, siteCode: 'main', status: 'ACTIVE', mixins: { m: { tier: 1 } } })
      await seed('PUT', `${base}/gold/customers/c1`, { customer: { email: 'c1@example.com' } })
      await seed('PUT', `${base}/gold/customers/c2/le1`, { legalEntity: { name: 'LE' } })
      await seed('PUT', `${base}/gold/items/PRODUCT/p1`, {})
      await seed('PUT', `/customer-segment/${TENANT}/directory/categories`, [{ id: 'cat1', name: { en: 'Cat' } }])
      await configureWebhook(t.database.db, TENANT, { destinationUrl: 'https://hooks.example.com/in' })
      await subscribe(t.database.db, TENANT, ['customer-segment.segment-created'])
    })
    after(() => t.close())

    it(`answers ${RUNS} fuzzed requests without a 5xx, in the error format, with no event for a failure`, { timeout: 3_600_000 }, async (ctx) => {
      const document = (await t.call({ method: 'GET', url: '/openapi.json', token: null })).json() as OpenApiDocument
      const operations = operationsOf(document)
      assert.ok(operations.length >= 50, `${operations.length} operations`)
      const events = await sql<{ id: string }>`select id from outbox_event where tenant = ${TENANT}`.execute(t.database.db)
      const context = {
        tenant: TENANT,
        known: {
          segmentId: SEGMENTS,
          customerId: ['c1', 'c2'],
          legalEntityId: ['le1'],
          itemId: ['p1', 'cat1'],
          type: ['PRODUCT', 'product', 'CATEGORY'],
          id: ['c1', 'le1', 'p1', 'cat1'],
          code: ['http'],
          configCode: ['http'],
          targetId: ['default'],
          eventId: events.rows.map((row) => row.id),
          deliveryId: ['1'],
        },
        tokens: {
          operator: await t.token({ tenant: TENANT }),
          customer: await t.token({ tenant: TENANT, scopes: [SCOPES.segmentReadOwn], customerId: 'c1' }),
          foreign: await t.token({ tenant: 'someoneelse' }),
        },
      }
      const lastSequence = async () =>
        Number((await sql<{ max: number | null }>`select coalesce(max(sequence), 0) as max from outbox_event`.execute(t.database.db)).rows[0].max)
      const request = fc.integer({ min: 0, max: operations.length - 1 }).chain((i) => requestFor(operations[i], context))
      const statuses = new Map<number, number>()
      await fc.assert(
        fc.asyncProperty(request, async (options) => {
          const before = await lastSequence()
          const res = await t.app.inject(options)
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
          const where = `${options.method} ${options.url}`
          assert.ok(res.statusCode < 500, `${where} answered ${res.statusCode}: ${res.body.slice(0, 500)}`)
          if (res.statusCode >= 400) {
            assertErrorFormat(res, String(options.url))
            assert.equal(await lastSequence(), before, `${where} failed with ${res.statusCode} but made an event`)
          }
        }),
        {
          numRuns: RUNS,
          seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined,
          path: process.env.FUZZ_PATH,
          endOnFailure: true,
        },
      )
      ctx.diagnostic(`answers: ${[...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${n}×${status}`).join(', ')}`)
      const succeeded = [...statuses].filter(([status]) => status < 300).reduce((sum, [, n]) => sum + n, 0)
      assert.ok(succeeded > RUNS / 10, `enough requests got through validation to exercise the service (${succeeded} of ${RUNS})`)
      assert.equal((await t.call({ method: 'GET', url: '/health', token: null })).statusCode, 200)
      assert.equal((await t.call({ method: 'GET', url: `/customer-segment/${TENANT}/segments`, token: context.tokens.operator })).statusCode, 200)
    })
  })
}

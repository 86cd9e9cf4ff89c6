/**
 * The README's rule walk-through, end to end: customers with tags and attributes are loaded, a segment gets
 * a rule, a running evaluator makes its members, `segments listen` receives their created events (signed,
 * AUTOMATIC), a directory write takes a customer out with a deleted event, and the storefront view of that
 * customer follows; removing an automatic member by hand is a 409.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { pino } from 'pino'
import { type RuleEvaluator, startRuleEvaluator } from '../src/rules/rule-evaluator.js'
import { waitFor } from './support/delivery-helpers.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { type Listener, startListener } from './support/listen-process.js'

const SECRET = 's3cr3t'
const SEGMENTS = '/customer-segment/acme/segments'
const CUSTOMERS = [
  { id: 'ada', email: 'ada@example.com', firstName: 'Ada', tags: ['wholesale'], attributes: { spent: 1250, country: 'DE' } },
  { id: 'bob', email: 'bob@example.com', firstName: 'Bob', tags: ['retail'], attributes: { spent: 90, country: 'DE' } },
  { id: 'cyd', email: 'cyd@example.com', firstName: 'Cyd', tags: ['wholesale'], attributes: { spent: 40, country: 'FR' } },
]

interface ListenedEvent {
  status: number
  verification: { emporix: string; standardWebhooks: string } | null
  headers: Record<string, string>
  event: Record<string, any>
}

for (const engine of ENGINES) {
  describe(`rule walk-through on ${engine}`, () => {
    let t: TestApp
    let listener: Listener
    let evaluator: RuleEvaluator
    before(async () => {
      t = await startTestApp(engine, { delivery: {}, destinationProbe: { enabled: true, timeoutMs: 3_000 } })
      evaluator = await startRuleEvaluator({ database: t.database, log: pino({ level: 'silent' }), chunkSize: 1_000, relativeIntervalMs: 3_600_000 })
      listener = await startListener(['--secret', SECRET, '--json'])
    })
    after(async () => {
      listener.child.kill('SIGINT')
      await evaluator.stop()
      await t.close()
    })

    const call = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload: unknown, status: number) => {
      const res = await t.call({ method, url, payload: payload as object })
      assert.equal(res.statusCode, status, `${method} ${url}: ${res.body}`)
      return res
    }
    const viewOf = async (customerId: string) => (await call('GET', `${SEGMENTS}?customerId=${customerId}&fields=id`, undefined, 200)).json()

    it('makes the rule’s members, publishes them, and follows the directory', { timeout: 60_000 }, async () => {
      await call('POST', '/webhook/acme/config', { code: 'http', provider: 'HTTP', active: true, configuration: { destinationUrl: `${listener.url}/events`, secretKey: SECRET } }, 201)
      const types = ['created', 'updated', 'deleted'].map((what) => ({ eventType: `customer-segment.customer-assignment-${what}`, action: 'SUBSCRIBE' }))
      await call('PATCH', '/webhook/acme/event-subscriptions', types, 207)

      await call('PUT', '/customer-segment/acme/directory/customers', CUSTOMERS, 207)
      await call('PUT', `${SEGMENTS}/wholesale`, { name: { en: 'Wholesale buyers' }, siteCode: 'main', status: 'ACTIVE' }, 201)
      const preview = (await call('POST', `${SEGMENTS}/rule-preview`, { query: 'tags:wholesale OR attributes.spent:>=1000' }, 200)).json()
      assert.deepEqual([preview.matching, preview.total], [2, 3])
      await call('PUT', `${SEGMENTS}/wholesale/rule`, { query: 'tags:wholesale OR attributes.spent:>=1000' }, 201)
      const evaluation = await waitFor('the evaluation', async () => {
        const rule = (await call('GET', `${SEGMENTS}/wholesale/rule`, undefined, 200)).json()
        return rule.evaluation.state === 'DONE' && rule.evaluation
      })
      assert.deepEqual([evaluation.evaluated, evaluation.total, evaluation.added, evaluation.removed], [3, 3, 2, 0])

      const created = (await listener.lines(2)).map((line) => JSON.parse(line) as ListenedEvent)
      assert.deepEqual(created.map((r) => `${r.headers['ce-type']} ${r.event.customer.id} ${r.event.assignmentType}`).sort(), [
        'customer-segment.customer-assignment-created ada AUTOMATIC',
        'customer-segment.customer-assignment-created cyd AUTOMATIC',
      ])
      for (const r of created) assert.deepEqual(r.verification, { emporix: 'valid', standardWebhooks: 'valid' })
      assert.deepEqual(await viewOf('cyd'), [{ id: 'wholesale' }])

      await call('PUT', '/customer-segment/acme/directory/customers', [{ ...CUSTOMERS[2], tags: ['retail'] }], 207)
      const [left] = (await listener.lines(1)).map((line) => JSON.parse(line) as ListenedEvent)
      assert.equal(left.headers['ce-type'], 'customer-segment.customer-assignment-deleted')
      assert.deepEqual(left.event, { customerId: 'cyd', segmentId: 'wholesale', assignmentType: 'AUTOMATIC', tenant: 'acme' })
      assert.deepEqual(await viewOf('cyd'), [])

      const refused = await call('DELETE', `${SEGMENTS}/wholesale/customers/ada`, undefined, 409)
      assert.match(refused.json().message, /AUTOMATIC: the rule of segment wholesale manages it/)
    })
  })
}

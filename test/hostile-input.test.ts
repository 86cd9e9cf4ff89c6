/**
 * Hostile and careless input answers a quick 4xx in the error format and changes nothing, on each storage
 * engine: JSON Patch amplification, too many patch operations, documents over the stored-document limit,
 * bodies over the body limit, a NUL byte in paths, query strings and bodies, and q regular expressions
 * PostgreSQL could not run in bounded time.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DEFAULT_HTTP, DEFAULT_LIMITS } from '../src/config.js'
import { ENGINES, siblingApp, startTestApp, type TestApp } from './support/harness.js'
import { assertError, freshTenant, snapshot, type TenantClient, tenantClient } from './support/segment-helpers.js'
import { assertWebhookError, webhookClient } from './support/webhook-helpers.js'

const valid = { name: { en: 'Golden' }, siteCode: 'main' }

for (const engine of ENGINES) {
  describe(`hostile input on ${engine}`, () => {
    let t: TestApp
    let c: TenantClient
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    /** A fresh tenant with segment `x` (with mixins); returns its state to compare with afterwards. */
    async function prepared(prefix: string) {
      c = await tenantClient(t, freshTenant(prefix))
      await c.create({ ...valid, id: 'x', mixins: { profile: { tier: 'gold', notes: 'n'.repeat(800) } } })
      return snapshot(t, c.tenant)
    }

    const unchanged = async (before: Awaited<ReturnType<typeof snapshot>>) =>
      assert.deepEqual(await snapshot(t, c.tenant), before, 'the refused request changed nothing and made no event')

    /** The answer to `request`, asserting it came within `ms`. */
    async function quick(request: Parameters<TenantClient['call']>[0], ms = 2_000) {
      const started = performance.now()
      const res = await c.call(request)
      const took = performance.now() - started
      assert.ok(took < ms, `${request.method} ${request.url} took ${Math.round(took)} ms`)
      return res
    }

    it('stops a JSON Patch that doubles the document with copies at the document limit', async () => {
      const before = await prepared('amplify')
      const copies = Array.from({ length: 18 }, (_, i) => ({ op: 'copy', from: '/mixins', path: `/mixins/c${i}` }))
      const res = await quick({ method: 'PATCH', url: c.url('/x'), payload: copies })
      const body = assertError(res, 413)
      assert.match(body.message, /^The segment after operation \d+ \(copy \/mixins\/c\d+\) would take [\d,]+ bytes as stored; at most 65,536 are allowed/)
      await unchanged(before)
    })

    it('refuses a patch of more operations than the limit', async () => {
      const before = await prepared('manyops')
      const ops = Array.from({ length: DEFAULT_LIMITS.patchOperations + 1 }, () => ({ op: 'test', path: '/id', value: 'x' }))
      const body = assertError(await quick({ method: 'PATCH', url: c.url('/x'), payload: ops }), 400)
      assert.equal(body.message, `A patch takes at most ${DEFAULT_LIMITS.patchOperations} operations; this one has ${DEFAULT_LIMITS.patchOperations + 1}.`)
      await unchanged(before)
    })

    it('refuses a 9.9 MB mixin with 413 before reading it all, and an assignment over the document limit', async () => {
      const before = await prepared('bigmixin')
      const huge = { ...valid, mixins: { blob: { data: 'x'.repeat(9_900_000) } } }
      assertError(await quick({ method: 'POST', url: c.url(), payload: huge }), 413)
      const mixins = { blob: { data: 'x'.repeat(DEFAULT_LIMITS.documentBytes) } }
      const single = await quick({ method: 'PUT', url: c.url('/x/customers/c1'), payload: { mixins } })
      assert.match(assertError(single, 413).message, /^The assignment would take/)
      const bulk = await quick({ method: 'PUT', url: c.url('/x/customers/bulk'), payload: [{ customerId: 'c2' }, { customerId: 'c3', mixins }] })
      assert.equal(bulk.statusCode, 207, bulk.body)
      assert.deepEqual(
        bulk.json().map((item: { code: number }) => item.code),
        [201, 413],
      )
      const after = await snapshot(t, c.tenant)
      assert.equal(after.customers.length, before.customers.length + 1, 'the good bulk item only')
    })

    it('answers a NUL byte in a path, a query parameter or a body with a 400 naming it', async () => {
      const before = await prepared('nul')
      const webhook = await quick({ method: 'GET', url: `/webhook/${c.tenant}/config/a%00` })
      assertWebhookError(webhook, 400, /must not contain U\+0000/)
      for (const url of [c.url('/items?siteCode=%00'), c.url('/x/items/PRODUCT/p%00'), c.url('?q=id:a%00'), c.url('/x%00/customers')]) {
        const body = assertError(await quick({ method: 'GET', url }), 400)
        assert.match(body.message, /must not contain U\+0000/, url)
      }
      for (const [url, payload] of [
        [c.url('/x/customers/search'), { q: 'customer.id:a\u0000' }],
        [c.url('/x/customers/bulk'), [{ customerId: 'c\u0000' }]],
        [c.url('/match'), { siteCode: 'main\u0000', items: [{ id: 'p1' }], segmentIds: ['x'] }],
      ] as const) {
        const res = await quick({ method: url.endsWith('bulk') ? 'PUT' : 'POST', url, payload })
        assertError(res, 400)
      }
      await unchanged(before)
    })

    it('bounds list and event log pages in bytes, naming a page size that fits', async () => {
      await prepared('pagebytes')
      const small = await siblingApp(t, { limits: { ...DEFAULT_LIMITS, pageBytes: 256 * 1024 } })
      try {
        const client = await tenantClient(small, c.tenant)
        for (let i = 0; i < 10; i++) await client.create({ ...valid, id: `big${i}`, description: { en: 'd'.repeat(40_000) } })
        const list = assertError(await client.call({ method: 'GET', url: `${client.url()}?pageSize=11` }), 400)
        assert.match(list.message, /^Invalid pageSize: this page would take [\d,]+ bytes, more than the 262,144 a page may; ask for at most about \d per page$/)
        const fits = await client.call({ method: 'GET', url: `${client.url()}?pageSize=5` })
        assert.equal(fits.statusCode, 200, fits.body)
        assert.equal(fits.json().length, 5)
        const log = assertError(await client.call({ method: 'GET', url: `/webhook/${c.tenant}/events?pageSize=20` }), 400)
        assert.match(log.message, /^Invalid pageSize: this page would take/)
        assert.equal((await client.call({ method: 'GET', url: `/webhook/${c.tenant}/events?pageSize=4` })).statusCode, 200)
      } finally {
        await small.close()
      }
    })

    it('refuses a webhook destination on an internal address when the config is written', async () => {
      const strict = await siblingApp(t, { allowPrivateDestinations: false })
      try {
        const w = await webhookClient(strict, freshTenant('ssrfcfg'))
        const config = (destinationUrl: string, entryUrl?: string) => ({
          code: 'http',
          provider: 'HTTP',
          active: true,
          configuration: { destinationUrl, eventsConfiguration: entryUrl ? [{ eventType: 'customer-segment.segment-created', destinationUrl: entryUrl }] : [] },
        })
        const post = (body: unknown) => w.call({ method: 'POST', url: w.url('/config'), payload: body as never })
        for (const url of ['http://127.0.0.1:4000/x', 'http://[::127.0.0.1]:4000/', 'http://[::ffff:10.0.0.1]/', 'http://localhost:4000/', 'http://192.168.1.1/', 'http://u:pw@10.1.2.3/']) {
          const body = assertWebhookError(await post(config(url)), 400, /DELIVERY_ALLOW_PRIVATE=true/)
          assert.match(body.details?.[0] ?? '', /^configuration\.destinationUrl: /)
          assert.ok(!body.message.includes(':pw@'), 'a password is not echoed')
        }
        assertWebhookError(await post(config('http://169.254.169.254/latest')), 400, /cloud metadata address; the service does not deliver there \(never\)/)
        const entry = assertWebhookError(await post(config('https://hooks.example.com/in', 'http://10.0.0.5/in')), 400)
        assert.match(entry.details?.[0] ?? '', /^configuration\.eventsConfiguration\.0\.destinationUrl: /)
        await w.create(config('https://hooks.example.com/in'))
        const patched = await w.patch([{ op: 'UPSERT', path: '/configuration/http/destinationUrl', value: 'http://127.0.0.1/' }])
        assertWebhookError(patched, 400, /loopback address/)
        assert.equal((await w.read()).configuration.destinationUrl, 'https://hooks.example.com/in', 'the refused patch changed nothing')
      } finally {
        await strict.close()
      }
    })

    it('limits the requests of one tenant per second when told to, leaving the others and the health checks alone', async () => {
      const limited = await siblingApp(t, { http: { ...DEFAULT_HTTP, tenantRateLimit: 5 } })
      try {
        const busy = await tenantClient(limited, freshTenant('busy'))
        const calm = await tenantClient(limited, freshTenant('calm'))
        const answers = await Promise.all(Array.from({ length: 12 }, () => busy.call({ method: 'GET', url: busy.url() })))
        const refused = answers.filter((res) => res.statusCode === 429)
        assert.ok(refused.length >= 5, `${refused.length} of 12 refused`)
        assert.equal(answers.length - refused.length, 5, 'the limit, and no more')
        const body = assertError(refused[0], 429, /^Too many requests for this tenant: at most 5 per second; try again in 1 s\.$/)
        assert.equal(body.code, 429)
        assert.equal(refused[0].headers['retry-after'], '1')
        assert.equal((await calm.call({ method: 'GET', url: calm.url() })).statusCode, 200, 'another tenant is not held up')
        for (let i = 0; i < 10; i++) assert.equal((await limited.call({ method: 'GET', url: '/health', token: null })).statusCode, 200)
      } finally {
        await limited.close()
      }
    })

    it('refuses a q regular expression that would not run in bounded time, on either engine', async () => {
      await prepared('qregex')
      for (const q of ['name.en:~(a{1,255}){1,255}', 'name.en:~(a)\\1', `name.en:~${'a'.repeat(300)}`]) {
        const body = assertError(await quick({ method: 'GET', url: `${c.url()}?q=${encodeURIComponent(q)}` }), 400)
        assert.match(body.message, /^Invalid q: Invalid regex for 'name\.en'/)
      }
    })
  })
}

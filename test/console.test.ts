/**
 * What the console needs of the service, on each engine: the page and its bundle under a strict CSP, the
 * one-time links of `segments console`, and the two tryout routes (a filter against a sample payload, a
 * signed test event to a target), including bad input. The page itself is driven in console-browser.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import { Webhook as SvixWebhook } from 'svix'
import { mintConsoleLink } from '../src/auth/console-link.js'
import { sharedSecret } from '../src/auth/signing-key.js'
import { CONTENT_SECURITY_POLICY } from '../src/http/routes/page-response.js'
import { configureWebhook, type Receiver, startReceiver } from './support/delivery-helpers.js'
import { ENGINES, startTestApp, TEST_SECRET, type TestApp } from './support/harness.js'
import { freshTenant } from './support/segment-helpers.js'

const KEY = sharedSecret(new TextEncoder().encode(TEST_SECRET), 'TEST_SECRET')
const OTHER_KEY = sharedSecret(new TextEncoder().encode('another-secret-that-is-long-enough-for-hs256'), 'other')
const SECRET = 'console-test-secret'

for (const engine of ENGINES) {
  describe(`the console's routes on ${engine}`, () => {
    let t: TestApp
    let receiver: Receiver
    before(async () => {
      t = await startTestApp(engine)
      receiver = await startReceiver()
    })
    after(async () => {
      await t.close()
      await receiver.close()
    })

    it('serves the page and its bundle from this origin under a strict CSP, and nothing else', async () => {
      const page = await t.call({ method: 'GET', url: '/console', token: null })
      assert.equal(page.statusCode, 200)
      assert.equal(page.headers['content-security-policy'], CONTENT_SECURITY_POLICY)
      assert.match(page.headers['content-type'] as string, /^text\/html/)
      const scripts = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1])
      assert.deepEqual(scripts.sort(), ['/console/assets/console.css', '/console/assets/console.js', '/console/assets/favicon.svg'])
      assert.doesNotMatch(page.body, /<script>|<style>|style=/, 'nothing inline')
      for (const asset of scripts) {
        const answer = await t.call({ method: 'GET', url: asset, token: null })
        assert.equal(answer.statusCode, 200, asset)
        assert.equal(answer.headers['content-security-policy'], CONTENT_SECURITY_POLICY)
      }
      const script = await t.call({ method: 'GET', url: '/console/assets/console.js', token: null })
      assert.match(script.headers['content-type'] as string, /^text\/javascript/)
      assert.doesNotMatch(script.body, /\beval\(|new Function\(/, 'the bundle needs no unsafe-eval')
      for (const name of ['..%2Fpackage.json', 'index.html', 'nothing.js', '%2e%2e%2f%2e%2e%2fpackage.json']) {
        const missing = await t.call({ method: 'GET', url: `/console/assets/${name}`, token: null })
        assert.equal(missing.statusCode, 404, name)
        assert.equal(missing.json().code, 404)
      }
    })

    it('exchanges a console link once for an operator token of its tenant', async () => {
      const tenant = freshTenant('link')
      const link = await mintConsoleLink(KEY, tenant)
      // The link itself grants nothing: it has no scopes.
      const asBearer = await t.call({ method: 'GET', url: `/customer-segment/${tenant}/segments`, token: link })
      assert.equal(asBearer.statusCode, 403)

      const opened = await t.call({ method: 'POST', url: '/console/session', token: null, payload: { key: link } })
      assert.equal(opened.statusCode, 200, opened.body)
      assert.equal(opened.json().tenant, tenant)
      const list = await t.call({ method: 'GET', url: `/customer-segment/${tenant}/segments`, token: opened.json().token })
      assert.equal(list.statusCode, 200)
      const webhooks = await t.call({ method: 'GET', url: `/webhook/${tenant}/config`, token: opened.json().token })
      assert.equal(webhooks.statusCode, 200)

      const again = await t.call({ method: 'POST', url: '/console/session', token: null, payload: { key: link } })
      assert.equal(again.statusCode, 401)
      assert.match(again.json().message, /used or has expired/)
    })

    it('refuses expired, foreign, malformed and other-typed links with a 401 or 400, storing nothing', async () => {
      const tenant = freshTenant('link')
      const expired = await mintConsoleLink(KEY, tenant, new Date(Date.now() - 11 * 60_000))
      const foreign = await mintConsoleLink(OTHER_KEY, tenant)
      const bearer = await t.token({ tenant })
      for (const key of [expired, foreign, bearer, 'not-a-jwt', `${'a'.repeat(100)}.${'b'.repeat(100)}.c`]) {
        const answer = await t.call({ method: 'POST', url: '/console/session', token: null, payload: { key } })
        assert.equal(answer.statusCode, 401, key.slice(0, 20))
      }
      for (const payload of [{}, { key: '' }, { key: 'x'.repeat(5000) }, { key: 'x', extra: 1 }, { key: 7 }]) {
        const answer = await t.call({ method: 'POST', url: '/console/session', token: null, payload })
        assert.equal(answer.statusCode, 400, JSON.stringify(payload).slice(0, 40))
      }
      const used = await t.database.db.selectFrom('console_link_use').select('jti').execute()
      assert.equal(used.length, 1, 'only the link opened in the test before is remembered')
    })

    it('tries a filter against a sample payload as routing would, and refuses a bad filter with a 400', async () => {
      const tenant = freshTenant('filter')
      const check = (body: unknown) => t.call({ method: 'POST', url: `/webhook/${tenant}/filter-check`, payload: body as object, token: undefined })
      const tokenFor = await t.token({ tenant })
      const call = (body: unknown) => t.call({ method: 'POST', url: `/webhook/${tenant}/filter-check`, payload: body as object, token: tokenFor })
      assert.deepEqual((await call({ filter: "$[?(@.status == 'ACTIVE')]", payload: { status: 'ACTIVE' } })).json(), { matched: true })
      assert.deepEqual((await call({ filter: "$[?(@.status == 'ACTIVE')]", payload: { status: 'INACTIVE' } })).json(), { matched: false })
      // Jayway syntax, as the config accepts it.
      assert.deepEqual((await call({ filter: "$[?(@.name.en =~ /Gold.*/)]", payload: { name: { en: 'Gold customers' } } })).json(), { matched: true })
      assert.deepEqual((await call({ filter: '', payload: {} })).json(), { matched: true })
      const invalid = await call({ filter: '$[?(@.status ==', payload: {} })
      assert.equal(invalid.statusCode, 400)
      assert.match(invalid.json().details.field, /filter/)
      for (const body of [{ filter: 'x'.repeat(5000), payload: {} }, { filter: '$', payload: [] }, { filter: '$' }, { filter: '$', payload: {}, more: 1 }]) {
        assert.equal((await call(body)).statusCode, 400, JSON.stringify(body).slice(0, 40))
      }
      // A payload that costs more than the filter budget: not a match, with the reason, and no 5xx.
      const wide = { items: Array.from({ length: 60_000 }, (_, index) => ({ id: index })) }
      const costly = await call({ filter: '$[?(@.items[?(@.id == -1)])]', payload: wide })
      assert.equal(costly.statusCode, 200)
      assert.equal(costly.json().matched, false)
      assert.match(costly.json().error, /./)
      assert.equal((await check({ filter: '$', payload: {} })).statusCode, 403, "another tenant's token")
    })

    it('sends a signed test event to a target, outside the log; 404 for a target that does not take deliveries', async () => {
      const tenant = freshTenant('testing')
      const token = await t.token({ tenant })
      await configureWebhook(t.database.db, tenant, { destinationUrl: `${receiver.url}/test-event`, secretKey: SECRET })
      const sent = await t.call({ method: 'POST', url: `/webhook/${tenant}/targets/http/default/test`, token })
      assert.equal(sent.statusCode, 200, sent.body)
      const result = sent.json()
      assert.equal(result.status, 204)
      assert.equal(result.error, null)
      const [request] = receiver.to('/test-event', result.webhookId)
      assert.ok(request, 'the receiver got it')
      assert.equal(request.headers['ce-type'], 'webhook.test')
      new StandardWebhook(Buffer.from(SECRET).toString('base64')).verify(request.body, request.headers as Record<string, string>)
      assert.equal(JSON.parse(request.body).test, true)
      const events = await t.call({ method: 'GET', url: `/webhook/${tenant}/events`, token })
      assert.deepEqual(events.json(), [], 'nothing was published')

      // The receiver's answer is reported, whatever it is.
      receiver.reply = () => ({ status: 500, body: 'broken' })
      const failing = (await t.call({ method: 'POST', url: `/webhook/${tenant}/targets/http/default/test`, token })).json()
      receiver.reply = () => ({})
      assert.equal(failing.status, 500)
      assert.equal(failing.responseExcerpt, 'broken')

      for (const url of [`/webhook/${tenant}/targets/http/nothing/test`, `/webhook/${tenant}/targets/nothing/default/test`, `/webhook/${freshTenant('none')}/targets/http/default/test`]) {
        const answer = await t.call({ method: 'POST', url, token: url.includes(tenant) ? token : undefined })
        assert.equal(answer.statusCode, url.includes(tenant) ? 404 : 403, url)
      }
      const readOnly = await t.token({ tenant, scopes: ['webhook.subscription_read'] })
      assert.equal((await t.call({ method: 'POST', url: `/webhook/${tenant}/targets/http/default/test`, token: readOnly })).statusCode, 403)
    })

    it('signs a test event to a portal endpoint under the svix-* names too', async () => {
      const tenant = freshTenant('svixtest')
      const token = await t.token({ tenant })
      const config = await t.call({ method: 'POST', url: `/webhook/${tenant}/config`, token, payload: { code: 'svix_shared', provider: 'SVIX_SHARED', active: true, configuration: {} } })
      assert.equal(config.statusCode, 201, config.body)
      const endpoint = await t.call({ method: 'POST', url: `/webhook/${tenant}/portal/endpoints`, token, payload: { url: `${receiver.url}/svix-test` } })
      assert.equal(endpoint.statusCode, 201, endpoint.body)
      const { id } = endpoint.json()
      const secret = (await t.call({ method: 'GET', url: `/webhook/${tenant}/portal/endpoints/${id}/secret`, token })).json().key
      const sent = await t.call({ method: 'POST', url: `/webhook/${tenant}/targets/svix_shared/${id}/test`, token })
      assert.equal(sent.statusCode, 200, sent.body)
      const [request] = receiver.to('/svix-test', sent.json().webhookId)
      new SvixWebhook(secret).verify(request.body, request.headers as Record<string, string>)
    })
  })
}

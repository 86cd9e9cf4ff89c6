/**
 * The platform's default webhook provider, end to end on each storage engine: an SVIX_SHARED config made
 * with the contract's example, its endpoints kept under /webhook/{tenant}/portal/endpoints (with checks,
 * secret reveal and rotation, the disabled flag and event type choice), and deliveries to a real receiver
 * on loopback that the `svix` package's own verifier accepts from the `svix-*` headers, as receivers
 * written for that provider do, and the `standardwebhooks` one from the `webhook-*` headers.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import { Webhook as SvixWebhook } from 'svix'
import { type Receiver, startReceiver, subscribe, waitFor } from './support/delivery-helpers.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { freshTenant, tenantClient } from './support/segment-helpers.js'
import { assertWebhookError, EXAMPLES, webhookClient } from './support/webhook-helpers.js'

const CREATED = 'customer-segment.segment-created'
const UPDATED = 'customer-segment.segment-updated'
const minimal = (name: string) => ({ name: { en: name }, siteCode: 'main' })

for (const engine of ENGINES) {
  describe(`SVIX_SHARED endpoints on ${engine}`, () => {
    let t: TestApp
    let receiver: Receiver
    before(async () => {
      t = await startTestApp(engine, { delivery: {} })
      receiver = await startReceiver()
    })
    after(async () => {
      await t.close()
      await receiver.close()
    })

    async function shared(prefix: string) {
      const c = await webhookClient(t, freshTenant(prefix))
      await c.create(EXAMPLES.create.SVIX_SHARED)
      const endpoints = c.url('/portal/endpoints')
      const add = async (body: Record<string, unknown>) => {
        const res = await c.call({ method: 'POST', url: endpoints, payload: body })
        assert.equal(res.statusCode, 201, res.body)
        return res.json() as { id: string; url: string; eventTypes: string[] | null; disabled: boolean; description: string }
      }
      const secret = async (id: string) => {
        const res = await c.call({ method: 'GET', url: `${endpoints}/${id}/secret` })
        assert.equal(res.statusCode, 200, res.body)
        return res.json().key as string
      }
      return { c, endpoints, add, secret }
    }

    it('delivers to each endpoint signed under the svix-* and webhook-* names, which both verifiers accept', async () => {
      const { c, add, secret } = await shared('svixdeliver')
      const all = await add({ url: `${receiver.url}/all`, description: 'Everything' })
      const some = await add({ url: `${receiver.url}/some`, eventTypes: [UPDATED.toUpperCase()] })
      assert.match(await secret(all.id), /^whsec_/)
      assert.deepEqual(some.eventTypes, [UPDATED], 'event types are stored as the catalogue spells them')
      await subscribe(t.database.db, c.tenant, [CREATED, UPDATED])
      const segments = await tenantClient(t, c.tenant)
      await segments.create(minimal('One'))
      const [event] = await segments.events()
      const [request] = await waitFor('the delivery', () => receiver.to('/all', event.id).length > 0 && receiver.to('/all', event.id))
      const h = request.headers as Record<string, string>
      assert.equal(h['svix-id'], event.id)
      assert.equal(h['svix-timestamp'], h['webhook-timestamp'])
      assert.equal(h['svix-signature'], h['webhook-signature'])
      assert.deepEqual(new SvixWebhook(await secret(all.id)).verify(request.body, h), JSON.parse(request.body))
      new StandardWebhook(await secret(all.id)).verify(request.body, h)
      assert.throws(() => new SvixWebhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(request.body, h), 'another secret does not verify')
      // The endpoint that names only updates received nothing of the creation.
      assert.equal(receiver.to('/some', event.id).length, 0)
    })

    it('rotates a secret: the new one verifies, the old one too during the grace period', async () => {
      const { c, endpoints, add, secret } = await shared('svixrotate')
      const endpoint = await add({ url: `${receiver.url}/rotate` })
      const before = await secret(endpoint.id)
      assert.equal((await c.call({ method: 'POST', url: `${endpoints}/${endpoint.id}/secret/rotate`, payload: {} })).statusCode, 204)
      const after = await secret(endpoint.id)
      assert.notEqual(after, before)
      await subscribe(t.database.db, c.tenant, [CREATED])
      const segments = await tenantClient(t, c.tenant)
      await segments.create(minimal('Rotated'))
      const [event] = await segments.events()
      const [request] = await waitFor('the delivery', () => receiver.to('/rotate', event.id).length > 0 && receiver.to('/rotate', event.id))
      for (const key of [after, before]) new SvixWebhook(key).verify(request.body, request.headers as Record<string, string>)
      const chosen = 'whsec_' + Buffer.alloc(32, 7).toString('base64')
      assert.equal((await c.call({ method: 'POST', url: `${endpoints}/${endpoint.id}/secret/rotate`, payload: { key: chosen } })).statusCode, 204)
      assert.equal(await secret(endpoint.id), chosen)
    })

    it('sends nothing to a disabled endpoint, nor while the config is inactive', async () => {
      const { c, endpoints, add } = await shared('svixoff')
      const off = await add({ url: `${receiver.url}/off`, disabled: true })
      const on = await add({ url: `${receiver.url}/on` })
      await subscribe(t.database.db, c.tenant, [CREATED])
      const segments = await tenantClient(t, c.tenant)
      await segments.create(minimal('A'))
      const [first] = await segments.events()
      await waitFor('the delivery', () => receiver.to('/on', first.id).length > 0)
      assert.equal(receiver.to('/off', first.id).length, 0)
      const res = await c.call({ method: 'PATCH', url: `${endpoints}/${on.id}`, payload: { disabled: true } })
      assert.equal(res.json().disabled, true)
      assert.equal((await c.call({ method: 'PATCH', url: `${endpoints}/${off.id}`, payload: { disabled: false } })).statusCode, 200)
      assert.equal((await c.call({ method: 'PATCH', url: c.url('/config/svix_shared'), payload: [{ op: 'UPSERT', path: '/active', value: false }] })).statusCode, 204)
      await segments.create(minimal('B'))
      // Routed while the config is inactive: the dispatcher has handled B before the config is active again.
      const b = (await segments.events())[1]
      await waitFor('B dispatched', async () => {
        const row = await t.database.db.selectFrom('outbox_event').select('dispatched_at').where('id', '=', b.id).executeTakeFirst()
        return row?.dispatched_at != null
      })
      assert.equal((await c.call({ method: 'PATCH', url: c.url('/config/svix_shared'), payload: [{ op: 'UPSERT', path: '/active', value: true }] })).statusCode, 204)
      await segments.create(minimal('C'))
      const [, second, third] = await segments.events()
      await waitFor('the delivery to the endpoint enabled again', () => receiver.to('/off', third.id).length > 0)
      assert.equal(receiver.to('/off', second.id).length + receiver.to('/on', second.id).length, 0, 'an inactive config delivers nothing')
      assert.equal(receiver.to('/on', third.id).length, 0, 'a disabled endpoint receives nothing')
    })

    it('refuses bad endpoints with a 400 naming the field, and changes nothing', async () => {
      const { c, endpoints, add } = await shared('svixbad')
      const endpoint = await add({ url: `${receiver.url}/bad`, description: 'Kept' })
      const refused: [Record<string, unknown>, RegExp][] = [
        [{ url: 'ftp://example.com/hook' }, /url/],
        [{ url: 'http://169.254.169.254/latest' }, /cloud metadata/],
        [{ url: `${receiver.url}/x`, eventTypes: ['not an event type'] }, /eventTypes.0/],
        [{ url: `${receiver.url}/x`, secret: 'plain-password' }, /whsec_/],
        [{ url: `${receiver.url}/x`, secret: `whsec_${Buffer.alloc(8).toString('base64')}` }, /whsec_|bytes/],
        [{ url: `${receiver.url}/x`, unknown: true }, /unknown/],
      ]
      for (const [body, message] of refused) {
        const res = await c.call({ method: 'POST', url: endpoints, payload: body })
        const error = assertWebhookError(res, 400)
        assert.match(JSON.stringify(error), message, JSON.stringify(body))
      }
      assertWebhookError(await c.call({ method: 'PATCH', url: `${endpoints}/${endpoint.id}`, payload: {} }), 400)
      assertWebhookError(await c.call({ method: 'PATCH', url: `${endpoints}/${endpoint.id}`, payload: { url: 'not a url' } }), 400)
      assertWebhookError(await c.call({ method: 'POST', url: `${endpoints}/${endpoint.id}/secret/rotate`, payload: { key: 'short' } }), 400)
      assertWebhookError(await c.call({ method: 'GET', url: `${endpoints}/ep_none` }), 404)
      assertWebhookError(await c.call({ method: 'DELETE', url: `${endpoints}/ep_none` }), 404)
      const listed = (await c.call({ method: 'GET', url: endpoints })).json()
      assert.deepEqual(listed.map((e: { id: string; description: string }) => [e.id, e.description]), [[endpoint.id, 'Kept']])
      assert.equal((await c.call({ method: 'DELETE', url: `${endpoints}/${endpoint.id}` })).statusCode, 204)
      assert.deepEqual((await c.call({ method: 'GET', url: endpoints })).json(), [])
    })

    it('answers dashboard-access with a one-time portal link and a token of the webhook scopes', async () => {
      const { c } = await shared('svixdash')
      const res = await c.call({ method: 'GET', url: c.url('/dashboard-access') })
      assert.equal(res.statusCode, 200, res.body)
      const { url, token } = res.json() as { url: string; token: string }
      const link = new URL(url)
      assert.equal(link.pathname, '/portal')
      const key = new URLSearchParams(link.hash.slice(1)).get('key') as string
      assert.ok(key.length >= 40, 'the key is in the fragment, never sent in a request line')
      const endpoints = await c.call({ method: 'GET', url: c.url('/portal/endpoints'), token })
      assert.equal(endpoints.statusCode, 200, 'the token reads the endpoints')
      const open = (body: unknown) => t.call({ method: 'POST', url: '/portal/session', payload: body as object, token: null })
      const session = await open({ key })
      assert.equal(session.statusCode, 200, session.body)
      assert.equal(session.json().tenant, c.tenant)
      assert.equal((await c.call({ method: 'POST', url: c.url('/portal/endpoints'), payload: { url: `${receiver.url}/portal` }, token: session.json().token })).statusCode, 201)
      assert.equal((await open({ key })).statusCode, 401, 'a link opens once')
      assert.equal((await open({ key: 'x'.repeat(43) })).statusCode, 401)
      assert.equal((await open({})).statusCode, 400)
      const other = await webhookClient(t, freshTenant('svixdashother'))
      assert.equal((await other.call({ method: 'GET', url: `/webhook/${other.tenant}/portal/endpoints`, token: session.json().token })).statusCode, 403, 'the token is for its tenant only')
      const reader = await webhookClient(t, c.tenant, ['webhook.subscription_read'])
      assertWebhookError(await reader.call({ method: 'GET', url: c.url('/dashboard-access') }), 403)
    })

    it('serves the portal page and its files from this origin under a strict Content-Security-Policy', async () => {
      for (const path of ['/portal', '/portal/assets/portal.js', '/portal/assets/portal.css', '/portal/assets/favicon.svg']) {
        const res = await t.call({ method: 'GET', url: path, token: null })
        assert.equal(res.statusCode, 200, path)
        const csp = String(res.headers['content-security-policy'])
        assert.match(csp, /default-src 'none'/)
        assert.match(csp, /script-src 'self'/)
        assert.doesNotMatch(csp, /unsafe/)
        // Addresses that are not fetched: XML namespaces (Preact's SVG, MathML and XHTML), the placeholder of the URL field.
        const named = res.body.replace(/http:\/\/www\.w3\.org\/\d{4}\/[A-Za-z/]+/g, '').replaceAll('https://example.com/webhooks', '')
        assert.ok(!/https?:\/\//.test(named), `${path} names no other origin`)
      }
      assert.equal((await t.call({ method: 'GET', url: '/portal/assets/other.js', token: null })).statusCode, 404)
    })

    it('keeps secrets to the manage scope, and endpoints to their tenant', async () => {
      const { c, endpoints, add } = await shared('svixscope')
      const endpoint = await add({ url: `${receiver.url}/scope` })
      const reader = await webhookClient(t, c.tenant, ['webhook.subscription_read'])
      assert.equal((await reader.call({ method: 'GET', url: endpoints })).statusCode, 200)
      assertWebhookError(await reader.call({ method: 'GET', url: `${endpoints}/${endpoint.id}/secret` }), 403)
      assertWebhookError(await reader.call({ method: 'POST', url: endpoints, payload: { url: `${receiver.url}/x` } }), 403)
      const other = await webhookClient(t, freshTenant('svixother'))
      assertWebhookError(await other.call({ method: 'GET', url: `/webhook/${other.tenant}/portal/endpoints/${endpoint.id}` }), 404)
      assert.ok(!JSON.stringify((await c.call({ method: 'GET', url: endpoints })).json()).includes('whsec_'), 'lists never show a secret')
    })
  })
}

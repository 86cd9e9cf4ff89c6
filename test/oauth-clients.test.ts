/**
 * API credentials: clients managed through the admin API (`/customer-segment/{tenant}/api-clients`) and
 * exchanged for tokens at POST /oauth/token (client credentials grant, form or HTTP Basic), tokens that
 * work on the segment routes, narrowed scopes, RFC 6749 errors, rotation and revocation, tenant isolation,
 * and the public key of an asymmetric signing key at /.well-known/jwks.json, usable by jose's
 * createRemoteJWKSet. The `segments clients` and `segments token` commands are in oauth-cli.test.ts.
 */
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { mintToken } from '../src/auth/mint-token.js'
import { SCOPES } from '../src/auth/principal.js'
import { keyPairFromPem, type KeyPair } from '../src/auth/signing-key.js'
import { createTokenVerifier } from '../src/auth/verify-token.js'
import { loadConfig } from '../src/config.js'
import { buildApp } from '../src/http/app.js'
import { ENGINES, startTestApp, type TestApp, TEST_TOKEN_TTL_SECONDS } from './support/harness.js'
import { assertError, freshTenant, MESSAGES, type Response } from './support/segment-helpers.js'

const FORM = 'application/x-www-form-urlencoded'
const clientsUrl = (tenant: string, path = '') => `/customer-segment/${tenant}/api-clients${path}`
const segmentsUrl = (tenant: string) => `/customer-segment/${tenant}/segments`

interface CreatedClient {
  clientId: string
  clientSecret: string
  scopes: string[]
  name?: string
  createdAt: string
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`
}

/** An RFC 6749 §5.2 error: only `error` and `error_description`, never cached. */
function assertOAuthError(res: Response, status: number, error: string, description?: RegExp): string {
  assert.equal(res.statusCode, status, res.body)
  assert.match(String(res.headers['content-type']), /^application\/json/)
  assert.equal(res.headers['cache-control'], 'no-store')
  const body = res.json()
  assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description'], res.body)
  assert.equal(body.error, error, res.body)
  if (description) assert.match(body.error_description, description)
  if (status === 401) assert.match(String(res.headers['www-authenticate']), /^Basic realm=/)
  return body.error_description
}

/** RSA keys are slow to make; each test key is an EC or Ed25519 one. */
function pem(type: 'ec' | 'ed25519'): string {
  const { privateKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519')
  return privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
}

for (const engine of ENGINES) {
  describe(`API clients and /oauth/token on ${engine}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    /** An admin token of `tenant` (all scopes, client management included, unless `scopes` says otherwise). */
    const admin = (tenant: string, scopes?: string[]) => t.token({ tenant, ...(scopes ? { scopes } : {}) })

    async function create(tenant: string, body: Record<string, unknown>, token?: string): Promise<CreatedClient> {
      const res = await t.call({ method: 'POST', url: clientsUrl(tenant), payload: body, token: token ?? (await admin(tenant)) })
      assert.equal(res.statusCode, 201, res.body)
      return res.json()
    }

    function requestToken(parameters: Record<string, string>, headers: Record<string, string> = {}) {
      return t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': FORM, ...headers }, payload: new URLSearchParams(parameters).toString() })
    }

    const credentials = (client: CreatedClient) => ({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret })

    async function tokenOf(client: CreatedClient, extra: Record<string, string> = {}): Promise<string> {
      const res = await requestToken({ ...credentials(client), ...extra })
      assert.equal(res.statusCode, 200, res.body)
      return res.json().access_token
    }

    describe('the admin API', () => {
      it('creates a client and shows its secret once: the list and the client read never show it', async () => {
        const tenant = freshTenant('create')
        const res = await t.call({
          method: 'POST',
          url: clientsUrl(tenant),
          payload: { name: 'ERP sync', scopes: [SCOPES.segmentRead, SCOPES.segmentManage] },
          token: await admin(tenant),
        })
        assert.equal(res.statusCode, 201, res.body)
        assert.equal(res.headers['cache-control'], 'no-store')
        const client = res.json()
        assert.match(client.clientId, /^[0-9a-f]{32}$/)
        assert.match(client.clientSecret, /^[A-Za-z0-9_-]{43}$/)
        assert.deepEqual(client.scopes, [SCOPES.segmentRead, SCOPES.segmentManage])
        assert.equal(client.name, 'ERP sync')
        assert.ok(Date.now() - Date.parse(client.createdAt) < 60_000)
        assert.equal(client.lastUsedAt, undefined)

        const second = await create(tenant, { scopes: [SCOPES.webhookRead] })
        assert.notEqual(second.clientSecret, client.clientSecret)
        const list = await t.call({ method: 'GET', url: clientsUrl(tenant), token: await admin(tenant) })
        assert.equal(list.statusCode, 200)
        assert.deepEqual(
          list.json().map((c: CreatedClient) => c.clientId),
          [client.clientId, second.clientId],
          'oldest first',
        )
        assert.ok(!list.body.includes(client.clientSecret) && !list.body.includes('clientSecret'))
        const one = await t.call({ method: 'GET', url: clientsUrl(tenant, `/${client.clientId}`), token: await admin(tenant) })
        assert.equal(one.statusCode, 200)
        const { clientSecret: _secret, ...shown } = client
        assert.deepEqual(one.json(), shown)

        const stored = await t.database.db.selectFrom('api_client').selectAll().where('id', '=', client.clientId).executeTakeFirstOrThrow()
        assert.ok(!JSON.stringify(stored).includes(client.clientSecret), 'the secret itself is not stored')
      })

      it('refuses bad input with a 400 naming the field, and creates nothing', async () => {
        const tenant = freshTenant('badinput')
        const token = await admin(tenant)
        const cases: [unknown, RegExp][] = [
          [{ scopes: [] }, /scopes/],
          [{}, /scopes/],
          [{ scopes: ['customersegment.segment_admin'] }, /scopes/],
          [{ scopes: [SCOPES.segmentReadOwn] }, /scopes/],
          [{ scopes: [SCOPES.segmentRead, SCOPES.segmentRead] }, /scopes/],
          [{ scopes: [SCOPES.segmentRead], name: 'n'.repeat(101) }, /name/],
          [{ scopes: [SCOPES.segmentRead], name: '' }, /name/],
          [{ scopes: [SCOPES.segmentRead], clientSecret: 'mine' }, /clientSecret/],
        ]
        for (const [payload, field] of cases) {
          assertError(await t.call({ method: 'POST', url: clientsUrl(tenant), payload: payload as object, token }), 400, field)
        }
        assert.deepEqual((await t.call({ method: 'GET', url: clientsUrl(tenant), token })).json(), [])
        assertError(await t.call({ method: 'GET', url: clientsUrl(tenant, '/not-a-client-id'), token }), 400, /clientId/)
      })

      it('keeps a tenant to 100 clients', async () => {
        const tenant = freshTenant('many')
        const token = await admin(tenant)
        for (let i = 0; i < 100; i++) await create(tenant, { scopes: [SCOPES.segmentRead] }, token)
        const error = assertError(await t.call({ method: 'POST', url: clientsUrl(tenant), payload: { scopes: [SCOPES.segmentRead] }, token }), 400, /at most 100 API clients/)
        assert.equal(error.details.type, 'too_many_clients')
        assert.equal((await t.call({ method: 'GET', url: clientsUrl(tenant), token })).json().length, 100)
      })

      it('needs customersegment.client_manage, and hands out only scopes the caller holds', async () => {
        const tenant = freshTenant('scopeadm')
        const client = await create(tenant, { scopes: [SCOPES.segmentManage] })
        const without = await admin(tenant, [SCOPES.segmentManage, SCOPES.segmentRead])
        for (const [method, url, payload] of [
          ['GET', clientsUrl(tenant)],
          ['POST', clientsUrl(tenant), { scopes: [SCOPES.segmentRead] }],
          ['GET', clientsUrl(tenant, `/${client.clientId}`)],
          ['POST', clientsUrl(tenant, `/${client.clientId}/rotate`), {}],
          ['DELETE', clientsUrl(tenant, `/${client.clientId}`)],
        ] as const) {
          assertError(await t.call({ method, url, payload, token: without }), 403, MESSAGES.missingScope(SCOPES.clientManage))
        }

        const limited = await admin(tenant, [SCOPES.clientManage, SCOPES.segmentRead])
        const escalation = assertError(
          await t.call({ method: 'POST', url: clientsUrl(tenant), payload: { scopes: [SCOPES.segmentRead, SCOPES.segmentManage] }, token: limited }),
          403,
          new RegExp(`lacks ${SCOPES.segmentManage}\\.$`),
        )
        assert.equal(escalation.details.type, 'missing_scope')
        assertError(await t.call({ method: 'POST', url: clientsUrl(tenant, `/${client.clientId}/rotate`), token: limited }), 403, new RegExp(SCOPES.segmentManage))
        assert.equal((await t.call({ method: 'GET', url: clientsUrl(tenant), token: limited })).json().length, 1, 'nothing was created')
        await tokenOf(client)
        // Listing and revoking hand out nothing.
        assert.equal((await t.call({ method: 'DELETE', url: clientsUrl(tenant, `/${client.clientId}`), token: limited })).statusCode, 204)
        await create(tenant, { scopes: [SCOPES.segmentRead] }, limited)
      })
    })

    describe('POST /oauth/token', () => {
      it('answers a form request as the platform does, with a token that works on the segment routes', async () => {
        const tenant = freshTenant('form')
        const client = await create(tenant, { scopes: [SCOPES.segmentManage, SCOPES.segmentRead] })
        const res = await requestToken(credentials(client))
        assert.equal(res.statusCode, 200, res.body)
        assert.equal(res.headers['cache-control'], 'no-store')
        assert.equal(res.headers.pragma, 'no-cache')
        const body = res.json()
        assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'refresh_token', 'refresh_token_expires_in', 'scope', 'session_idle_time', 'token_type'])
        assert.equal(body.token_type, 'Bearer')
        assert.equal(body.expires_in, TEST_TOKEN_TTL_SECONDS)
        assert.equal(body.scope, `tenant=${tenant} ${SCOPES.segmentManage} ${SCOPES.segmentRead}`)
        assert.equal(body.refresh_token, '')
        assert.equal(body.refresh_token_expires_in, 0)
        assert.equal(body.session_idle_time, TEST_TOKEN_TTL_SECONDS / 60)
        const claims = decodeJwt(body.access_token)
        assert.equal(claims.tenant, tenant)
        assert.equal(claims.scope, `${SCOPES.segmentManage} ${SCOPES.segmentRead}`)
        assert.equal(claims.client_id, client.clientId)
        assert.equal(claims.sub, client.clientId)
        assert.equal((claims.exp as number) - (claims.iat as number), TEST_TOKEN_TTL_SECONDS)

        const created = await t.call({ method: 'POST', url: segmentsUrl(tenant), payload: { id: 'gold', name: { en: 'Gold' }, siteCode: 'main' }, token: body.access_token })
        assert.equal(created.statusCode, 201, created.body)
        const listed = await t.call({ method: 'GET', url: segmentsUrl(tenant), token: body.access_token })
        assert.deepEqual(listed.json().map((s: { id: string }) => s.id), ['gold'])
      })

      it('takes HTTP Basic credentials, the scheme in any case, and client_id repeated in the form', async () => {
        const tenant = freshTenant('basic')
        const client = await create(tenant, { scopes: [SCOPES.segmentRead] })
        for (const headers of [
          { authorization: basic(client.clientId, client.clientSecret) },
          { authorization: basic(client.clientId, client.clientSecret).replace('Basic', 'basic') },
        ]) {
          const res = await requestToken({ grant_type: 'client_credentials' }, headers)
          assert.equal(res.statusCode, 200, res.body)
          assert.equal(decodeJwt(res.json().access_token).tenant, tenant)
        }
        const withId = await requestToken({ grant_type: 'client_credentials', client_id: client.clientId }, { authorization: basic(client.clientId, client.clientSecret) })
        assert.equal(withId.statusCode, 200, withId.body)
        const token = withId.json().access_token
        assert.equal((await t.call({ method: 'GET', url: segmentsUrl(tenant), token })).statusCode, 200)
      })

      it('narrows the scopes to those asked for; tenant= may name the own tenant; more than the client holds is invalid_scope', async () => {
        const tenant = freshTenant('narrow')
        const client = await create(tenant, { scopes: [SCOPES.segmentManage, SCOPES.segmentRead, SCOPES.webhookRead] })
        const res = await requestToken({ ...credentials(client), scope: `tenant=${tenant} ${SCOPES.segmentRead}` })
        assert.equal(res.statusCode, 200, res.body)
        assert.equal(res.json().scope, `tenant=${tenant} ${SCOPES.segmentRead}`)
        const narrowed = res.json().access_token
        assert.equal((await t.call({ method: 'GET', url: segmentsUrl(tenant), token: narrowed })).statusCode, 200)
        assertError(
          await t.call({ method: 'POST', url: segmentsUrl(tenant), payload: { name: { en: 'X' }, siteCode: 'main' }, token: narrowed }),
          403,
          MESSAGES.missingScope(SCOPES.segmentManage),
        )
        const onlyTenant = await requestToken({ ...credentials(client), scope: `tenant=${tenant}` })
        assert.equal(onlyTenant.json().scope, `tenant=${tenant} ${SCOPES.segmentManage} ${SCOPES.segmentRead} ${SCOPES.webhookRead}`)

        assertOAuthError(await requestToken({ ...credentials(client), scope: `${SCOPES.segmentRead} ${SCOPES.webhookManage}` }), 400, 'invalid_scope', new RegExp(SCOPES.webhookManage))
        assertOAuthError(await requestToken({ ...credentials(client), scope: 'openid' }), 400, 'invalid_scope', /openid/)
        assertOAuthError(await requestToken({ ...credentials(client), scope: 's'.repeat(1_001) }), 400, 'invalid_request', /scope/)
      })

      it('never gives a client a token for another tenant', async () => {
        const tenant = freshTenant('home')
        const other = freshTenant('other')
        const client = await create(tenant, { scopes: [SCOPES.segmentManage, SCOPES.segmentRead] })
        await create(other, { scopes: [SCOPES.segmentRead] })
        assertOAuthError(await requestToken({ ...credentials(client), scope: `tenant=${other}` }), 400, 'invalid_scope', /own tenant/)
        assertOAuthError(await requestToken({ ...credentials(client), scope: `tenant=${tenant} tenant=${other} ${SCOPES.segmentRead}` }), 400, 'invalid_scope')
        const token = await tokenOf(client)
        assertError(await t.call({ method: 'GET', url: segmentsUrl(other), token }), 403, MESSAGES.wrongTenant)
        assertError(await t.call({ method: 'GET', url: clientsUrl(other), token }), 403, MESSAGES.wrongTenant)
      })

      it('answers invalid_client (401, Basic challenge) alike for a wrong secret, an unknown client and no credentials', async () => {
        const tenant = freshTenant('wrong')
        const client = await create(tenant, { scopes: [SCOPES.segmentRead] })
        // One character changed (to one it is not: a secret may end in 'A' already).
        const changed = `${client.clientSecret.slice(0, -1)}${client.clientSecret.endsWith('A') ? 'B' : 'A'}`
        const wrongSecret = assertOAuthError(await requestToken({ ...credentials(client), client_secret: changed }), 401, 'invalid_client')
        const unknown = assertOAuthError(await requestToken({ ...credentials(client), client_id: '0'.repeat(32) }), 401, 'invalid_client')
        assert.equal(unknown, wrongSecret, 'the caller cannot tell an unknown client from a wrong secret')
        assertOAuthError(await requestToken({ ...credentials(client), client_id: 'x\u0000y' }), 401, 'invalid_client')
        assertOAuthError(await requestToken({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: '' }), 401, 'invalid_client')
        assertOAuthError(await requestToken({ grant_type: 'client_credentials', client_id: client.clientId }), 401, 'invalid_client')
        assertOAuthError(await requestToken({ grant_type: 'client_credentials' }), 401, 'invalid_client')
        assertOAuthError(await requestToken({ grant_type: 'client_credentials' }, { authorization: basic(client.clientId, 'nope') }), 401, 'invalid_client')
        assertOAuthError(await requestToken({ grant_type: 'client_credentials' }, { authorization: 'Basic %%%' }), 401, 'invalid_client')
        assertOAuthError(await requestToken({ grant_type: 'client_credentials' }, { authorization: `Bearer ${await admin(tenant)}` }), 401, 'invalid_client')
        const unused = await t.call({ method: 'GET', url: clientsUrl(tenant, `/${client.clientId}`), token: await admin(tenant) })
        assert.equal(unused.json().lastUsedAt, undefined, 'failed attempts are no use')
      })

      it('refuses malformed requests with invalid_request or unsupported_grant_type', async () => {
        const tenant = freshTenant('malformed')
        const client = await create(tenant, { scopes: [SCOPES.segmentRead] })
        assertOAuthError(await requestToken({ client_id: client.clientId, client_secret: client.clientSecret }), 400, 'invalid_request', /grant_type/)
        assertOAuthError(await requestToken({ ...credentials(client), grant_type: 'password' }), 400, 'unsupported_grant_type', /password/)
        assertOAuthError(await requestToken({ ...credentials(client), grant_type: 'refresh_token' }), 400, 'unsupported_grant_type')
        assertOAuthError(
          await requestToken(credentials(client), { authorization: basic(client.clientId, client.clientSecret) }),
          400,
          'invalid_request',
          /one method/,
        )
        assertOAuthError(
          await requestToken({ grant_type: 'client_credentials', client_id: '1'.repeat(32) }, { authorization: basic(client.clientId, client.clientSecret) }),
          400,
          'invalid_request',
        )
        const repeated = `${new URLSearchParams(credentials(client))}&grant_type=client_credentials`
        assertOAuthError(await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': FORM }, payload: repeated }), 400, 'invalid_request', /more than once/)
        const json = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(credentials(client)) })
        assertOAuthError(json, 400, 'invalid_request', /x-www-form-urlencoded/)
        assertOAuthError(await t.app.inject({ method: 'POST', url: '/oauth/token' }), 400, 'invalid_request', /grant_type/)
        const large = await requestToken({ ...credentials(client), padding: 'p'.repeat(5_000) })
        assertOAuthError(large, 413, 'invalid_request', /too large/)
        // Parameters it does not know are ignored (RFC 6749 §3.2).
        assert.equal((await requestToken({ ...credentials(client), audience: 'anything' })).statusCode, 200)
      })

      it('records the last use at most once a minute', async () => {
        const tenant = freshTenant('lastused')
        const client = await create(tenant, { scopes: [SCOPES.segmentRead] })
        const read = async () => (await t.call({ method: 'GET', url: clientsUrl(tenant, `/${client.clientId}`), token: await admin(tenant) })).json().lastUsedAt
        await tokenOf(client)
        const first = await read()
        assert.ok(first && Date.now() - Date.parse(first) < 60_000)
        await tokenOf(client)
        assert.equal(await read(), first)
        await t.database.db.updateTable('api_client').set({ last_used_at: new Date(Date.now() - 61_000) }).where('id', '=', client.clientId).execute()
        await tokenOf(client)
        assert.ok(Date.now() - Date.parse(await read()) < 30_000, 'a use after a minute is recorded')
      })
    })

    describe('rotation and revocation', () => {
      it('rotates: the new secret works and the old one stops at once', async () => {
        const tenant = freshTenant('rotate')
        const client = await create(tenant, { scopes: [SCOPES.segmentRead] })
        const res = await t.call({ method: 'POST', url: clientsUrl(tenant, `/${client.clientId}/rotate`), token: await admin(tenant) })
        assert.equal(res.statusCode, 200, res.body)
        assert.equal(res.headers['cache-control'], 'no-store')
        const rotated = res.json()
        assert.equal(rotated.clientId, client.clientId)
        assert.notEqual(rotated.clientSecret, client.clientSecret)
        assert.ok(rotated.secretRotatedAt)
        assert.equal(rotated.previousSecretExpiresAt, undefined)
        assertOAuthError(await requestToken(credentials(client)), 401, 'invalid_client')
        await tokenOf(rotated)
      })

      it('rotates with a grace period: both secrets work until it ends; the next rotation ends the oldest', async () => {
        const tenant = freshTenant('grace')
        const client = await create(tenant, { scopes: [SCOPES.segmentRead] })
        const token = await admin(tenant)
        const res = await t.call({ method: 'POST', url: clientsUrl(tenant, `/${client.clientId}/rotate`), payload: { graceSeconds: 3_600 }, token })
        const rotated = res.json()
        const until = Date.parse(rotated.previousSecretExpiresAt)
        assert.ok(Math.abs(until - (Date.now() + 3_600_000)) < 60_000, rotated.previousSecretExpiresAt)
        await tokenOf(client)
        await tokenOf(rotated)

        const again = (await t.call({ method: 'POST', url: clientsUrl(tenant, `/${client.clientId}/rotate`), payload: { graceSeconds: 60 }, token })).json()
        assertOAuthError(await requestToken(credentials(client)), 401, 'invalid_client')
        await tokenOf(rotated)
        await tokenOf(again)

        await t.database.db.updateTable('api_client').set({ previous_secret_expires_at: new Date(Date.now() - 1_000) }).where('id', '=', client.clientId).execute()
        assertOAuthError(await requestToken(credentials(rotated)), 401, 'invalid_client')
        const shown = (await t.call({ method: 'GET', url: clientsUrl(tenant, `/${client.clientId}`), token })).json()
        assert.equal(shown.previousSecretExpiresAt, undefined)

        for (const graceSeconds of [-1, 604_801, 1.5]) {
          assertError(await t.call({ method: 'POST', url: clientsUrl(tenant, `/${client.clientId}/rotate`), payload: { graceSeconds }, token }), 400, /graceSeconds/)
        }
        await tokenOf(again)
      })

      it('revokes: the client can get no token any more, and a second revoke is a 404', async () => {
        const tenant = freshTenant('revoke')
        const client = await create(tenant, { scopes: [SCOPES.segmentRead] })
        const kept = await create(tenant, { scopes: [SCOPES.segmentRead] })
        await tokenOf(client)
        const token = await admin(tenant)
        const res = await t.call({ method: 'DELETE', url: clientsUrl(tenant, `/${client.clientId}`), token })
        assert.equal(res.statusCode, 204)
        assertOAuthError(await requestToken(credentials(client)), 401, 'invalid_client')
        assertError(await t.call({ method: 'DELETE', url: clientsUrl(tenant, `/${client.clientId}`), token }), 404, new RegExp(client.clientId))
        assertError(await t.call({ method: 'GET', url: clientsUrl(tenant, `/${client.clientId}`), token }), 404)
        assertError(await t.call({ method: 'POST', url: clientsUrl(tenant, `/${client.clientId}/rotate`), token }), 404)
        assert.deepEqual((await t.call({ method: 'GET', url: clientsUrl(tenant), token })).json().map((c: CreatedClient) => c.clientId), [kept.clientId])
        await tokenOf(kept)
      })

      it("keeps tenants apart: another tenant's admin neither sees nor changes a client", async () => {
        const tenant = freshTenant('victim')
        const intruder = freshTenant('intruder')
        const client = await create(tenant, { scopes: [SCOPES.segmentRead] })
        const theirs = await admin(intruder)
        assert.deepEqual((await t.call({ method: 'GET', url: clientsUrl(intruder), token: theirs })).json(), [])
        for (const [method, path] of [
          ['GET', ''],
          ['POST', '/rotate'],
          ['DELETE', ''],
        ] as const) {
          assertError(await t.call({ method, url: clientsUrl(intruder, `/${client.clientId}${path}`), token: theirs }), 404)
          assertError(await t.call({ method, url: clientsUrl(tenant, `/${client.clientId}${path}`), token: theirs }), 403, MESSAGES.wrongTenant)
        }
        assertError(await t.call({ method: 'GET', url: clientsUrl(tenant), token: theirs }), 403, MESSAGES.wrongTenant)
        await tokenOf(client)
      })
    })

    describe('published keys and the API document', () => {
      it('publishes no key for an HS256 secret (404 in the error format)', async () => {
        const res = await t.call({ method: 'GET', url: '/.well-known/jwks.json', token: null })
        assertError(res, 404, /HS256 secret/)
      })

      it('documents the token route with the contract operationId and the admin routes', async () => {
        const document = (await t.call({ method: 'GET', url: '/openapi.json', token: null })).json()
        const token = document.paths['/oauth/token'].post
        assert.equal(token.operationId, 'POST-oauth-request-client-credentials')
        assert.ok(token.requestBody.content[FORM], JSON.stringify(token.requestBody))
        assert.deepEqual(token.security, [])
        assert.ok(token.responses['200'] && token.responses['401'])
        assert.ok(document.paths['/.well-known/jwks.json'].get)
        assert.ok(document.paths['/customer-segment/{tenant}/api-clients'].post)
        assert.ok(document.paths['/customer-segment/{tenant}/api-clients/{clientId}/rotate'].post)
        assert.ok(document.paths['/customer-segment/{tenant}/api-clients/{clientId}'].delete)
      })

      it('without a key of its own (AUTH_JWKS_URL alone) explains that it issues no tokens', async () => {
        const verifier = createTokenVerifier(loadConfig({ AUTH_JWKS_URL: 'https://idp.example.com/jwks.json' }), undefined)
        const app = await buildApp({ database: t.database, verifyToken: verifier })
        try {
          const tenant = freshTenant('jwksonly')
          const client = await create(tenant, { scopes: [SCOPES.segmentRead] })
          const res = await app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': FORM }, payload: new URLSearchParams(credentials(client)).toString() })
          assertOAuthError(res, 400, 'unsupported_grant_type', /issues no tokens.*AUTH_JWKS_URL/)
          assertError(await app.inject({ method: 'GET', url: '/.well-known/jwks.json' }), 404, /issues no tokens/)
        } finally {
          await app.close()
        }
      })
    })
  })

  describe(`an asymmetric signing key on ${engine}`, () => {
    for (const type of ['ec', 'ed25519'] as const) {
      describe(type === 'ec' ? 'ES256 (P-256)' : 'EdDSA (Ed25519)', () => {
        let t: TestApp
        let key: KeyPair
        let url: string
        before(async () => {
          key = await keyPairFromPem(pem(type), 'test.pem')
          t = await startTestApp(engine, { signingKey: key })
          url = await t.app.listen({ port: 0, host: '127.0.0.1' })
        })
        after(() => t.close())

        it('publishes its public key, which verifies the tokens of /oauth/token with createRemoteJWKSet', async () => {
          const res = await fetch(`${url}/.well-known/jwks.json`)
          assert.equal(res.status, 200)
          assert.match(String(res.headers.get('cache-control')), /max-age/)
          const { keys } = (await res.json()) as { keys: Record<string, unknown>[] }
          assert.equal(keys.length, 1)
          assert.equal(keys[0].kid, key.kid)
          assert.equal(keys[0].alg, type === 'ec' ? 'ES256' : 'EdDSA')
          assert.equal(keys[0].use, 'sig')
          assert.equal(keys[0].d, undefined, 'no private part')

          const tenant = freshTenant('jwks')
          const admin = await t.token({ tenant })
          const created = await fetch(`${url}${clientsUrl(tenant)}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
            body: JSON.stringify({ scopes: [SCOPES.segmentRead] }),
          })
          const client = (await created.json()) as CreatedClient
          const issued = await fetch(`${url}/oauth/token`, {
            method: 'POST',
            headers: { authorization: basic(client.clientId, client.clientSecret), 'content-type': FORM },
            body: 'grant_type=client_credentials',
          })
          assert.equal(issued.status, 200)
          const { access_token: token } = (await issued.json()) as { access_token: string }
          assert.equal(decodeProtectedHeader(token).kid, key.kid)
          const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${url}/.well-known/jwks.json`)))
          assert.equal(payload.tenant, tenant)

          // The service verifies its own tokens, and so does a process that knows only the JWKS URL.
          const read = await fetch(`${url}${segmentsUrl(tenant)}`, { headers: { authorization: `Bearer ${token}` } })
          assert.equal(read.status, 200)
          const gateway = createTokenVerifier(loadConfig({ AUTH_JWKS_URL: `${url}/.well-known/jwks.json` }), undefined)
          assert.equal((await gateway(token)).tenant, tenant)
        })

        it('refuses tokens of another key, and HS256 tokens', async () => {
          const other = await keyPairFromPem(pem(type), 'other.pem')
          const forged = await mintToken(other, { tenant: 'acme', scopes: [SCOPES.segmentRead] })
          assertError(await t.call({ method: 'GET', url: segmentsUrl('acme'), token: forged }), 401)
          const hs256 = await mintToken(new TextEncoder().encode('a-secret-that-is-long-enough-for-hs256'), { tenant: 'acme', scopes: [SCOPES.segmentRead] })
          assertError(await t.call({ method: 'GET', url: segmentsUrl('acme'), token: hs256 }), 401)
        })

        it('beside an identity provider: verifies its own tokens with its key and the others against the JWKS', async () => {
          // This app stands in for the identity provider; the verifier below has a key of its own.
          const own = await keyPairFromPem(pem('ec'), 'own.pem')
          const verify = createTokenVerifier(loadConfig({ AUTH_JWKS_URL: `${url}/.well-known/jwks.json`, AUTH_PRIVATE_KEY_FILE: 'own.pem' }), own)
          assert.equal((await verify(await mintToken(own, { tenant: 'mine', scopes: [] }))).tenant, 'mine')
          assert.equal((await verify(await mintToken(key, { tenant: 'idp', scopes: [] }))).tenant, 'idp')
          const stranger = await keyPairFromPem(pem('ec'), 'stranger.pem')
          await assert.rejects(verify(await mintToken(stranger, { tenant: 'x', scopes: [] })), /Invalid access token/)
        })
      })
    }
  })
}

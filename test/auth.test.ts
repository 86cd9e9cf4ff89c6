/**
 * Authentication and authorization per route family: 401 without a valid bearer token (missing, malformed,
 * wrongly signed, expired, without tenant or expiry), 403 when the path tenant is not the token's or the
 * needed scope is missing, saying which of the two. Refused requests change nothing.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { SignJWT, UnsecuredJWT } from 'jose'
import { SCOPES } from '../src/auth/principal.js'
import { ALL_SCOPES, ENGINES, startTestApp, type TestApp, TEST_SECRET } from './support/harness.js'
import { assertError, freshTenant, MESSAGES, snapshot, tenantClient } from './support/segment-helpers.js'

type Route = {
  name: string
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: (tenant: string) => string
  payload?: unknown
  ok: number
  /** What a 403 for a missing scope says the route needs. */
  needs: string
}

const seg = (tenant: string, path = '') => `/customer-segment/${tenant}/segments${path}`
const body = { name: { en: 'Auth' }, siteCode: 'main' }

const READ = `a scope this operation needs (one of ${SCOPES.segmentRead}, ${SCOPES.segmentReadOwn})`
const MANAGE = `the scope ${SCOPES.segmentManage}`

/** The segment routes that read, and what they answer to a permitted caller (segment `known` exists). */
const READ_ROUTES: Route[] = [
  { name: 'GET list', method: 'GET', url: (t) => seg(t), ok: 200, needs: READ },
  { name: 'GET one', method: 'GET', url: (t) => seg(t, '/known'), ok: 200, needs: READ },
  { name: 'POST search', method: 'POST', url: (t) => seg(t, '/search'), payload: { q: 'siteCode:main' }, ok: 200, needs: READ },
]

/** The segment routes that write; each is harmless to repeat (a no-op or on a fresh id). */
const WRITE_ROUTES: Route[] = [
  { name: 'POST create', method: 'POST', url: (t) => seg(t), payload: body, ok: 201, needs: MANAGE },
  { name: 'PUT upsert', method: 'PUT', url: (t) => seg(t, '/known'), payload: body, ok: 204, needs: MANAGE },
  { name: 'PATCH', method: 'PATCH', url: (t) => seg(t, '/known'), payload: [{ op: 'test', path: '/siteCode', value: 'main' }], ok: 204, needs: MANAGE },
  { name: 'DELETE', method: 'DELETE', url: (t) => seg(t, '/not-there'), ok: 204, needs: MANAGE },
  { name: 'POST bulk', method: 'POST', url: (t) => seg(t, '/bulk'), payload: [body], ok: 207, needs: MANAGE },
  { name: 'PUT bulk', method: 'PUT', url: (t) => seg(t, '/bulk'), payload: [{ ...body, id: 'known' }], ok: 207, needs: MANAGE },
  { name: 'DELETE bulk', method: 'DELETE', url: (t) => seg(t, '/bulk'), payload: ['not-there'], ok: 207, needs: MANAGE },
]

/** A customer reads only their own effective segments: `known` is none of theirs, so it is not found. */
const OWN_READ_ROUTES: Route[] = READ_ROUTES.map((route) => (route.name === 'GET one' ? { ...route, ok: 404 } : route))

const EVENT_ROUTES: Route[] = [{ name: 'GET events', method: 'GET', url: (t) => `/webhook/${t}/events`, ok: 200, needs: `the scope ${SCOPES.webhookRead}` }]

const ALL_ROUTES = [...READ_ROUTES, ...WRITE_ROUTES, ...EVENT_ROUTES]

const secret = new TextEncoder().encode(TEST_SECRET)

for (const engine of ENGINES) {
  describe(`auth on ${engine}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    const send = (route: Route, tenant: string, headers: Record<string, string>) =>
      t.call({ method: route.method, url: route.url(tenant), payload: route.payload as object, headers, token: null })

    /** A tenant that has segment `known` (for reads and the no-op writes). */
    const prepared = async (prefix: string) => {
      const tenant = freshTenant(prefix)
      const c = await tenantClient(t, tenant)
      await c.create({ ...body, id: 'known' })
      return tenant
    }

    describe('401: no valid token', () => {
      it('refuses every route without an Authorization header, with the error format plus the platform fault', async () => {
        const tenant = await prepared('noauth')
        const before = await snapshot(t, tenant)
        for (const route of ALL_ROUTES) {
          const res = await send(route, tenant, {})
          const error = assertError(res, 401)
          assert.equal(res.headers['www-authenticate'], 'Bearer', route.name)
          assert.equal(error.fault.faultstring, error.message)
        }
        assert.deepEqual(await snapshot(t, tenant), before)
      })

      const claims = (tenant: string) => ({ tenant, scope: ALL_SCOPES.join(' ') })
      const badTokens: [string, (tenant: string) => Promise<string>][] = [
        ['a Basic header', async (_tenant) => `Basic ${Buffer.from('user:pass').toString('base64')}`],
        ['an empty bearer', async (_tenant) => 'Bearer '],
        ['a non-JWT bearer', async (_tenant) => 'Bearer not-a-token'],
        ['two bearer tokens', async (tenant) => `Bearer ${await t.token({ tenant })} ${await t.token({ tenant })}`],
        ['a token signed with another secret', async (tenant) => `Bearer ${await new SignJWT(claims(tenant)).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-that-is-long-enough-000'))}`],
        ['an expired token', async (tenant) => `Bearer ${await t.token({ tenant, ttl: '-1h' })}`],
        ['an unsigned (alg none) token', async (tenant) => `Bearer ${new UnsecuredJWT(claims(tenant)).setExpirationTime('1h').encode()}`],
        ['a token without exp', async (tenant) => `Bearer ${await new SignJWT(claims(tenant)).setProtectedHeader({ alg: 'HS256' }).sign(secret)}`],
        ['a token without tenant', async (_tenant) => `Bearer ${await new SignJWT({ scope: ALL_SCOPES.join(' ') }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(secret)}`],
        ['a token whose scope is not a string', async (tenant) => `Bearer ${await new SignJWT({ tenant, scope: ALL_SCOPES }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(secret)}`],
        ['a tampered token', async (tenant) => `Bearer ${(await t.token({ tenant })).slice(0, -4)}AAAA`],
      ]
      for (const [label, authorization] of badTokens) {
        it(`refuses ${label} on every route`, async () => {
          const tenant = await prepared('badtok')
          const header = await authorization(tenant)
          const before = await snapshot(t, tenant)
          for (const route of ALL_ROUTES) assertError(await send(route, tenant, { authorization: header }), 401)
          assert.deepEqual(await snapshot(t, tenant), before)
        })
      }

      it('says when the token has expired', async () => {
        const tenant = await prepared('expired')
        const token = await t.token({ tenant, ttl: '-1h' })
        const error = assertError(await t.call({ method: 'GET', url: seg(tenant), token }), 401)
        assert.match(error.message, /expired/)
      })

      it('checks the token before the body: a bad body without a token is a 401, not a 400', async () => {
        const tenant = await prepared('order')
        const res = await t.call({ method: 'POST', url: seg(tenant), payload: '{not json', headers: { 'content-type': 'application/json' }, token: null })
        assertError(res, 401)
      })

      it('takes the scheme in any case', async () => {
        const tenant = await prepared('scheme')
        const token = await t.token({ tenant })
        const res = await t.call({ method: 'GET', url: seg(tenant), headers: { authorization: `bearer ${token}` }, token: null })
        assert.equal(res.statusCode, 200)
      })
    })

    describe('403: another tenant', () => {
      it('refuses every route when the path tenant is not the token tenant, saying so, and writes nothing there', async () => {
        const tenant = await prepared('victim')
        const before = await snapshot(t, tenant)
        const intruder = await t.token({ tenant: 'intruder', scopes: ALL_SCOPES })
        for (const route of ALL_ROUTES) {
          const error = assertError(await send(route, tenant, { authorization: `Bearer ${intruder}` }), 403, MESSAGES.wrongTenant)
          assert.equal(error.details.type, 'wrong_tenant')
        }
        assert.deepEqual(await snapshot(t, tenant), before)
      })

      it('names the tenant before the scope: a token of another tenant without the scope hears of the tenant', async () => {
        const intruder = await t.token({ tenant: 'intruder', scopes: [] })
        assertError(await t.call({ method: 'GET', url: seg('acme'), token: intruder }), 403, MESSAGES.wrongTenant)
      })

      it('answers 403 rather than 404 for another tenant’s missing segment', async () => {
        const intruder = await t.token({ tenant: 'intruder' })
        assertError(await t.call({ method: 'GET', url: seg('acme', '/nothing-here'), token: intruder }), 403)
      })

      it('compares tenants exactly (case matters)', async () => {
        const token = await t.token({ tenant: 'ACME' })
        assertError(await t.call({ method: 'GET', url: seg('acme'), token }), 403)
      })
    })

    describe('403: missing scope', () => {
      const cases: [string, string[], Route[], Route[]][] = [
        // label, scopes, routes allowed, routes refused
        ['segment_read', [SCOPES.segmentRead], READ_ROUTES, [...WRITE_ROUTES, ...EVENT_ROUTES]],
        ['segment_manage', [SCOPES.segmentManage], WRITE_ROUTES, [...READ_ROUTES, ...EVENT_ROUTES]],
        ['segment_read + segment_manage', [SCOPES.segmentRead, SCOPES.segmentManage], [...READ_ROUTES, ...WRITE_ROUTES], EVENT_ROUTES],
        ['subscription_read', [SCOPES.webhookRead], EVENT_ROUTES, [...READ_ROUTES, ...WRITE_ROUTES]],
        ['segment_read_own (a customer token)', [SCOPES.segmentReadOwn], OWN_READ_ROUTES, [...WRITE_ROUTES, ...EVENT_ROUTES]],
        ['no scope at all', [], [], ALL_ROUTES],
        ['unknown scopes', ['customersegment.segment_admin', 'segment_read'], [], ALL_ROUTES],
      ]
      for (const [label, scopes, allowed, refused] of cases) {
        it(`with ${label}: allows ${allowed.length} routes, refuses ${refused.length} with 403 naming the scope needed`, async () => {
          const tenant = await prepared('scope')
          const token = await t.token({ tenant, scopes, ...(scopes.includes(SCOPES.segmentReadOwn) ? { customerId: 'c1' } : {}) })
          const before = await snapshot(t, tenant)
          for (const route of refused) {
            const error = assertError(
              await send(route, tenant, { authorization: `Bearer ${token}` }),
              403,
              `The access to the requested resource has been forbidden by the server: the token lacks ${route.needs}.`,
            )
            assert.equal(error.details.type, 'missing_scope')
          }
          assert.deepEqual(await snapshot(t, tenant), before, 'refused requests write nothing')
          for (const route of allowed) {
            const res = await send(route, tenant, { authorization: `Bearer ${token}` })
            assert.equal(res.statusCode, route.ok, `${route.name}: ${res.body}`)
          }
        })
      }

      it('reads the space-separated scope claim, among other scopes', async () => {
        const tenant = await prepared('scopelist')
        const token = await t.token({ tenant, scopes: ['openid', 'profile', SCOPES.segmentRead, 'email'] })
        assert.equal((await t.call({ method: 'GET', url: seg(tenant), token })).statusCode, 200)
      })
    })

    describe('public routes', () => {
      it('serves /health without a token', async () => {
        const res = await t.call({ method: 'GET', url: '/health', token: null })
        assert.equal(res.statusCode, 200)
        assert.deepEqual(res.json(), { status: 'ok' })
      })
    })
  })
}

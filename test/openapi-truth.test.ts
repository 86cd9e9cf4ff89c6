/**
 * The OpenAPI document tells the truth about the routes. Every status an operation documents is produced
 * here by a real request: from what the operation is (400, 401, 403, 413, 415, 429, 503, by the same
 * rules for all) or from a request written for it (its successes, 404, 409). An operation documenting a
 * status nobody can produce, or one without a request for a documented status, fails. The other half,
 * every status answered is documented, is checked by every suite's app (test/support/harness.ts).
 * The requests are made with a token from /oauth/token, as a client of the platform would get it.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { InjectOptions } from 'fastify'
import { generateKeyPairSync } from 'node:crypto'
import { SCOPES } from '../src/auth/principal.js'
import { keyPairFromPem } from '../src/auth/signing-key.js'
import { DEFAULT_HTTP, DEFAULT_LIMITS } from '../src/config.js'
import { openDatabase } from '../src/db/database.js'
import { type Receiver, startReceiver, waitFor } from './support/delivery-helpers.js'
import { startFaultProxy } from './support/fault-proxy.js'
import { ALL_SCOPES, ENGINES, siblingApp, startTestApp, type TestApp } from './support/harness.js'
import { freshTenant } from './support/segment-helpers.js'

interface DocumentedOperation {
  method: string
  path: string
  statuses: number[]
  hasBody: boolean
  parameters: { in: string; name: string }[]
}

interface Operation {
  parameters?: { in: string; name: string }[]
  requestBody?: unknown
  responses: Record<string, unknown>
}

function documentedOperations(document: { paths: Record<string, Record<string, Operation>> }): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      statuses: Object.keys(operation.responses).map(Number),
      hasBody: operation.requestBody !== undefined,
      parameters: operation.parameters ?? [],
    })),
  )
}

/** Every operation of the platform's contracts (segments, webhooks, OAuth) with its operation id. */
const CONTRACT_OPERATIONS: [string, string][] = [
  ['POST /customer-segment/{tenant}/segments', 'POST-customer-segment-create-segment'],
  ['GET /customer-segment/{tenant}/segments', 'GET-customer-segment-retrieve-segments'],
  ['POST /customer-segment/{tenant}/segments/search', 'POST-customer-segment-search-segments'],
  ['GET /customer-segment/{tenant}/segments/{segmentId}', 'GET-customer-segment-retrieve-segment'],
  ['PUT /customer-segment/{tenant}/segments/{segmentId}', 'PUT-customer-segment-update-segment'],
  ['PATCH /customer-segment/{tenant}/segments/{segmentId}', 'PATCH-customer-segment-update-segment'],
  ['DELETE /customer-segment/{tenant}/segments/{segmentId}', 'DELETE-customer-segment-remove-segment'],
  ['POST /customer-segment/{tenant}/segments/bulk', 'POST-customer-segment-create-segments-bulk'],
  ['PUT /customer-segment/{tenant}/segments/bulk', 'PUT-customer-segment-update-segments-bulk'],
  ['DELETE /customer-segment/{tenant}/segments/bulk', 'DELETE-customer-segment-remove-segments-bulk'],
  ['POST /customer-segment/{tenant}/segments/match', 'POST-customer-segment-check-match'],
  ['GET /customer-segment/{tenant}/segments/{segmentId}/customers', 'GET-customer-segment-retrieve-customers'],
  ['POST /customer-segment/{tenant}/segments/{segmentId}/customers/search', 'POST-customer-segment-search-customers'],
  ['GET /customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}', 'GET-customer-segment-retrieve-customer-by-customerId'],
  ['PUT /customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}', 'PUT-customer-segment-update-customer-by-customerId'],
  ['DELETE /customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}', 'DELETE-customer-segment-remove-customer-by-customerId'],
  ['GET /customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}/{legalEntityId}', 'GET-customer-segment-retrieve-customer'],
  ['PUT /customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}/{legalEntityId}', 'PUT-customer-segment-update-customer'],
  ['DELETE /customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}/{legalEntityId}', 'DELETE-customer-segment-remove-customer'],
  ['PUT /customer-segment/{tenant}/segments/{segmentId}/customers/bulk', 'PUT-customer-segment-update-customers-bulk'],
  ['DELETE /customer-segment/{tenant}/segments/{segmentId}/customers/bulk', 'DELETE-customer-segment-remove-customers-bulk'],
  ['GET /customer-segment/{tenant}/segments/items/category-trees', 'GET-customer-segment-retrieve-category-trees'],
  ['GET /customer-segment/{tenant}/segments/items', 'GET-customer-segment-retrieve-segments-items'],
  ['GET /customer-segment/{tenant}/segments/{segmentId}/items', 'GET-customer-segment-retrieve-segment-items'],
  ['POST /customer-segment/{tenant}/segments/{segmentId}/items/search', 'POST-customer-segment-search-items'],
  ['GET /customer-segment/{tenant}/segments/{segmentId}/items/{type}/{itemId}', 'GET-customer-segment-retrieve-item'],
  ['PUT /customer-segment/{tenant}/segments/{segmentId}/items/{type}/{itemId}', 'PUT-customer-segment-update-item'],
  ['DELETE /customer-segment/{tenant}/segments/{segmentId}/items/{type}/{itemId}', 'DELETE-customer-segment-remove-item'],
  ['PUT /customer-segment/{tenant}/segments/{segmentId}/items/{type}/bulk', 'PUT-customer-segment-update-items-bulk'],
  ['DELETE /customer-segment/{tenant}/segments/{segmentId}/items/{type}/bulk', 'DELETE-customer-segment-remove-items-bulk'],
  ['POST /webhook/{tenant}/config', 'POST-webhook-create-config'],
  ['GET /webhook/{tenant}/config', 'GET-webhook-list-configs'],
  ['PUT /webhook/{tenant}/config/{code}', 'PUT-webhook-update-config'],
  ['PATCH /webhook/{tenant}/config/{code}', 'PATCH-webhook-update-config'],
  ['GET /webhook/{tenant}/config/{code}', 'GET-webhook-retrieve-config'],
  ['DELETE /webhook/{tenant}/config/{code}', 'DELETE-webhook-remove-config'],
  ['PATCH /webhook/{tenant}/event-subscriptions', 'PATCH-webhook-manage-event-subscriptions'],
  ['GET /webhook/{tenant}/event-subscriptions', 'GET-webhook-list-all-event-subscriptions'],
  ['GET /webhook/{tenant}/dashboard-access', 'GET-webhook-access-tenant-svix'],
  ['GET /webhook/{tenant}/statistics', 'GET-webhook-retrieve-statistics'],
  ['POST /oauth/token', 'POST-oauth-request-client-credentials'],
]

/** What the requests need: one tenant with one of everything. */
interface Fixture {
  tenant: string
  eventId: string
  deliveryId: string
  /** An API client of the tenant, with its secret. */
  client: { clientId: string; clientSecret: string }
  /** Another client, for the request that revokes one. */
  spareClient: string
  /** The webhook config as a PUT sends it back unchanged. */
  config: unknown
  /** A configured target that is inactive. */
  inactiveTarget: string
  /** SVIX_SHARED endpoints: one to read and change, one for the request that deletes one. */
  endpoint: string
  spareEndpoint: string
  /** A name no request has used yet. */
  fresh(prefix: string): string
}

/** A request; `path` values fill the operation's path template, the rest of the path keeps its defaults. */
interface Request {
  path?: Record<string, string>
  query?: Record<string, string>
  body?: unknown
  headers?: Record<string, string>
  /** Made by a tenant of its own, which has nothing. */
  asEmptyTenant?: boolean
  /** Made to the app that signs with a key pair rather than with a shared secret. */
  keyed?: boolean
  /** Sent as it is, as a form. */
  raw?: string
}

type Recipe = (f: Fixture) => Request | Promise<Request>

const NO_SUCH = 'no-such-id'
const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000'
const UNKNOWN_DELIVERY = '999999999'
const UNKNOWN_CLIENT = '0'.repeat(32)
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
const CREATED = 'customer-segment.segment-created'
const UPDATED = 'customer-segment.segment-updated'
const httpConfig = (destinationUrl: string) => ({ active: true, provider: 'HTTP', configuration: { destinationUrl, eventsConfiguration: [] } })

const RULE = 'tags:vip'
const segment = (name = 'Segment') => ({ name: { en: name }, siteCode: 'main', status: 'ACTIVE' })

/**
 * Requests written for an operation's own statuses, by `METHOD path`. Where a request changes
 * something, it works on names of its own, so the order of requests does not matter.
 */
const RECIPES: Record<string, Record<number, Recipe>> = {
  'POST /customer-segment/{tenant}/segments': {
    201: () => ({ body: segment() }),
    409: () => ({ body: { ...segment(), id: 's1' } }),
  },
  'GET /customer-segment/{tenant}/segments': { 200: () => ({}) },
  'POST /customer-segment/{tenant}/segments/search': { 200: () => ({ body: { q: 'status:ACTIVE' } }) },
  'POST /customer-segment/{tenant}/segments/rule-preview': { 200: () => ({ body: { query: 'tags:vip OR attributes.spent:>1000' } }) },
  'GET /customer-segment/{tenant}/segments/{segmentId}/rule': {
    200: () => ({ path: { segmentId: 'ruled' } }),
    404: () => ({ path: { segmentId: NO_SUCH } }),
  },
  'PUT /customer-segment/{tenant}/segments/{segmentId}/rule': {
    200: () => ({ path: { segmentId: 'ruled' }, body: { query: RULE } }),
    201: () => ({ path: { segmentId: 'unruled' }, body: { query: RULE } }),
    404: () => ({ path: { segmentId: NO_SUCH }, body: { query: RULE } }),
    409: () => ({ path: { segmentId: 'ruled' }, body: { query: RULE, metadata: { version: 99_999 } } }),
  },
  'DELETE /customer-segment/{tenant}/segments/{segmentId}/rule': {
    204: () => ({ path: { segmentId: 'ruleless' } }),
    404: () => ({ path: { segmentId: NO_SUCH } }),
  },
  'GET /customer-segment/{tenant}/segments/{segmentId}': {
    200: () => ({}),
    404: () => ({ path: { segmentId: NO_SUCH } }),
  },
  'PUT /customer-segment/{tenant}/segments/{segmentId}': {
    201: (f) => ({ path: { segmentId: f.fresh('put') }, body: segment() }),
    204: () => ({ body: segment() }),
    409: () => ({ body: { ...segment(), metadata: { version: 99_999 } } }),
  },
  'PATCH /customer-segment/{tenant}/segments/{segmentId}': {
    204: () => ({ body: [{ op: 'replace', path: '/siteCode', value: 'main' }] }),
    404: () => ({ path: { segmentId: NO_SUCH }, body: [{ op: 'replace', path: '/siteCode', value: 'main' }] }),
    409: () => ({ body: [{ op: 'test', path: '/metadata/version', value: 99_999 }] }),
  },
  'DELETE /customer-segment/{tenant}/segments/{segmentId}': { 204: () => ({ path: { segmentId: NO_SUCH } }) },
  'POST /customer-segment/{tenant}/segments/bulk': { 207: () => ({ body: [segment()] }) },
  'PUT /customer-segment/{tenant}/segments/bulk': { 207: (f) => ({ body: [{ ...segment(), id: f.fresh('bulk') }] }) },
  'DELETE /customer-segment/{tenant}/segments/bulk': { 207: () => ({ body: [NO_SUCH] }) },
  'POST /customer-segment/{tenant}/segments/match': { 200: () => ({ body: { siteCode: 'main', items: [{ id: 'p1' }], segmentIds: ['s1'] } }) },
  'GET /customer-segment/{tenant}/segments/{segmentId}/customers': {
    200: () => ({}),
    404: () => ({ path: { segmentId: NO_SUCH } }),
  },
  'POST /customer-segment/{tenant}/segments/{segmentId}/customers/search': {
    200: () => ({ body: { q: 'assignmentType:MANUAL' } }),
    404: () => ({ path: { segmentId: NO_SUCH }, body: { q: 'assignmentType:MANUAL' } }),
  },
  'GET /customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}': {
    200: () => ({}),
    404: () => ({ path: { customerId: NO_SUCH } }),
  },
  'PUT /customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}': {
    201: (f) => ({ path: { customerId: f.fresh('c') }, body: {} }),
    204: () => ({ body: {} }),
    404: () => ({ path: { segmentId: NO_SUCH }, body: {} }),
    409: () => ({ body: { metadata: { version: 99_999 } } }),
  },
  'DELETE /customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}': {
    204: () => ({ path: { customerId: NO_SUCH } }),
    404: () => ({ path: { segmentId: NO_SUCH } }),
    409: () => ({ path: { segmentId: 'ruled', customerId: 'vip1' } }),
  },
  'GET /customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}/{legalEntityId}': {
    200: () => ({}),
    404: () => ({ path: { legalEntityId: NO_SUCH } }),
  },
  'PUT /customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}/{legalEntityId}': {
    201: (f) => ({ path: { legalEntityId: f.fresh('le') }, body: {} }),
    204: () => ({ body: {} }),
    404: () => ({ path: { segmentId: NO_SUCH }, body: {} }),
    409: () => ({ body: { metadata: { version: 99_999 } } }),
  },
  'DELETE /customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}/{legalEntityId}': {
    204: () => ({ path: { legalEntityId: NO_SUCH } }),
    404: () => ({ path: { segmentId: NO_SUCH } }),
    409: () => ({ path: { segmentId: 'ruledb2b', customerId: 'vip1', legalEntityId: 'le9' } }),
  },
  'PUT /customer-segment/{tenant}/segments/{segmentId}/customers/bulk': {
    207: (f) => ({ body: [{ customerId: f.fresh('c') }] }),
    404: () => ({ path: { segmentId: NO_SUCH }, body: [{ customerId: 'c9' }] }),
  },
  'DELETE /customer-segment/{tenant}/segments/{segmentId}/customers/bulk': {
    207: () => ({ body: [{ customerId: NO_SUCH }] }),
    404: () => ({ path: { segmentId: NO_SUCH }, body: [{ customerId: NO_SUCH }] }),
  },
  'GET /customer-segment/{tenant}/segments/items': { 200: () => ({}) },
  'GET /customer-segment/{tenant}/segments/items/category-trees': { 200: () => ({ query: { siteCode: 'main' } }) },
  'GET /customer-segment/{tenant}/segments/{segmentId}/items': {
    200: () => ({}),
    404: () => ({ path: { segmentId: NO_SUCH } }),
  },
  'POST /customer-segment/{tenant}/segments/{segmentId}/items/search': {
    200: () => ({ body: { q: 'type:PRODUCT' } }),
    404: () => ({ path: { segmentId: NO_SUCH }, body: { q: 'type:PRODUCT' } }),
  },
  'GET /customer-segment/{tenant}/segments/{segmentId}/items/{type}/{itemId}': {
    200: () => ({}),
    404: () => ({ path: { itemId: NO_SUCH } }),
  },
  'PUT /customer-segment/{tenant}/segments/{segmentId}/items/{type}/{itemId}': {
    201: (f) => ({ path: { itemId: f.fresh('p') }, body: {} }),
    204: () => ({ body: {} }),
    404: () => ({ path: { segmentId: NO_SUCH }, body: {} }),
    409: () => ({ body: { metadata: { version: 99_999 } } }),
  },
  'DELETE /customer-segment/{tenant}/segments/{segmentId}/items/{type}/{itemId}': {
    204: () => ({ path: { itemId: NO_SUCH } }),
    404: () => ({ path: { segmentId: NO_SUCH } }),
  },
  'PUT /customer-segment/{tenant}/segments/{segmentId}/items/{type}/bulk': {
    207: (f) => ({ body: [{ id: f.fresh('p') }] }),
    404: () => ({ path: { segmentId: NO_SUCH }, body: [{ id: 'p9' }] }),
  },
  'DELETE /customer-segment/{tenant}/segments/{segmentId}/items/{type}/bulk': {
    207: () => ({ body: [NO_SUCH] }),
    404: () => ({ path: { segmentId: NO_SUCH }, body: [NO_SUCH] }),
  },
  ...directoryRecipes(),
  'GET /webhook/{tenant}/events': { 200: () => ({}) },
  'GET /webhook/{tenant}/events/{eventId}': {
    200: () => ({}),
    404: () => ({ path: { eventId: UNKNOWN_UUID } }),
  },
  'GET /webhook/{tenant}/deliveries/{deliveryId}/attempts': {
    200: () => ({}),
    404: () => ({ path: { deliveryId: UNKNOWN_DELIVERY } }),
  },
  'GET /webhook/{tenant}/targets': { 200: () => ({}) },
  'POST /webhook/{tenant}/events/{eventId}/resend': {
    202: () => ({ body: { targetId: 'default' } }),
    404: () => ({ path: { eventId: UNKNOWN_UUID }, body: { targetId: 'default' } }),
    409: (f) => ({ body: { targetId: f.inactiveTarget } }),
  },
  'POST /webhook/{tenant}/targets/{configCode}/{targetId}/recover': {
    202: () => ({ body: { since: '2020-01-01T00:00:00Z' } }),
    404: () => ({ path: { targetId: NO_SUCH }, body: { since: '2020-01-01T00:00:00Z' } }),
    409: (f) => ({ path: { targetId: f.inactiveTarget }, body: { since: '2020-01-01T00:00:00Z' } }),
  },
  'POST /webhook/{tenant}/deliveries/resend': { 202: () => ({ body: { since: '2999-01-01T00:00:00Z' } }) },
  'POST /webhook/{tenant}/targets/{configCode}/{targetId}/test': {
    200: () => ({}),
    404: () => ({ path: { targetId: NO_SUCH } }),
  },
  'POST /webhook/{tenant}/filter-check': { 200: () => ({ body: { filter: "$[?(@.status == 'ACTIVE')]", payload: { status: 'ACTIVE' } } }) },
  'POST /webhook/{tenant}/targets/{configCode}/{targetId}/enable': {
    204: () => ({}),
    404: () => ({ path: { targetId: NO_SUCH } }),
  },
  'POST /webhook/{tenant}/config': {
    201: () => ({ body: { code: 'http', ...httpConfig('$receiver') }, asEmptyTenant: true }),
    409: () => ({ body: { code: 'http', ...httpConfig('$receiver') } }),
  },
  'GET /webhook/{tenant}/config': { 200: () => ({}) },
  'GET /webhook/{tenant}/config/{code}': {
    200: () => ({}),
    404: () => ({ path: { code: NO_SUCH } }),
  },
  'PUT /webhook/{tenant}/config/{code}': {
    204: (f) => ({ body: f.config }),
    404: () => ({ body: httpConfig('$receiver'), asEmptyTenant: true }),
  },
  'PATCH /webhook/{tenant}/config/{code}': {
    204: () => ({ body: [{ op: 'UPSERT', path: '/active', value: true }] }),
    404: () => ({ body: [{ op: 'UPSERT', path: '/active', value: true }], asEmptyTenant: true }),
    409: () => ({ body: [{ op: 'UPSERT', path: `/configuration/http/eventsConfiguration/${UPDATED}/destinationUrl`, value: '$receiver' }] }),
  },
  'DELETE /webhook/{tenant}/config/{code}': { 204: () => ({ asEmptyTenant: true }) },
  'GET /webhook/{tenant}/event-subscriptions': { 200: () => ({}) },
  'PATCH /webhook/{tenant}/event-subscriptions': {
    207: () => ({ body: [{ eventType: 'customer-segment.segment-deleted', action: 'SUBSCRIBE' }] }),
  },
  'GET /webhook/{tenant}/statistics': { 200: () => ({}) },
  'GET /webhook/{tenant}/dashboard-access': { 200: () => ({}) },
  'GET /webhook/{tenant}/portal/endpoints': { 200: () => ({}) },
  'POST /webhook/{tenant}/portal/endpoints': { 201: () => ({ body: { url: '$receiver', eventTypes: [CREATED] } }) },
  'GET /webhook/{tenant}/portal/endpoints/{endpointId}': {
    200: (f) => ({ path: { endpointId: f.endpoint } }),
    404: () => ({ path: { endpointId: NO_SUCH } }),
  },
  'PATCH /webhook/{tenant}/portal/endpoints/{endpointId}': {
    200: (f) => ({ path: { endpointId: f.endpoint }, body: { description: 'Orders' } }),
    404: () => ({ path: { endpointId: NO_SUCH }, body: { description: 'Orders' } }),
  },
  'DELETE /webhook/{tenant}/portal/endpoints/{endpointId}': {
    204: (f) => ({ path: { endpointId: f.spareEndpoint } }),
    404: () => ({ path: { endpointId: NO_SUCH } }),
  },
  'GET /webhook/{tenant}/portal/endpoints/{endpointId}/secret': {
    200: (f) => ({ path: { endpointId: f.endpoint } }),
    404: () => ({ path: { endpointId: NO_SUCH } }),
  },
  'POST /webhook/{tenant}/portal/endpoints/{endpointId}/secret/rotate': {
    204: (f) => ({ path: { endpointId: f.endpoint }, body: {} }),
    404: () => ({ path: { endpointId: NO_SUCH }, body: {} }),
  },
  'POST /customer-segment/{tenant}/api-clients': { 201: () => ({ body: { scopes: [SCOPES.segmentRead] } }) },
  'GET /customer-segment/{tenant}/api-clients': { 200: () => ({}) },
  'GET /customer-segment/{tenant}/api-clients/{clientId}': { 200: () => ({}), 404: () => ({ path: { clientId: UNKNOWN_CLIENT } }) },
  'POST /customer-segment/{tenant}/api-clients/{clientId}/rotate': {
    200: () => ({ body: { graceSeconds: 3600 } }),
    404: () => ({ path: { clientId: UNKNOWN_CLIENT }, body: {} }),
  },
  'DELETE /customer-segment/{tenant}/api-clients/{clientId}': {
    204: (f) => ({ path: { clientId: f.spareClient } }),
    404: () => ({ path: { clientId: UNKNOWN_CLIENT } }),
  },
  'POST /oauth/token': {
    200: (f) => ({ raw: form({ grant_type: 'client_credentials', client_id: f.client.clientId, client_secret: f.client.clientSecret }) }),
    400: () => ({ raw: form({ grant_type: 'password' }) }),
    401: (f) => ({ raw: form({ grant_type: 'client_credentials', client_id: f.client.clientId, client_secret: 'wrong' }) }),
    413: () => ({ raw: form({ grant_type: 'client_credentials', padding: 'x'.repeat(5_000) }) }),
  },
  'GET /.well-known/jwks.json': { 200: () => ({ keyed: true }), 404: () => ({}) },
  'GET /ready': { 200: () => ({}) },
  'GET /health': { 200: () => ({}) },
}

/** Each kind of directory entry: written, read (the fixture's `e1` is in each), deleted. */
function directoryRecipes(): Record<string, Record<number, Recipe>> {
  const entries: Record<string, Record<string, unknown>> = {
    customers: { id: 'e1', email: 'e1@example.com' },
    'legal-entities': { id: 'e1', name: 'E1' },
    products: { id: 'e1' },
    categories: { id: 'e1' },
  }
  return Object.fromEntries(
    Object.entries(entries).flatMap(([kind, entry]) => [
      [`PUT /customer-segment/{tenant}/directory/${kind}`, { 207: () => ({ body: [entry] }) }],
      [`GET /customer-segment/{tenant}/directory/${kind}/{id}`, { 200: () => ({}), 404: () => ({ path: { id: NO_SUCH } }) }],
      [`DELETE /customer-segment/{tenant}/directory/${kind}/{id}`, { 204: () => ({ path: { id: NO_SUCH } }) }],
    ]),
  )
}

/** The value of each path parameter when a request does not give one. */
function pathDefaults(f: Fixture): Record<string, string> {
  return {
    tenant: f.tenant,
    segmentId: 's1',
    customerId: 'c1',
    legalEntityId: 'le1',
    type: 'PRODUCT',
    itemId: 'p1',
    id: 'e1',
    code: 'http',
    configCode: 'http',
    targetId: 'default',
    eventId: f.eventId,
    deliveryId: f.deliveryId,
    clientId: f.client.clientId,
    endpointId: f.endpoint,
  }
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? `(${name}?)`))
}

const BAD_VALUES: Record<string, string> = { pageSize: '0', pageNumber: 'x', sort: 'nope:sideways', since: 'yesterday' }

/**
 * A 400 any operation of its kind answers: a body of the wrong type, a query parameter with a bad
 * value, or a path parameter with a NUL in it (refused before anything else).
 */
function badRequest(operation: DocumentedOperation): Recipe | undefined {
  if (operation.hasBody) return () => ({ body: 42 })
  const query = operation.parameters.find((p) => p.in === 'query' && BAD_VALUES[p.name] !== undefined)
  if (query) return () => ({ query: { [query.name]: BAD_VALUES[query.name] } })
  const id = operation.parameters.filter((p) => p.in === 'path').at(-1)
  if (id) return () => ({ path: { [id.name]: 'a\u0000' } })
  return undefined
}

function inject(operation: DocumentedOperation, f: Fixture, request: Request, token: string | null, receiver: Receiver): InjectOptions {
  const url = new URL(fill(operation.path, { ...pathDefaults(f), ...request.path }), 'http://service')
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value)
  if (request.raw !== undefined) {
    return {
      method: operation.method as InjectOptions['method'],
      url: url.pathname + url.search,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...request.headers },
      payload: request.raw,
    }
  }
  const body = typeof request.body === 'string' ? request.body : JSON.parse(JSON.stringify(request.body ?? null).replaceAll('$receiver', receiver.url))
  return {
    method: operation.method as InjectOptions['method'],
    url: url.pathname + url.search,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...request.headers },
    ...(request.body !== undefined ? { payload: body } : {}),
  }
}

for (const engine of ENGINES) {
  describe(`the OpenAPI document on ${engine}`, () => {
    let t: TestApp
    let keyed: TestApp
    let receiver: Receiver
    let operations: DocumentedOperation[]
    let fixture: Fixture
    let token: string
    let counter = 0

    before(async () => {
      receiver = await startReceiver()
      t = await startTestApp(engine, { delivery: {} })
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      keyed = await siblingApp(t, { signingKey: await keyPairFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'test key') })
      operations = documentedOperations((await t.app.inject({ method: 'GET', url: '/openapi.json' })).json())
      // Set up as a client of the platform is: an API client's id and secret, exchanged for a token at
      // /oauth/token, which then makes every request below.
      const tenant = freshTenant('doc')
      const admin = await t.token({ tenant })
      const credentials = await t.call({ method: 'POST', url: `/customer-segment/${tenant}/api-clients`, token: admin, payload: { name: 'platform client', scopes: ALL_SCOPES } })
      assert.equal(credentials.statusCode, 201, credentials.body)
      const { clientId, clientSecret } = credentials.json()
      const granted = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
      })
      assert.equal(granted.statusCode, 200, granted.body)
      assert.match(granted.json().scope, new RegExp(`(^| )tenant=${tenant}( |$)`))
      token = granted.json().access_token
      const call = async (method: InjectOptions['method'], url: string, payload?: unknown) => {
        const res = await t.call({ method, url: `/${url.split('/')[1]}/${tenant}/${url.split('/').slice(2).join('/')}`, token, payload: payload as InjectOptions['payload'] })
        assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`)
        return res
      }
      await call('POST', '/webhook/config', {
        code: 'http',
        active: true,
        provider: 'HTTP',
        configuration: {
          destinationUrl: receiver.url,
          eventsConfiguration: [
            { eventType: CREATED, destinationUrl: `${receiver.url}/off`, active: false },
            { eventType: UPDATED, destinationUrl: `${receiver.url}/one` },
            { eventType: UPDATED, destinationUrl: `${receiver.url}/two` },
          ],
        },
      })
      const targets = (await call('GET', '/webhook/targets')).json()
      const inactiveTarget = targets.find((target: { eventType: string | null; active: boolean }) => target.eventType === CREATED && !target.active).targetId
      await call('PATCH', '/webhook/event-subscriptions', [
        { eventType: CREATED, action: 'SUBSCRIBE' },
        { eventType: UPDATED, action: 'SUBSCRIBE' },
      ])
      await call('PUT', '/customer-segment/segments/s1', segment('One'))
      await call('PUT', '/customer-segment/segments/s1', segment('Uno'))
      await call('PUT', '/customer-segment/segments/s1/customers/c1', {})
      await call('PUT', '/customer-segment/segments/s1/customers/c1/le1', {})
      await call('PUT', '/customer-segment/segments/s1/items/PRODUCT/p1', {})
      for (const id of ['ruled', 'unruled', 'ruleless']) await call('PUT', `/customer-segment/segments/${id}`, segment(id))
      await call('PUT', '/customer-segment/segments/ruled/rule', { query: RULE })
      await call('PUT', '/customer-segment/segments/ruledb2b', segment('B2B'))
      await call('PUT', '/customer-segment/segments/ruledb2b/rule', { query: RULE, b2b: true })
      // Selected by both rules as the directory write lands: automatic assignments, which a DELETE may not remove.
      await call('PUT', '/customer-segment/directory/customers', [{ id: 'vip1', tags: ['vip'], legalEntityIds: ['le9'] }])
      for (const [kind, entries] of Object.entries(RECIPES).filter(([key]) => key.startsWith('PUT /customer-segment/{tenant}/directory/'))) {
        await call('PUT', `/customer-segment/directory/${kind.split('/').at(-1)}`, (await entries[207](undefined as unknown as Fixture)).body)
      }
      const deliveryId = await waitFor('a delivery', async () => {
        const events = (await call('GET', `/webhook/events?type=${UPDATED}`)).json()
        return events[0]?.deliveries?.[0]?.id as string | undefined
      })
      const [event] = (await call('GET', `/webhook/events?type=${CREATED}`)).json()
      const stored = (await call('GET', '/webhook/config/http')).json()
      const config = {
        active: stored.active,
        provider: stored.provider,
        configuration: {
          destinationUrl: receiver.url,
          eventsConfiguration: stored.configuration.eventsConfiguration.map(({ id, eventType, destinationUrl, active }: Record<string, unknown>) => ({ id, eventType, destinationUrl, active })),
        },
      }
      const client = (await call('POST', '/customer-segment/api-clients', { scopes: [SCOPES.segmentRead] })).json()
      const spare = (await call('POST', '/customer-segment/api-clients', { scopes: [SCOPES.segmentRead] })).json()
      const [endpoint, spareEndpoint] = await Promise.all([1, 2].map(async () => (await call('POST', '/webhook/portal/endpoints', { url: receiver.url })).json().id as string))
      fixture = {
        tenant, eventId: event.id, deliveryId, inactiveTarget, endpoint, spareEndpoint, config, client, spareClient: spare.clientId, fresh: (prefix) => `${prefix}-${++counter}`,
      }
    })
    after(async () => {
      await keyed.close()
      await t.close()
      await receiver.close()
    })

    const run = async (app: TestApp, operation: DocumentedOperation, request: Request, bearer: string | null = token) => {
      if (request.keyed) return keyed.app.inject(inject(operation, fixture, request, bearer, receiver))
      if (!request.asEmptyTenant) return app.app.inject(inject(operation, fixture, request, bearer, receiver))
      const empty = freshTenant('empty')
      const own = bearer === token ? await t.token({ tenant: empty }) : bearer
      return app.app.inject(inject(operation, fixture, { ...request, path: { tenant: empty, ...request.path } }, own, receiver))
    }

    it('names every operation uniquely, with the contract’s operation id where the contract has it', async () => {
      const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json()
      const ids = new Map<string, string>()
      for (const [path, methods] of Object.entries<Record<string, { operationId?: string }>>(document.paths)) {
        for (const [method, operation] of Object.entries(methods)) ids.set(`${method.toUpperCase()} ${path}`, operation.operationId ?? '(none)')
      }
      assert.deepEqual([...ids].filter(([, id]) => id === '(none)'), [])
      assert.equal(new Set(ids.values()).size, ids.size, 'operation ids are unique')
      const served = CONTRACT_OPERATIONS.filter(([key]) => ids.has(key))
      assert.deepEqual(served.map(([key]) => [key, ids.get(key)]), served)
      const missing = CONTRACT_OPERATIONS.filter(([key]) => !ids.has(key)).map(([key]) => key)
      assert.deepEqual(missing, [], 'every operation of the contracts is served')
    })

    it('has a request for every documented status of every operation, answered with that status', async () => {
      const wrong: string[] = []
      for (const operation of operations) {
        const key = `${operation.method} ${operation.path}`
        const own = RECIPES[key] ?? {}
        for (const status of operation.statuses) {
          let recipe: Recipe | undefined = own[status]
          let bearer: string | null = token
          if (!recipe && status === 400) recipe = badRequest(operation)
          if (!recipe && status === 401) [recipe, bearer] = [own[operation.statuses.find((s) => s < 300) ?? 200] ?? (() => ({})), null]
          if (!recipe && status === 403) [recipe, bearer] = [own[operation.statuses.find((s) => s < 300) ?? 200] ?? (() => ({})), await t.token({ tenant: fixture.tenant, scopes: [] })]
          if (!recipe && status === 413) recipe = () => ({ body: 'x'.repeat(DEFAULT_LIMITS.bodyBytes + 1), headers: { 'content-type': 'application/json' } })
          if (!recipe && status === 415) recipe = () => ({ body: 'x', headers: { 'content-type': 'text/plain' } })
          if (status === 503) continue // below: it needs a database to lose
          if (!recipe) {
            wrong.push(`${key} documents ${status}, and no request here produces it`)
            continue
          }
          const res = await run(t, operation, await recipe(fixture), bearer)
          if (res.statusCode !== status) wrong.push(`${key} → ${res.statusCode}, expected ${status}: ${res.body.slice(0, 200)}`)
        }
        for (const status of Object.keys(own).map(Number)) {
          if (!operation.statuses.includes(status)) wrong.push(`${key} has a request for ${status}, which it does not document`)
        }
      }
      for (const key of Object.keys(RECIPES)) {
        if (!operations.some((o) => `${o.method} ${o.path}` === key)) wrong.push(`${key} is not in the document`)
      }
      assert.deepEqual(wrong, [])
    })

    it('documents the X-Total-Count response header on exactly the operations that answer it', async () => {
      const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json()
      const wrong: string[] = []
      for (const operation of operations) {
        const key = `${operation.method} ${operation.path}`
        const success = RECIPES[key]?.[200]
        if (!success) continue
        const described = document.paths[operation.path][operation.method.toLowerCase()]
        const documented = described.responses['200'].headers?.['X-Total-Count'] !== undefined
        const asks = described.parameters?.some((p: { in: string; name: string }) => p.in === 'header' && p.name === 'x-total-count') ?? false
        const request = await success(fixture)
        const res = await run(t, operation, { ...request, headers: { ...request.headers, 'x-total-count': 'true' } })
        const answered = res.headers['x-total-count'] !== undefined
        if (documented !== answered || asks !== answered) wrong.push(`${key}: documented ${documented}, asked for ${asks}, answered ${answered}`)
      }
      assert.deepEqual(wrong, [])
    })

    it('offers request examples that succeed as they are, for every operation that takes a body but the token request', async () => {
      const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json()
      const wrong: string[] = []
      for (const operation of operations) {
        const described = document.paths[operation.path][operation.method.toLowerCase()]
        const media = described.requestBody?.content?.['application/json']
        if (!media) continue
        const key = `${operation.method} ${operation.path}`
        if (media.example === undefined) {
          wrong.push(`${key} has no request example`)
          continue
        }
        // The config example creates the config a tenant has one of; the fixture's tenant has it already.
        const asEmptyTenant = described.operationId === 'POST-webhook-create-config'
        const res = await run(t, operation, { body: media.example, asEmptyTenant })
        if (res.statusCode >= 300) wrong.push(`${key} → ${res.statusCode}: ${res.body.slice(0, 200)}`)
      }
      assert.deepEqual(wrong, [])
    })

    it('documents 429 on every tenant operation when the tenant rate limit is on, and answers it', async () => {
      const limited = await siblingApp(t, { http: { ...DEFAULT_HTTP, tenantRateLimit: 1 } })
      try {
        const document = (await limited.app.inject({ method: 'GET', url: '/openapi.json' })).json()
        for (const operation of documentedOperations(document)) {
          const key = `${operation.method} ${operation.path}`
          assert.equal(operation.statuses.includes(429), operation.path.includes('{tenant}'), key)
          if (!operation.path.includes('{tenant}')) continue
          // Counted once the caller is known: a stranger cannot spend a tenant's allowance.
          const tenant = freshTenant('limit')
          const bearer = await limited.token({ tenant })
          const request: Request = { path: { tenant } }
          await limited.app.inject(inject(operation, fixture, request, bearer, receiver))
          const res = await limited.app.inject(inject(operation, fixture, request, bearer, receiver))
          assert.equal(res.statusCode, 429, key)
        }
      } finally {
        await limited.close()
      }
    })

    it('answers the documented 503 on every operation that reads the database while it is out of reach', { skip: engine === 'pglite' ? 'the embedded engine has no connection to lose' : false }, async () => {
      const target = new URL(t.databaseUrl as string)
      const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) })
      const database = await openDatabase({ engine: 'postgres', url: proxy.url(t.databaseUrl as string), poolSize: 2, acquireTimeoutMs: 500 })
      const cut = await siblingApp({ ...t, database }, {})
      try {
        await proxy.cut()
        const wrong: string[] = []
        for (const operation of operations) {
          if (!operation.statuses.includes(503)) continue
          const key = `${operation.method} ${operation.path}`
          const own = RECIPES[key] ?? {}
          const success = operation.statuses.find((s) => s < 300)
          const request = await (own[success ?? 200] ?? (() => ({})))(fixture)
          const res = await run(cut, operation, request)
          if (res.statusCode !== 503) wrong.push(`${key} → ${res.statusCode}: ${res.body.slice(0, 200)}`)
          else assert.equal(res.headers['retry-after'], '5', key)
        }
        assert.deepEqual(wrong, [])
      } finally {
        await cut.close()
        await database.close()
        await proxy.close()
      }
    })
  })
}

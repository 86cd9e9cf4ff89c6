/**
 * Helpers for the segment and event behaviour suites: a client bound to one tenant (so tests sharing an
 * app never see each other's data), the contract examples, error-body checks, direct assignment rows
 * (the assignment API comes later) and event-log reads.
 */
import assert from 'node:assert/strict'
import { STATUS_CODES } from 'node:http'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { sql } from 'kysely'
import { ALL_SCOPES, type TestApp } from './harness.js'

export type Response = LightMyRequestResponse
export type CallOptions = InjectOptions & { token?: string | null }

export interface LoggedEvent {
  id: string
  type: string
  time: string
  sequence: number
  subject: string
  payload: Record<string, unknown>
}

/** A caller for one tenant: `url('/x')` is `/customer-segment/{tenant}/segments/x`. */
export interface TenantClient {
  tenant: string
  token: string
  url(path?: string): string
  call(options: CallOptions): Promise<Response>
  /** POSTs a segment and returns its id (asserting 201). */
  create(body: Record<string, unknown>, headers?: Record<string, string>): Promise<string>
  get(id: string, headers?: Record<string, string>): Promise<Record<string, any>>
  /** The tenant's event log, oldest first (all of it, or after `sequence`). */
  events(afterSequence?: number): Promise<LoggedEvent[]>
  /** The highest event sequence so far (0 when none), to read only what a test caused. */
  lastSequence(): Promise<number>
}

let tenantCounter = 0

/** A tenant name of its own for one test: `^[a-z][a-z0-9]+$`, at most 16 characters. */
export function freshTenant(prefix: string): string {
  tenantCounter += 1
  return `${prefix.slice(0, 10)}${String(tenantCounter).padStart(4, '0')}`
}

export async function tenantClient(t: TestApp, tenant: string, scopes: string[] = ALL_SCOPES): Promise<TenantClient> {
  const token = await t.token({ tenant, scopes })
  const client: TenantClient = {
    tenant,
    token,
    url: (path = '') => `/customer-segment/${tenant}/segments${path}`,
    call: ({ token: given, ...options }) => t.call({ ...options, token: given === undefined ? token : given }),
    async create(body, headers) {
      const res = await client.call({ method: 'POST', url: client.url(), payload: body, headers })
      assert.equal(res.statusCode, 201, res.body)
      return res.json().id
    },
    async get(id, headers) {
      const res = await client.call({ method: 'GET', url: client.url(`/${encodeURIComponent(id)}`), headers })
      assert.equal(res.statusCode, 200, res.body)
      return res.json()
    },
    async events(afterSequence) {
      const all: LoggedEvent[] = []
      for (let page = 1; ; page++) {
        const since = afterSequence === undefined ? '' : `&since=${afterSequence}`
        const res = await client.call({ method: 'GET', url: `/webhook/${tenant}/events?pageSize=1000&pageNumber=${page}${since}` })
        assert.equal(res.statusCode, 200, res.body)
        const batch = res.json() as LoggedEvent[]
        all.push(...batch)
        if (batch.length < 1000) return all
      }
    },
    async lastSequence() {
      const row = await t.database.db
        .selectFrom('outbox_event')
        .select((eb) => eb.fn.max('sequence').as('max'))
        .where('tenant', '=', tenant)
        .executeTakeFirst()
      return Number(row?.max ?? 0)
    },
  }
  return client
}

/** Rows of a tenant that a bad request must not have touched. */
export async function snapshot(t: TestApp, tenant: string) {
  const db = t.database.db
  const segments = await db.selectFrom('segment').selectAll().where('tenant', '=', tenant).orderBy('id').execute()
  const events = await db.selectFrom('outbox_event').select(['sequence']).where('tenant', '=', tenant).orderBy('sequence').execute()
  const customers = await db.selectFrom('customer_assignment').selectAll().where('tenant', '=', tenant).execute()
  const items = await db.selectFrom('item_assignment').selectAll().where('tenant', '=', tenant).execute()
  return { segments, events, customers, items }
}

export async function insertCustomerAssignment(t: TestApp, tenant: string, segmentId: string, customerId: string, legalEntityId = '') {
  const now = new Date()
  await t.database.db
    .insertInto('customer_assignment')
    .values({
      tenant,
      segment_id: segmentId,
      customer_id: customerId,
      legal_entity_id: legalEntityId,
      assignment_type: 'MANUAL',
      mixins: null,
      metadata_mixins: null,
      version: 1,
      created_at: now,
      modified_at: now,
    })
    .execute()
}

export async function insertItemAssignment(t: TestApp, tenant: string, segmentId: string, type: 'PRODUCT' | 'CATEGORY', itemId: string) {
  const now = new Date()
  await t.database.db
    .insertInto('item_assignment')
    .values({ tenant, segment_id: segmentId, type, item_id: itemId, mixins: null, metadata_mixins: null, version: 1, created_at: now, modified_at: now })
    .execute()
}

export async function countAssignments(t: TestApp, tenant: string, segmentId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select (select count(*) from customer_assignment where tenant = ${tenant} and segment_id = ${segmentId})
         + (select count(*) from item_assignment where tenant = ${tenant} and segment_id = ${segmentId}) as n`.execute(t.database.db)
  return Number(rows[0].n)
}

const DETAIL_KEYS = new Set(['field', 'type', 'message', 'moreInfo'])

/**
 * Asserts the one error format: `{code, status, message, details?, resourceId?}` (401 adds `fault`),
 * `code` = the HTTP status, `status` = its reason phrase, a JSON content type. Returns the body.
 */
export function assertError(res: Response, code: number, message?: string | RegExp): Record<string, any> {
  assert.equal(res.statusCode, code, res.body)
  assert.match(String(res.headers['content-type']), /^application\/json/)
  const body = res.json()
  const allowed = new Set(['code', 'status', 'message', 'details', 'resourceId', ...(code === 401 ? ['fault'] : [])])
  for (const key of Object.keys(body)) assert.ok(allowed.has(key), `unexpected key '${key}' in error body ${res.body}`)
  assert.equal(body.code, code)
  assert.equal(body.status, STATUS_CODES[code])
  assert.equal(typeof body.message, 'string')
  assert.ok(body.message.length > 0)
  if (body.details !== undefined) {
    assert.equal(typeof body.details, 'object')
    for (const [key, value] of Object.entries(body.details)) {
      assert.ok(DETAIL_KEYS.has(key), `unexpected details key '${key}'`)
      assert.equal(typeof value, 'string')
    }
  }
  if (code === 401) {
    assert.equal(typeof body.fault?.faultstring, 'string')
    assert.equal(body.fault?.detail?.errorcode, 'oauth.v2.InvalidAccessToken')
  }
  if (typeof message === 'string') assert.equal(body.message, message)
  else if (message) assert.match(body.message, message)
  return body
}

export const MESSAGES = {
  exists: 'The resource already exists.',
  changed: 'The resource you are attempting to access has changed.',
  /** Any 403: the platform's sentence, then the reason. */
  forbidden: /^The access to the requested resource has been forbidden by the server: .+\.$/,
  wrongTenant: 'The access to the requested resource has been forbidden by the server: the token is for another tenant.',
  missingScope: (scope: string) => `The access to the requested resource has been forbidden by the server: the token lacks the scope ${scope}.`,
  notFound: (id: string) => `The resource with id ${id} has not been found.`,
}

/** Contract examples (components/examples of the Customer Segment API), verbatim. */
export const EXAMPLES = {
  SegmentCreation: {
    id: '628cd20c6e8b2432b6346ca6',
    name: { en: 'Golden Segment' },
    description: { en: 'Golden Segment' },
    validity: { from: '2024-04-17T08:00:00.000Z', to: '2025-04-17T08:00:00.000Z' },
    status: 'ACTIVE',
    siteCode: 'main',
  },
  SegmentsCreation: [
    {
      id: '628cd20c6e8b2432b6346ca6',
      name: { en: 'Golden Segment' },
      description: { en: 'Golden Segment' },
      validity: { from: '2024-04-17T08:00:00.000Z', to: '2025-04-17T08:00:00.000Z' },
      status: 'ACTIVE',
      siteCode: 'main',
    },
    {
      id: '61ge81e13562e22001h6cf456',
      name: { en: 'Platinum Segment' },
      description: { en: 'Platinum Segment' },
      validity: { from: '2024-07-20T08:00:00.000Z', to: '2025-07-20T08:00:00.000Z' },
      status: 'INACTIVE',
      siteCode: 'main',
    },
  ],
  SegmentUpdate: {
    name: { en: 'Golden Segment' },
    description: { en: 'Golden Segment' },
    validity: { from: '2024-04-17T08:00:00.000Z', to: '2025-04-17T08:00:00.000Z' },
    status: 'ACTIVE',
    siteCode: 'main',
    metadata: { version: 1 },
  },
  SegmentsUpdate: [
    {
      id: '628cd20c6e8b2432b6346ca6',
      name: { en: 'Golden Segment' },
      description: { en: 'Golden Segment' },
      validity: { from: '2024-04-17T08:00:00.000Z', to: '2025-04-17T08:00:00.000Z' },
      status: 'ACTIVE',
      siteCode: 'main',
      metadata: { version: 1 },
    },
    {
      id: '61ge81e13562e22001h6cf456',
      name: { en: 'Platinum Segment' },
      description: { en: 'Platinum Segment' },
      validity: { from: '2024-07-20T08:00:00.000Z', to: '2025-07-20T08:00:00.000Z' },
      status: 'INACTIVE',
      siteCode: 'main',
      metadata: { version: 2 },
    },
  ],
  PatchStatus: [{ op: 'replace', path: '/status', value: 'INACTIVE' }],
  PatchName: [{ op: 'replace', path: '/name', value: { en: 'New name' } }],
  PatchRemoveDescription: [{ op: 'remove', path: '/description' }],
  PatchMixins: [{ op: 'replace', path: '/mixins/productCustomAttributes/pricingMeasurePrice', value: 15 }],
  SegmentsSearch: { q: 'siteCode:main' },
} as const

/** A deep, mutable copy of an example, to send or to change. */
export function example<T>(value: T): any {
  return structuredClone(value) as any
}

export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/**
 * Helpers for the assignment, storefront and customer-view suites: the assignment contract examples,
 * directory feeding, segments that are (or are not) effective, customer tokens, and assignment URLs.
 */
import assert from 'node:assert/strict'
import { SCOPES } from '../../src/auth/principal.js'
import type { TestApp } from './harness.js'
import type { CallOptions, Response, TenantClient } from './segment-helpers.js'

const SCHEMA_URL = 'https://res.cloudinary.com/saas-ag/raw/upload/emporix-docs/69537caeb3fd5d378296ae42_segmentAttributes.json'

/** Contract examples (components/examples) of the assignment endpoints, verbatim. */
export const ASSIGNMENT_EXAMPLES = {
  /** CustomerAssignmentUpsert and ItemAssignmentUpsert are both the Mixins example. */
  Mixins: {
    mixins: { segmentAttributes: { membershipStatus: 'PREMIUM' } },
    metadata: { mixins: { segmentAttributes: SCHEMA_URL } },
  },
  CustomerAssignmentsUpsert: [
    {
      customerId: '98029737',
      legalEntityId: '660af2af69babe3cf6e40771',
      mixins: { segmentAttributes: { membershipStatus: 'PREMIUM' } },
      metadata: { mixins: { segmentAttributes: SCHEMA_URL } },
    },
    { customerId: '18249883', legalEntityId: '628cd20c6e8b2432b6346ca6', metadata: { version: 1 } },
  ],
  ItemAssignmentsUpsert: [
    {
      id: '12468504',
      mixins: { segmentAttributes: { membershipStatus: 'PREMIUM' } },
      metadata: { mixins: { segmentAttributes: SCHEMA_URL } },
    },
    { id: '12849186', metadata: { version: 2 } },
  ],
  /** CustomerAssignmentResponse without its timestamps. */
  CustomerAssignmentResponse: {
    customer: { id: '98029737', firstName: 'John', lastName: 'Doe', email: 'john.doe@email.com' },
    legalEntity: { id: '660af2af69babe3cf6e40771', name: 'SomeCompany' },
    assignmentType: 'MANUAL',
  },
  CustomerAssignmentB2CResponse: {
    customer: { id: '98029737', firstName: 'John', lastName: 'Doe', email: 'john.doe@email.com' },
    assignmentType: 'MANUAL',
  },
  /** ItemAssignmentResponse without its timestamps (its segmentId is the literal `segmentId`). */
  ItemAssignmentResponse: {
    segmentId: 'segmentId',
    item: { id: '12468504', code: '123', name: { en: 'Hammer' } },
    type: 'PRODUCT',
  },
  BulkAssignmentUpdateResponse: [
    { index: 1, code: 204, status: 'OK' },
    { index: 2, code: 400, status: 'Bad Request', message: 'Validation problem with request body.' },
  ],
  BulkAssignmentDeletionResponse: [
    { index: 1, code: 204, status: 'OK' },
    { index: 2, code: 204, status: 'OK' },
  ],
  Match: { siteCode: 'main', items: [{ id: 'p1234' }, { id: 'p2345' }], segmentIds: ['S1234', 'S2456'] },
  SCHEMA_URL,
} as const

export const DAY = 24 * 60 * 60 * 1000
export const iso = (ms: number) => new Date(ms).toISOString()

/** Segment bodies by how effective they are now. */
export const SEGMENTS = {
  /** ACTIVE, no validity: effective. */
  active: (siteCode = 'main') => ({ name: { en: 'Active' }, siteCode, status: 'ACTIVE' }),
  /** ACTIVE inside its window: effective. */
  activeWindow: (siteCode = 'main') => ({
    name: { en: 'Window' },
    siteCode,
    status: 'ACTIVE',
    validity: { from: iso(Date.now() - DAY), to: iso(Date.now() + DAY) },
  }),
  inactive: (siteCode = 'main') => ({ name: { en: 'Inactive' }, siteCode, status: 'INACTIVE' }),
  expired: (siteCode = 'main') => ({
    name: { en: 'Expired' },
    siteCode,
    status: 'ACTIVE',
    validity: { from: iso(Date.now() - 2 * DAY), to: iso(Date.now() - DAY) },
  }),
  future: (siteCode = 'main') => ({ name: { en: 'Future' }, siteCode, status: 'ACTIVE', validity: { from: iso(Date.now() + DAY) } }),
} as const

/** Creates a segment with the given id and body; returns the id. */
export async function segment(c: TenantClient, id: string, body: Record<string, unknown> = SEGMENTS.active()): Promise<string> {
  return c.create({ ...body, id })
}

export type DirectoryKindName = 'customers' | 'legal-entities' | 'products' | 'categories'

/** Feeds directory entries (replacing stored ones), asserting every entry was taken. */
export async function feedDirectory(c: TenantClient, kind: DirectoryKindName, entries: Record<string, unknown>[]): Promise<void> {
  const res = await c.call({ method: 'PUT', url: `/customer-segment/${c.tenant}/directory/${kind}`, payload: entries })
  assert.equal(res.statusCode, 207, res.body)
  for (const result of res.json()) assert.equal(result.code, 204, res.body)
}

/** Reads one directory entry (undefined when absent). */
export async function readDirectory(c: TenantClient, kind: DirectoryKindName, id: string): Promise<Record<string, any> | undefined> {
  const res = await c.call({ method: 'GET', url: `/customer-segment/${c.tenant}/directory/${kind}/${encodeURIComponent(id)}` })
  if (res.statusCode === 404) return undefined
  assert.equal(res.statusCode, 200, res.body)
  return res.json()
}

const enc = encodeURIComponent

/** Path of a customer assignment below `segments`: B2C without a legal entity, B2B with one. */
export function customerPath(segmentId: string, customerId?: string, legalEntityId?: string): string {
  let path = `/${enc(segmentId)}/customers`
  if (customerId !== undefined) path += `/${enc(customerId)}`
  if (legalEntityId !== undefined) path += `/${enc(legalEntityId)}`
  return path
}

export function itemPath(segmentId: string, type?: string, itemId?: string): string {
  let path = `/${enc(segmentId)}/items`
  if (type !== undefined) path += `/${enc(type)}`
  if (itemId !== undefined) path += `/${enc(itemId)}`
  return path
}

/** PUTs a customer assignment, asserting the status (201 create, 204 otherwise). */
export async function assignCustomer(
  c: TenantClient,
  segmentId: string,
  customerId: string,
  legalEntityId?: string,
  body: Record<string, unknown> = {},
  expected = 201,
): Promise<void> {
  const res = await c.call({ method: 'PUT', url: c.url(customerPath(segmentId, customerId, legalEntityId)), payload: body })
  assert.equal(res.statusCode, expected, res.body)
  if (res.statusCode === 201 || res.statusCode === 204) assert.equal(res.body, '')
}

export async function assignItem(
  c: TenantClient,
  segmentId: string,
  type: string,
  itemId: string,
  body: Record<string, unknown> = {},
  expected = 201,
): Promise<void> {
  const res = await c.call({ method: 'PUT', url: c.url(itemPath(segmentId, type, itemId)), payload: body })
  assert.equal(res.statusCode, expected, res.body)
  if (res.statusCode === 201 || res.statusCode === 204) assert.equal(res.body, '')
}

/** A client for a customer of the tenant: a token with only `segment_read_own` and the customer claims. */
export async function customerClient(
  t: TestApp,
  c: TenantClient,
  customerId: string,
  legalEntityId?: string,
  scopes: string[] = [SCOPES.segmentReadOwn],
): Promise<TenantClient> {
  const token = await t.token({ tenant: c.tenant, scopes, customerId, legalEntityId })
  return { ...c, token, call: ({ token: given, ...options }: CallOptions): Promise<Response> => c.call({ ...options, token: given === undefined ? token : given }) }
}

/** GETs a JSON array, asserting 200. */
export async function getList(c: TenantClient, path: string, headers?: Record<string, string>): Promise<Record<string, any>[]> {
  const res = await c.call({ method: 'GET', url: c.url(path), headers })
  assert.equal(res.statusCode, 200, res.body)
  const body = res.json()
  assert.ok(Array.isArray(body), res.body)
  return body
}

/** Asserts metadata of a response: exactly `{version, createdAt, modifiedAt[, mixins]}`, ISO times. */
export function assertMetadata(metadata: Record<string, any>, version: number, mixins?: Record<string, string>): void {
  const keys = ['createdAt', 'modifiedAt', 'version', ...(mixins ? ['mixins'] : [])].sort()
  assert.deepEqual(Object.keys(metadata).sort(), keys)
  assert.equal(metadata.version, version)
  assert.match(metadata.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  assert.match(metadata.modifiedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  assert.ok(metadata.modifiedAt >= metadata.createdAt)
  if (mixins) assert.deepEqual(metadata.mixins, mixins)
}

/** A JSON body sent as raw text (for malformed JSON). */
export function raw(text: string): { payload: string; headers: Record<string, string> } {
  return { payload: text, headers: { 'content-type': 'application/json' } }
}

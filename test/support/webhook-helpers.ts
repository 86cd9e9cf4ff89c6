/**
 * Helpers for the webhook configuration and subscription suites: a client bound to one tenant, the
 * webhook contract's error-shape check, the stored row (to prove refused requests change nothing), and
 * the contract's request examples — verbatim, and with their event types mapped onto this service's
 * catalogue (it publishes only customer-segment events).
 */
import assert from 'node:assert/strict'
import { STATUS_CODES } from 'node:http'
import type { InjectOptions } from 'fastify'
import { ALL_SCOPES, type TestApp } from './harness.js'
import type { CallOptions, Response } from './segment-helpers.js'

export type { CallOptions, Response }

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

export interface WebhookClient {
  tenant: string
  call(options: CallOptions): Promise<Response>
  /** `/webhook/{tenant}` + path. */
  url(path?: string): string
  /** POSTs a config and asserts 201. */
  create(body: unknown): Promise<void>
  /** GETs the `http` config and asserts 200. */
  read(): Promise<Record<string, any>>
  put(body: unknown): Promise<Response>
  patch(operations: unknown): Promise<Response>
  /** The stored `webhook_config` row, secrets included (undefined when none). */
  row(): Promise<Record<string, any> | undefined>
}

export async function webhookClient(t: TestApp, tenant: string, scopes: string[] = ALL_SCOPES): Promise<WebhookClient> {
  const token = await t.token({ tenant, scopes })
  const client: WebhookClient = {
    tenant,
    call: ({ token: given, ...options }) => t.call({ ...options, token: given === undefined ? token : given }),
    url: (path = '') => `/webhook/${tenant}${path}`,
    async create(body) {
      const res = await client.call({ method: 'POST', url: client.url('/config'), payload: body as InjectOptions['payload'] })
      assert.equal(res.statusCode, 201, res.body)
    },
    async read() {
      const res = await client.call({ method: 'GET', url: client.url('/config/http') })
      assert.equal(res.statusCode, 200, res.body)
      return res.json()
    },
    put: (body) => client.call({ method: 'PUT', url: client.url('/config/http'), payload: body as InjectOptions['payload'] }),
    patch: (operations) => client.call({ method: 'PATCH', url: client.url('/config/http'), payload: operations as InjectOptions['payload'] }),
    async row() {
      return t.database.db.selectFrom('webhook_config').selectAll().where('tenant', '=', tenant).where('code', '=', 'http').executeTakeFirst()
    },
  }
  return client
}

/**
 * Checks the webhook contract's ErrorMessage: `{code, status, message, details?}` with `details` a list
 * of strings; returns the body. A regular expression or string `message` must match the message.
 */
export function assertWebhookError(res: Response, code: number, message?: string | RegExp): { code: number; status: string; message: string; details?: string[] } {
  assert.equal(res.statusCode, code, res.body)
  assert.match(String(res.headers['content-type']), /^application\/json/)
  const body = res.json()
  const allowed = new Set(['code', 'status', 'message', 'details', ...(code === 401 ? ['fault'] : [])])
  for (const key of Object.keys(body)) assert.ok(allowed.has(key), `unexpected key '${key}' in ${res.body}`)
  assert.equal(body.code, code)
  assert.equal(body.status, STATUS_CODES[code])
  assert.equal(typeof body.message, 'string')
  if (body.details !== undefined) {
    assert.ok(Array.isArray(body.details) && body.details.length > 0, `details must be a non-empty string list: ${res.body}`)
    for (const line of body.details) assert.equal(typeof line, 'string')
  }
  if (typeof message === 'string') assert.equal(body.message, message)
  else if (message) assert.match(body.message, message)
  return body
}

/**
 * The catalogue types standing in for the contract's product and return events, kept in the case the
 * example wrote them. Config examples exclude `metadata` and `mixins`, which customer assignments carry;
 * the subscription example selects `name` and `description`, which segments carry.
 */
const STAND_INS = {
  config: { 'product.created': 'customer-segment.customer-assignment-created', 'return.deleted': 'customer-segment.item-assignment-deleted' },
  subscriptions: { 'product.created': 'customer-segment.segment-created', 'product.updated': 'customer-segment.segment-updated' },
} as const

/** The example with every event type (in values and path segments) replaced by its catalogue stand-in. */
export function mapped<T>(example: T, kind: keyof typeof STAND_INS = 'config'): T {
  let text = JSON.stringify(example)
  for (const [from, to] of Object.entries(STAND_INS[kind])) {
    text = text.replaceAll(from, to).replaceAll(from.toUpperCase(), to.toUpperCase())
  }
  return JSON.parse(text)
}

const ENTRY_ID = '3f1a2b4c-5d6e-7f80-91a2-b3c4d5e6f708'

/** The request examples of the webhook contract, verbatim. */
export const EXAMPLES = {
  create: {
    SVIX_SHARED: { code: 'svix_shared', active: true, provider: 'SVIX_SHARED', configuration: {} },
    SVIX: { code: 'svix', active: true, provider: 'SVIX', configuration: { apiKey: 'SARFJ353DSTGSd3w3cZXX' } },
    HTTP: {
      code: 'http',
      active: true,
      provider: 'HTTP',
      configuration: {
        secretKey: 'password123',
        destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=General',
        headers: { header1: { value: 'value1' }, header2: { value: 'value2' } },
        eventsConfiguration: [
          {
            eventType: 'PRODUCT.CREATED',
            destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=Detailed',
            secretKey: 'admin123',
            filter: "$[?(@.code == 'abc')]",
            excludedFields: ['metadata'],
            headers: { header3: { value: 'value3' }, header4: { value: 'value4' } },
          },
          { eventType: 'PRODUCT.CREATED', destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=Second', excludedFields: [] },
        ],
      },
    },
  },
  update: {
    SVIX_SHARED: { active: true, provider: 'SVIX_SHARED', configuration: {} },
    SVIX: { active: true, provider: 'SVIX', configuration: { apiKey: 'SARFJ353DSTGSd3w3cZXX' } },
    HTTP: {
      active: true,
      provider: 'HTTP',
      configuration: {
        destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=General',
        eventsConfiguration: [
          {
            id: ENTRY_ID,
            name: 'ERP integration',
            eventType: 'PRODUCT.CREATED',
            destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=Detailed',
            filter: "$[?(@.code == 'abc')]",
            excludedFields: ['metadata'],
          },
          {
            id: '8a9b0c1d-2e3f-4a5b-6c7d-8e9f0a1b2c3d',
            eventType: 'PRODUCT.CREATED',
            destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=Second',
            excludedFields: [],
          },
        ],
      },
    },
  },
  /** PATCH examples by their contract names; entry examples address {@link ENTRY_ID}. */
  patch: {
    'Multiple Update List': [
      { op: 'UPSERT', path: '/active', value: true },
      { op: 'UPSERT', path: '/configuration/svix/apiKey', value: 'SARFJ353DSTGSd3w3cZXX' },
    ],
    Active: [{ op: 'UPSERT', path: '/active', value: true }],
    'Configuration Svix': [{ op: 'UPSERT', path: '/configuration', value: { apiKey: 'SARFJ353DSTGSd3w3cZXX' } }],
    'Configuration Svix Api Key': [{ op: 'UPSERT', path: '/configuration/svix/apiKey', value: 'SARFJ353DSTGSd3w3cZXX' }],
    'Configuration Http Headers': [
      { op: 'UPSERT', path: '/configuration/http/headers', value: { header1: { value: 'value1' }, header2: { value: 'value2' } } },
    ],
    'Configuration Http Destination Url': [
      { op: 'UPSERT', path: '/configuration/http/destinationUrl', value: 'https://gcp.cloudfunctions.net/webhook?name=General' },
    ],
    'Configuration Http Secret Key': [{ op: 'UPSERT', path: '/configuration/http/secretKey', value: 'password123' }],
    'Configuration Http': [{ op: 'UPSERT', path: '/configuration', value: { destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=General' } }],
    'Upsert Configuration Event Types': [
      {
        op: 'UPSERT',
        path: '/configuration/http/eventsConfiguration',
        value: [
          {
            eventType: 'PRODUCT.CREATED',
            destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=Detailed',
            filter: "$[?(@.code == 'abc')]",
            excludedFields: ['metadata'],
          },
          { eventType: 'PRODUCT.CREATED', destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=Second', excludedFields: [] },
          { eventType: 'RETURN.DELETED', destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=Detailed' },
        ],
      },
    ],
    'Remove Configuration Event Types': [{ op: 'REMOVE', path: '/configuration/http/eventsConfiguration' }],
    'Upsert Configuration Event Type': [
      {
        op: 'UPSERT',
        path: '/configuration/http/eventsConfiguration/product.created',
        value: { eventType: 'PRODUCT.CREATED', destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=Detailed' },
      },
    ],
    'Remove Configuration Event Type': [{ op: 'REMOVE', path: '/configuration/http/eventsConfiguration/product.created' }],
    'Upsert Configuration Event Type Destination Url': [
      {
        op: 'UPSERT',
        path: '/configuration/http/eventsConfiguration/product.created/destinationUrl',
        value: 'https://gcp.cloudfunctions.net/webhook?name=Detailed',
      },
    ],
    'Upsert Configuration Event Type Secret Key': [
      { op: 'UPSERT', path: '/configuration/http/eventsConfiguration/product.created/secretKey', value: 'password123' },
    ],
    'Upsert Configuration Event Type Headers': [
      {
        op: 'UPSERT',
        path: '/configuration/http/eventsConfiguration/product.created/headers',
        value: { header1: { value: 'value1' }, header2: { value: 'value2' } },
      },
    ],
    'Create Configuration Event Entry': [
      {
        op: 'UPSERT',
        path: '/configuration/http/eventsConfigurationEntry',
        value: {
          name: 'ERP integration',
          eventType: 'PRODUCT.CREATED',
          destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=New',
          filter: "$[?(@.status == 'DECLINED')]",
          excludedFields: ['mixins'],
        },
      },
    ],
    'Upsert Configuration Event Entry': [
      {
        op: 'UPSERT',
        path: `/configuration/http/eventsConfigurationEntry/${ENTRY_ID}`,
        value: {
          eventType: 'PRODUCT.CREATED',
          destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=Detailed',
          filter: "$[?(@.status == 'NEW')]",
          excludedFields: ['mixins'],
        },
      },
    ],
    'Remove Configuration Event Entry': [{ op: 'REMOVE', path: `/configuration/http/eventsConfigurationEntry/${ENTRY_ID}` }],
    'Upsert Configuration Event Entry Destination Url': [
      {
        op: 'UPSERT',
        path: `/configuration/http/eventsConfigurationEntry/${ENTRY_ID}/destinationUrl`,
        value: 'https://gcp.cloudfunctions.net/webhook?name=Detailed',
      },
    ],
    'Upsert Configuration Event Entry Filter': [
      { op: 'UPSERT', path: `/configuration/http/eventsConfigurationEntry/${ENTRY_ID}/filter`, value: "$[?(@.status == 'NEW')]" },
    ],
    'Upsert Configuration Event Entry Excluded Fields': [
      { op: 'UPSERT', path: `/configuration/http/eventsConfigurationEntry/${ENTRY_ID}/excludedFields`, value: ['mixins'] },
    ],
    'Upsert Configuration Event Entry Name': [
      { op: 'UPSERT', path: `/configuration/http/eventsConfigurationEntry/${ENTRY_ID}/name`, value: 'ERP integration' },
    ],
    'Deactivate Configuration Event Entry': [
      { op: 'UPSERT', path: `/configuration/http/eventsConfigurationEntry/${ENTRY_ID}/active`, value: false },
    ],
  },
  subscriptions: [
    { eventType: 'product.created', action: 'SUBSCRIBE', fieldsToSubscribe: ['name'], fieldsToUnsubscribe: ['description'], metadata: { version: 1 } },
    { eventType: 'product.updated', action: 'UNSUBSCRIBE', metadata: { version: 2 } },
  ],
  ENTRY_ID,
}

/** An entry example aimed at a real entry: the contract's entry id replaced by `id`. */
export function atEntry<T>(example: T, id: string): T {
  return JSON.parse(JSON.stringify(mapped(example)).replaceAll(ENTRY_ID, id))
}

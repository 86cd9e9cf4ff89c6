/**
 * What a delivery sends: the body (the bare payload as compact JSON, keys sorted at every level) and
 * the headers that sign and describe it. The body is serialized once; those exact bytes are signed and
 * sent, so receivers that verify the raw body and receivers that re-serialize the parsed body
 * (Emporix's recipe) both succeed.
 */
import { createHmac } from 'node:crypto'
import { configure } from 'safe-stable-stringify'
import type { HeaderMap } from '../webhooks/stored-config.js'

const stableStringify = configure({ deterministic: true, strict: true, circularValue: Error, bigint: false })

/** Compact JSON with keys sorted at every level, as `json-stable-stringify` writes it. */
export function canonicalJson(value: unknown): string {
  const text = stableStringify(value)
  if (text === undefined) throw new TypeError('value has no JSON form')
  return text
}

/** The payload without the excluded top-level keys. */
export function withoutFields(payload: Record<string, unknown>, excludedFields: readonly string[]): Record<string, unknown> {
  if (excludedFields.length === 0) return payload
  const kept: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(payload)) if (!excludedFields.includes(key)) kept[key] = value
  return kept
}

/** `emporix-event-signature`: base64 HMAC-SHA256 of the body, keyed with the secret string. */
export function emporixSignature(secretKey: string, body: string): string {
  return createHmac('sha256', secretKey).update(body).digest('base64')
}

/**
 * Standard Webhooks `webhook-signature`: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`. A `whsec_`
 * secret is base64 after its prefix; any other secret is used as its UTF-8 bytes.
 */
export function standardWebhookSignature(secretKey: string, id: string, timestamp: number, body: string): string {
  const key = secretKey.startsWith('whsec_') ? Buffer.from(secretKey.slice('whsec_'.length), 'base64') : Buffer.from(secretKey, 'utf8')
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`
}

export interface SignedEvent {
  id: string
  type: string
  tenant: string
  /** The resource, e.g. `segments/abc`. */
  subject: string
  sequence: number
  publishedAt: Date
}

export interface SignInput {
  event: SignedEvent
  body: string
  secretKey?: string
  /** Replaced secrets still in their grace period: `webhook-signature` carries a signature with each too. */
  previousSecretKeys?: readonly string[]
  headers: HeaderMap
  /** The attempt's time: `webhook-timestamp` is when it is sent. */
  now: Date
  /** Also under the `svix-id`, `svix-timestamp` and `svix-signature` names (SVIX_SHARED endpoints). */
  svix?: boolean
}

/**
 * The request headers of one attempt. Configured headers come first and cannot override the ones that
 * describe or sign the event.
 */
export function deliveryHeaders({ event, body, secretKey, previousSecretKeys = [], headers, now, svix = false }: SignInput): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, { value }] of Object.entries(headers)) out[name.toLowerCase()] = value
  const timestamp = Math.floor(now.getTime() / 1000)
  const publishTime = event.publishedAt.toISOString()
  Object.assign(out, {
    'content-type': 'application/json',
    'emporix-event-publish-time': publishTime,
    'webhook-id': event.id,
    'webhook-timestamp': String(timestamp),
    'ce-specversion': '1.0',
    'ce-id': event.id,
    'ce-type': event.type,
    'ce-source': `/customer-segment/${event.tenant}`,
    'ce-subject': event.subject,
    'ce-time': publishTime,
    'ce-sequence': String(event.sequence),
  })
  if (secretKey) {
    out['emporix-event-signature'] = emporixSignature(secretKey, body)
    // Standard Webhooks takes several space-separated signatures: the current secret's first.
    out['webhook-signature'] = [secretKey, ...previousSecretKeys.filter((key) => key !== secretKey)]
      .map((key) => standardWebhookSignature(key, event.id, timestamp, body))
      .join(' ')
  }
  if (svix) {
    out['svix-id'] = out['webhook-id']
    out['svix-timestamp'] = out['webhook-timestamp']
    if (out['webhook-signature'] !== undefined) out['svix-signature'] = out['webhook-signature']
  }
  return out
}

/**
 * Checking a received webhook's signatures the way an integrator would, written apart from the signer
 * (src/delivery/sign.ts) so that a mistake there shows up here instead of being mirrored.
 *
 * - `emporix-event-signature`: base64 HMAC-SHA256 keyed with the secret string, over the raw body, or
 *   over the parsed body re-serialized with sorted keys (Emporix's own verification recipe).
 * - Standard Webhooks `webhook-signature`: space-separated `v1,<base64>` entries over `id.timestamp.body`,
 *   keyed with the base64 part of a `whsec_` secret or else the secret's UTF-8 bytes; the timestamp must
 *   be within five minutes of now.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

/** `missing`: the request carries no signature of that scheme. */
export type Verdict = 'valid' | 'invalid' | 'missing'

export interface Verification {
  emporix: Verdict
  standardWebhooks: Verdict
}

export type HeaderLookup = (name: string) => string | undefined

const TOLERANCE_SECONDS = 5 * 60

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

function hmacBase64(key: string | Buffer, message: string | Buffer): string {
  return createHmac('sha256', key).update(message).digest('base64')
}

/** Compact JSON with the keys of every object in code-unit order, as `json-stable-stringify` writes it. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${sortedJson(record[key])}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

function reserialized(body: Buffer): string | undefined {
  try {
    return sortedJson(JSON.parse(body.toString('utf8')))
  } catch {
    return undefined
  }
}

export function verifyEmporix(secret: string, body: Buffer, signature: string | undefined): Verdict {
  if (signature === undefined || signature === '') return 'missing'
  if (sameText(signature, hmacBase64(secret, body))) return 'valid'
  const canonical = reserialized(body)
  return canonical !== undefined && sameText(signature, hmacBase64(secret, canonical)) ? 'valid' : 'invalid'
}

function standardKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8')
}

export function verifyStandardWebhooks(secret: string, body: Buffer, header: HeaderLookup, now: Date): Verdict {
  const signatures = header('webhook-signature')
  if (signatures === undefined || signatures === '') return 'missing'
  const id = header('webhook-id')
  const timestamp = header('webhook-timestamp')
  if (!id || !timestamp || !/^\d{1,12}$/.test(timestamp)) return 'invalid'
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return 'invalid'
  const expected = hmacBase64(standardKey(secret), Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]))
  const matches = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .some((entry) => sameText(entry.slice('v1,'.length), expected))
  return matches ? 'valid' : 'invalid'
}

export function verifyRequest(secret: string, body: Buffer, header: HeaderLookup, now: Date): Verification {
  return {
    emporix: verifyEmporix(secret, body, header('emporix-event-signature')),
    standardWebhooks: verifyStandardWebhooks(secret, body, header, now),
  }
}

/** Accepted: at least one scheme signed it and no signature present is wrong (Emporix itself sends only its own). */
export function isAccepted(verification: Verification): boolean {
  const verdicts = [verification.emporix, verification.standardWebhooks]
  return verdicts.includes('valid') && !verdicts.includes('invalid')
}

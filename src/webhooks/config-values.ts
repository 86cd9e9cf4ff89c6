/**
 * The rules a webhook configuration's values follow beyond their JSON shape: absolute http(s) URLs,
 * headers a sender can send, parsable filters, excluded fields that name payload fields, known event
 * types, and how a write-only secret is kept, replaced or removed. Each check names the offending field.
 */
import { forbiddenDestination } from '../delivery/ssrf-guard.js'
import { errors } from '../errors.js'
import { maskUrl } from './credentials.js'
import { eventTypes } from '../events/catalogue.js'
import { knownEventType, payloadFields } from './event-types.js'
import { MAX_HEADERS } from './config-schemas.js'
import { compileFilter } from './event-filter.js'
import type { HeaderMap } from './stored-config.js'

const HTTP_URL = /^https?:\/\/\S+$/i
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** What an HTTP client can put in a header value (undici refuses anything else when sending). */
const UNSENDABLE_VALUE = /[^\t\x20-\x7e\x80-\xff]/
/** Headers that frame the request itself; the HTTP client owns them. */
const FRAMING_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect', 'te', 'trailer', 'proxy-connection'])

/** The name of a field inside `field`: dotted in bodies (`configuration.headers`), slashed in PATCH paths. */
export function child(field: string, key: string | number): string {
  return field.startsWith('/') ? `${field}/${key}` : `${field}.${key}`
}

export function checkUrl(value: string, field: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!HTTP_URL.test(value) || !url || !url.hostname) {
    throw errors.invalidParameter(field, `'${value}' is not an absolute http or https URL`)
  }
  return value
}

/**
 * Refuses a destination the delivery engine would refuse for its host alone (a literal internal address,
 * localhost), so the mistake shows when it is written instead of in the delivery log later.
 */
export function checkDestination(url: string, field: string, allowPrivate: boolean): string {
  const range = forbiddenDestination(url, allowPrivate)
  if (range === undefined) return url
  const setting = range === 'cloud metadata' ? 'never' : 'unless the service runs with DELIVERY_ALLOW_PRIVATE=true'
  throw errors.invalidParameter(field, `'${maskUrl(url)}' is a ${range} address; the service does not deliver there (${setting})`)
}

export function checkHeaders(headers: HeaderMap, field: string): HeaderMap {
  const names = Object.keys(headers)
  if (names.length > MAX_HEADERS) throw errors.invalidParameter(field, `at most ${MAX_HEADERS} headers are allowed; got ${names.length}`)
  const seen = new Set<string>()
  for (const name of names) {
    const lower = name.toLowerCase()
    if (!HEADER_NAME.test(name)) throw errors.invalidParameter(field, `'${name}' is not a valid HTTP header name`)
    if (FRAMING_HEADERS.has(lower)) throw errors.invalidParameter(field, `the header '${name}' is set by the HTTP client and cannot be configured`)
    if (seen.has(lower)) throw errors.invalidParameter(field, `the header '${name}' is given twice (header names ignore case)`)
    seen.add(lower)
    if (UNSENDABLE_VALUE.test(headers[name].value)) {
      throw errors.invalidParameter(child(field, name), 'a header value may hold only printable Latin-1 characters and tabs (no line breaks)')
    }
  }
  return headers
}

/** The filter to store: undefined when blank (matches everything). */
export function checkFilterValue(filter: string, field: string): string | undefined {
  if (filter.trim() === '') return undefined
  try {
    compileFilter(filter)
  } catch (error) {
    throw errors.invalidParameter(field, `not a valid JsonPath filter: ${(error as Error).message}`)
  }
  return filter
}

/** Event types are dotted names such as `customer-segment.segment-created` or `PRODUCT.CREATED`. */
const EVENT_TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)+$/

/**
 * The event type to store: the catalogue's spelling for the nine types this service publishes, any other
 * well-formed type as sent. A webhook config is the platform's, so it may name other services' events
 * (`PRODUCT.CREATED`); entries for them are kept and simply never receive anything from this service.
 */
export function checkEventType(type: string, field: string): string {
  const known = knownEventType(type)
  if (known) return known
  if (type.length > 255 || !EVENT_TYPE_PATTERN.test(type)) {
    throw errors.invalidParameter(field, `'${type}' is not an event type: use a dotted name such as ${eventTypes[0]}`)
  }
  return type
}

/**
 * Keeps `null` (inherit) apart from a list. A list names top-level payload fields, once each: for the
 * types this service publishes, fields their payloads have.
 */
export function checkExcludedFields(fields: string[] | null, type: string, field: string): string[] | null {
  if (fields === null) return null
  const eventType = knownEventType(type)
  const known = eventType ? payloadFields(eventType) : undefined
  for (const name of fields) {
    if (name.trim() === '') throw errors.invalidParameter(field, 'field names cannot be blank')
    if (known && !known.includes(name)) {
      throw errors.invalidParameter(field, `'${name}' is not a top-level field of ${eventType} payloads; use one of ${known.join(', ')}`)
    }
  }
  return [...new Set(fields)]
}

export interface SecretInput {
  secretKey?: string
  secretKeyExists?: boolean
}

/**
 * The secret after a write: a sent `secretKey` replaces it, `secretKeyExists: false` removes it, and
 * otherwise the stored one stays (a client cannot send back a secret it was never shown).
 */
export function resolveSecret(input: SecretInput, stored: string | undefined, field: string): string | undefined {
  if (input.secretKey !== undefined) {
    if (input.secretKeyExists === false) throw errors.invalidParameter(field, 'send either a secretKey or secretKeyExists: false, not both')
    return input.secretKey
  }
  if (input.secretKeyExists === false) return undefined
  if (input.secretKeyExists === true && stored === undefined) {
    throw errors.invalidParameter(field, 'secretKeyExists is true but there is no stored secret to keep; send a secretKey')
  }
  return stored
}

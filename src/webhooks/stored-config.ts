/**
 * The HTTP webhook configuration as it is stored (`webhook_config.configuration`), secrets included.
 * Reads through the API never show a secret: they show `secretKeyExists` instead.
 *
 * Glossary:
 * - **config**: a tenant's webhook configuration for one provider: `HTTP` (code `http`), or `SVIX_SHARED`
 *   (code `svix_shared`), stored with an empty configuration; its targets are portal endpoints.
 * - **entry**: one item of `eventsConfiguration`: an event type with its own optional URL, secret,
 *   headers, JsonPath filter and excluded fields. Entry ids are generated here and never change.
 * - **target**: where a delivery goes: an entry (`target_id` = the entry id), or the config's own
 *   `destinationUrl` for an event type that has no entry (`target_id` = {@link DEFAULT_TARGET}).
 */

/** Custom headers: `{ "<name>": { "value": "<v>" } }`, at most 10. */
export type HeaderMap = Record<string, { value: string }>

/**
 * A secret that was replaced, kept so that deliveries are signed with it too for a grace period
 * (WEBHOOK_SECRET_GRACE_HOURS) while receivers switch. Never shown by any read.
 */
export interface PreviousSecret {
  secretKey: string
  /** RFC 3339 time the secret was replaced. */
  replacedAt: string
}

export interface StoredEntry {
  id: string
  name?: string
  eventType: string
  destinationUrl?: string
  secretKey?: string
  /** The entry's own secrets replaced lately, newest first. */
  previousSecrets?: PreviousSecret[]
  headers?: HeaderMap
  /** An RFC 9535 JsonPath query, evaluated against `[payload]`; absent or empty matches every event. */
  filter?: string
  /** `null` inherits the subscription's excluded fields; `[]` excludes nothing for this target. */
  excludedFields: string[] | null
  active: boolean
}

export interface StoredHttpConfiguration {
  destinationUrl?: string
  secretKey?: string
  /** The config's secrets replaced lately, newest first. */
  previousSecrets?: PreviousSecret[]
  headers?: HeaderMap
  eventsConfiguration: StoredEntry[]
}

/** The providers offered, and the code each one's config has. */
export const HTTP_PROVIDER = 'HTTP'
export const HTTP_CODE = 'http'
/** The platform's default provider: the config is empty, its endpoints are portal endpoints (portal-endpoints.ts). */
export const SHARED_PROVIDER = 'SVIX_SHARED'
export const SHARED_CODE = 'svix_shared'
export const PROVIDER_CODES: Readonly<Record<string, string>> = { [HTTP_PROVIDER]: HTTP_CODE, [SHARED_PROVIDER]: SHARED_CODE }

/** The target id of a config's own destination, used for event types that have no entry. */
export const DEFAULT_TARGET = 'default'

/** Event types are matched without regard to case (`PRODUCT.CREATED` and `product.created` are one type). */
export function sameEventType(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

/**
 * Credentials inside a webhook configuration besides `secretKey`: a password in a destination URL
 * (`https://user:password@host/…`) and the values of custom headers that carry credentials
 * (`Authorization`, `Cookie`, and any header whose name contains token, secret, key or password). Like the
 * secret they are write-only: every read shows them masked, and a write that sends the mask back (the
 * natural thing for a client that read, changed another field and wrote) keeps the stored value.
 */
import { errors } from '../errors.js'
import type { HeaderMap, StoredEntry, StoredHttpConfiguration } from './stored-config.js'

/** What a read shows in place of a credential. */
export const MASK = '****'

const CREDENTIAL_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie'])
const CREDENTIAL_PARTS = /token|secret|key|password/i

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_NAMES.has(name.toLowerCase()) || CREDENTIAL_PARTS.test(name)
}

/** The URL with its password masked (unchanged when it has none). */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (!parsed.password) return url
    parsed.password = MASK
    return parsed.toString()
  } catch {
    return url
  }
}

/** The headers with the values of credential headers masked. */
export function maskHeaders(headers: HeaderMap): HeaderMap {
  return Object.fromEntries(Object.entries(headers).map(([name, header]) => [name, isCredentialHeader(name) ? { value: MASK } : header]))
}

/**
 * `url` with the password of `stored` where it shows the mask. Only for the same origin and user: a
 * password is never carried to another host. A 400 when there is no such stored password to keep.
 */
function restoreUrl(url: string | undefined, stored: string | undefined, field: string): string | undefined {
  if (url === undefined) return url
  const parsed = new URL(url)
  if (parsed.password !== MASK) return url
  const previous = stored === undefined ? undefined : new URL(stored)
  if (!previous?.password || previous.origin !== parsed.origin || previous.username !== parsed.username) {
    throw errors.invalidParameter(field, `'${MASK}' stands for a stored password, and there is none for this user and host to keep; send the password`)
  }
  parsed.password = previous.password
  return parsed.toString()
}

/** `headers` with the stored values where they show the mask; a 400 when there is no stored value to keep. */
function restoreHeaders(headers: HeaderMap | undefined, stored: HeaderMap | undefined, field: string): HeaderMap | undefined {
  if (headers === undefined) return headers
  const storedByName = new Map(Object.entries(stored ?? {}).map(([name, header]) => [name.toLowerCase(), header.value]))
  return Object.fromEntries(
    Object.entries(headers).map(([name, header]) => {
      if (header.value !== MASK || !isCredentialHeader(name)) return [name, header]
      const value = storedByName.get(name.toLowerCase())
      if (value === undefined) throw errors.invalidParameter(`${field}.${name}`, `'${MASK}' stands for a stored value, and there is none to keep; send the value`)
      return [name, { value }]
    }),
  )
}

/**
 * `after` (a configuration about to be written) with every masked credential replaced by the stored one
 * it stands for, from `before` (undefined on create). Entries are matched by id.
 */
export function restoreMaskedCredentials(before: StoredHttpConfiguration | undefined, after: StoredHttpConfiguration): StoredHttpConfiguration {
  const beforeEntries = new Map((before?.eventsConfiguration ?? []).map((entry) => [entry.id, entry]))
  const restored: StoredHttpConfiguration = { ...after }
  const destination = restoreUrl(after.destinationUrl, before?.destinationUrl, 'configuration.destinationUrl')
  if (destination !== undefined) restored.destinationUrl = destination
  const headers = restoreHeaders(after.headers, before?.headers, 'configuration.headers')
  if (headers !== undefined) restored.headers = headers
  restored.eventsConfiguration = after.eventsConfiguration.map((entry, index): StoredEntry => {
    const old = beforeEntries.get(entry.id)
    const field = `configuration.eventsConfiguration.${index}`
    const next = { ...entry }
    const url = restoreUrl(entry.destinationUrl, old?.destinationUrl ?? before?.destinationUrl, `${field}.destinationUrl`)
    if (url !== undefined) next.destinationUrl = url
    const entryHeaders = restoreHeaders(entry.headers, old?.headers ?? before?.headers, `${field}.headers`)
    if (entryHeaders !== undefined) next.headers = entryHeaders
    return next
  })
  return restored
}

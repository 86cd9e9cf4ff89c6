/**
 * A stored webhook config as reads answer it: secrets replaced by `secretKeyExists`, passwords in URLs
 * and credential headers masked, entry flags explicit.
 */
import type { ConfigResponse } from './config-schemas.js'
import type { ConfigRow } from './config-rows.js'
import { maskHeaders, maskUrl } from './credentials.js'
import { SHARED_PROVIDER, type StoredEntry } from './stored-config.js'

type HttpConfigurationResponse = Extract<ConfigResponse['configuration'], { eventsConfiguration: unknown }>
type EntryResponse = HttpConfigurationResponse['eventsConfiguration'][number]

function presentEntry(entry: StoredEntry): EntryResponse {
  const out: EntryResponse = {
    id: entry.id,
    eventType: entry.eventType,
    secretKeyExists: Boolean(entry.secretKey),
    excludedFields: entry.excludedFields ?? null,
    active: entry.active !== false,
  }
  if (entry.name !== undefined) out.name = entry.name
  if (entry.destinationUrl !== undefined) out.destinationUrl = maskUrl(entry.destinationUrl)
  if (entry.headers !== undefined) out.headers = maskHeaders(entry.headers)
  if (entry.filter !== undefined) out.filter = entry.filter
  return out
}

export function presentConfig(row: ConfigRow): ConfigResponse {
  if (row.provider === SHARED_PROVIDER) return { code: row.code, provider: row.provider, active: row.active, configuration: {} }
  const stored = row.configuration
  const configuration: HttpConfigurationResponse = {
    secretKeyExists: Boolean(stored.secretKey),
    eventsConfiguration: (stored.eventsConfiguration ?? []).map(presentEntry),
  }
  if (stored.destinationUrl !== undefined) configuration.destinationUrl = maskUrl(stored.destinationUrl)
  if (stored.headers !== undefined) configuration.headers = maskHeaders(stored.headers)
  return { code: row.code, provider: row.provider, active: row.active, configuration }
}

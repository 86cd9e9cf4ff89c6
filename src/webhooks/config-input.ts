/**
 * Turns a validated configuration from a request into its stored shape, applying the entry id rules:
 * ids are generated here; on create a sent id is refused; on replace a sent id must name a stored entry,
 * once, and an entry without id gets a new one — unless the stored and the sent lists each hold exactly
 * one entry of its event type, in which case it is that entry and keeps its id (and its secret).
 */
import { randomUUID } from 'node:crypto'
import { webhookErrors } from './webhook-errors.js'
import type { EntryInput, EntryPatchInput, HttpConfigInput } from './config-schemas.js'
import { checkEventType, child, checkExcludedFields, checkFilterValue, checkHeaders, checkUrl, resolveSecret } from './config-values.js'
import { sameEventType, type StoredEntry, type StoredHttpConfiguration } from './stored-config.js'

/** `create`: nothing is stored yet and ids may not be sent; `replace`: ids name stored entries. */
export type WriteMode = 'create' | 'replace'

/**
 * One entry as stored. `kept` is the stored entry this one replaces (its secret stays unless the input
 * replaces or removes it); absent fields are unset, `excludedFields` absent is `null`.
 */
export function toStoredEntry(input: EntryPatchInput, type: string, id: string, kept: StoredEntry | undefined, field: string): StoredEntry {
  const entry: StoredEntry = { id, eventType: type, excludedFields: null, active: input.active ?? true }
  if (input.name !== undefined) entry.name = input.name
  if (input.destinationUrl !== undefined) entry.destinationUrl = checkUrl(input.destinationUrl, child(field, 'destinationUrl'))
  const secretKey = resolveSecret(input, kept?.secretKey, child(field, 'secretKey'))
  if (secretKey !== undefined) entry.secretKey = secretKey
  if (input.headers !== undefined) entry.headers = checkHeaders(input.headers, child(field, 'headers'))
  const filter = input.filter === undefined ? undefined : checkFilterValue(input.filter, child(field, 'filter'))
  if (filter !== undefined) entry.filter = filter
  if (input.excludedFields !== undefined) entry.excludedFields = checkExcludedFields(input.excludedFields, type, child(field, 'excludedFields'))
  return entry
}

/** A whole list of entries, replacing `stored` (empty on create). */
export function toStoredEntries(sent: EntryInput[], stored: StoredEntry[], mode: WriteMode, field: string): StoredEntry[] {
  const storedById = new Map(stored.map((entry) => [entry.id, entry]))
  const claimed = new Set<string>()
  sent.forEach((entry, index) => {
    if (entry.id === undefined) return
    const idField = child(child(field, index), 'id')
    if (mode === 'create') throw webhookErrors.clientEntryId(idField)
    if (!storedById.has(entry.id)) throw webhookErrors.unknownEntryId(idField, entry.id)
    if (claimed.has(entry.id)) throw webhookErrors.duplicateEntryId(idField, entry.id)
    claimed.add(entry.id)
  })
  const types = sent.map((entry, index) => checkEventType(entry.eventType, child(child(field, index), 'eventType')))
  return sent.map((entry, index) => {
    const type = types[index]
    let kept = entry.id === undefined ? undefined : storedById.get(entry.id)
    if (!kept) {
      const storedOfType = stored.filter((candidate) => sameEventType(candidate.eventType, type))
      const sentOfType = types.filter((candidate) => candidate === type).length
      if (storedOfType.length === 1 && sentOfType === 1 && !claimed.has(storedOfType[0].id)) {
        kept = storedOfType[0]
        claimed.add(kept.id)
      }
    }
    return toStoredEntry(entry, type, kept?.id ?? randomUUID(), kept, child(field, index))
  })
}

/** The whole HTTP configuration, replacing `stored` (undefined on create). */
export function toStoredConfiguration(
  input: HttpConfigInput | undefined,
  stored: StoredHttpConfiguration | undefined,
  mode: WriteMode,
  field = 'configuration',
): StoredHttpConfiguration {
  const sent = input ?? {}
  const configuration: StoredHttpConfiguration = {
    eventsConfiguration: toStoredEntries(sent.eventsConfiguration ?? [], stored?.eventsConfiguration ?? [], mode, child(field, 'eventsConfiguration')),
  }
  if (sent.destinationUrl !== undefined) configuration.destinationUrl = checkUrl(sent.destinationUrl, child(field, 'destinationUrl'))
  const secretKey = resolveSecret(sent, stored?.secretKey, child(field, 'secretKey'))
  if (secretKey !== undefined) configuration.secretKey = secretKey
  if (sent.headers !== undefined) configuration.headers = checkHeaders(sent.headers, child(field, 'headers'))
  return configuration
}

/**
 * PATCH of a webhook config: a list of `{op: UPSERT | REMOVE, path, value}` applied in order to a copy
 * of the stored config. Any bad operation throws, so either every operation applies or none does.
 *
 * Paths: `/active`, `/configuration`, `/configuration/http/{headers|destinationUrl|secretKey}`,
 * `/configuration/http/eventsConfiguration` (the whole list), legacy
 * `/configuration/http/eventsConfiguration/{eventType}[/destinationUrl|/secretKey|/headers]` (409 when the
 * type has several entries), `/configuration/http/eventsConfigurationEntry` (UPSERT creates an entry) and
 * `/configuration/http/eventsConfigurationEntry/{entryId}[/<field>]`.
 */
import { randomUUID } from 'node:crypto'
import type { TSchema } from 'typebox'
import { Type } from 'typebox'
import { errors } from '../errors.js'
import { schemaChecker } from '../validation/schema-check.js'
import { webhookErrors } from './webhook-errors.js'
import {
  EntriesInput,
  EntryInput,
  EntryName,
  EntryPatchInput,
  ExcludedFields,
  Filter,
  HeaderMap,
  HttpConfigInput,
  MAX_ENTRIES,
  type PatchOperation,
  SecretKey,
  Url,
} from './config-schemas.js'
import { toStoredConfiguration, toStoredEntries, toStoredEntry } from './config-input.js'
import { checkEventType, checkExcludedFields, checkFilterValue, checkHeaders, checkUrl } from './config-values.js'
import { sameEventType, type StoredEntry, type StoredHttpConfiguration } from './stored-config.js'

export interface PatchableConfig {
  active: boolean
  configuration: StoredHttpConfiguration
}

const HTTP = '/configuration/http'
const LEGACY = /^\/configuration\/http\/eventsConfiguration\/([^/]+)(?:\/(destinationUrl|secretKey|headers))?$/
const ENTRY = /^\/configuration\/http\/eventsConfigurationEntry(?:\/([^/]+)(?:\/(destinationUrl|secretKey|headers|filter|excludedFields|name|active))?)?$/

type EntryField = 'destinationUrl' | 'secretKey' | 'headers' | 'filter' | 'excludedFields' | 'name' | 'active'

const Active = Type.Boolean()
const checkers = new Map<TSchema, ReturnType<typeof schemaChecker>>()

/** The operation's value, checked against `schema`; a 400 naming the path when it is missing or wrong. */
function valueOf<T>(operation: PatchOperation, schema: TSchema): T {
  if (!('value' in operation)) throw errors.invalidPatch(`UPSERT ${operation.path} needs a value`, operation.path)
  let check = checkers.get(schema)
  if (!check) checkers.set(schema, (check = schemaChecker(schema)))
  const checked = check(operation.value)
  if (checked.problem) {
    const { field, message } = checked.problem
    // A union's own message ("must match a schema in anyOf") says nothing useful.
    throw errors.invalidParameter(operation.path, field || schema !== ExcludedFields ? message : 'must be an array of field names or null')
  }
  return checked.value as T
}

const upsertOnly = (operation: PatchOperation, what: string) => {
  if (operation.op === 'REMOVE') throw errors.invalidPatch(`${what} cannot be removed; UPSERT true or false`, operation.path)
}

/** Sets (UPSERT) or unsets (REMOVE) one field of an entry, checking the value as its own field. */
function patchEntryField(entry: StoredEntry, field: EntryField, operation: PatchOperation): StoredEntry {
  const path = operation.path
  const next = { ...entry }
  if (operation.op === 'REMOVE') {
    if (field === 'active') upsertOnly(operation, "An entry's active flag")
    if (field === 'excludedFields') next.excludedFields = null
    else delete next[field as Exclude<EntryField, 'excludedFields' | 'active'>]
    return next
  }
  switch (field) {
    case 'destinationUrl':
      next.destinationUrl = checkUrl(valueOf<string>(operation, Url), path)
      break
    case 'secretKey':
      next.secretKey = valueOf<string>(operation, SecretKey)
      break
    case 'headers':
      next.headers = checkHeaders(valueOf(operation, HeaderMap), path)
      break
    case 'filter': {
      const filter = checkFilterValue(valueOf<string>(operation, Filter), path)
      if (filter === undefined) delete next.filter
      else next.filter = filter
      break
    }
    case 'excludedFields':
      next.excludedFields = checkExcludedFields(valueOf(operation, ExcludedFields), entry.eventType, path)
      break
    case 'name':
      next.name = valueOf<string>(operation, EntryName)
      break
    case 'active':
      next.active = valueOf<boolean>(operation, Active)
      break
  }
  return next
}

/** The entry an UPSERT at an entry's own path writes: the event type comes from the value, else from `type`. */
function replacementEntry(operation: PatchOperation, type: string, existing: StoredEntry | undefined): StoredEntry {
  const value = valueOf<EntryPatchInput>(operation, EntryPatchInput)
  if (value.id !== undefined && value.id !== existing?.id) {
    throw existing ? webhookErrors.unknownEntryId(`${operation.path}/id`, value.id) : webhookErrors.clientEntryId(`${operation.path}/id`)
  }
  const valueType = value.eventType === undefined ? type : checkEventType(value.eventType, `${operation.path}/eventType`)
  return toStoredEntry(value, valueType, existing?.id ?? randomUUID(), existing, operation.path)
}

function replaceEntry(entries: StoredEntry[], entry: StoredEntry): StoredEntry[] {
  return entries.map((candidate) => (candidate.id === entry.id ? entry : candidate))
}

function withoutEntry(entries: StoredEntry[], id: string): StoredEntry[] {
  return entries.filter((candidate) => candidate.id !== id)
}

function applyLegacy(entries: StoredEntry[], operation: PatchOperation, rawType: string, field: EntryField | undefined): StoredEntry[] {
  const type = checkEventType(rawType, operation.path)
  const matches = entries.filter((entry) => sameEventType(entry.eventType, type))
  if (matches.length > 1) throw webhookErrors.ambiguousEventType(type, matches.length)
  const [existing] = matches
  if (field === undefined) {
    if (operation.op === 'REMOVE') {
      if (!existing) throw errors.invalidPatch(`the config has no entry for ${type}`, operation.path)
      return withoutEntry(entries, existing.id)
    }
    const entry = replacementEntry(operation, type, existing)
    if (!sameEventType(entry.eventType, type)) {
      throw errors.invalidPatch(`the value's eventType ${entry.eventType} differs from the path's ${type}`, operation.path)
    }
    return existing ? replaceEntry(entries, entry) : [...entries, entry]
  }
  if (existing) return replaceEntry(entries, patchEntryField(existing, field, operation))
  if (operation.op === 'REMOVE') throw errors.invalidPatch(`the config has no entry for ${type}`, operation.path)
  return [...entries, patchEntryField({ id: randomUUID(), eventType: type, excludedFields: null, active: true }, field, operation)]
}

function applyEntry(entries: StoredEntry[], operation: PatchOperation, id: string | undefined, field: EntryField | undefined): StoredEntry[] {
  if (id === undefined) {
    if (operation.op === 'REMOVE') {
      throw errors.invalidPatch(`REMOVE is not supported on ${operation.path}; remove one entry at ${operation.path}/{entryId}`, operation.path)
    }
    const value = valueOf<EntryInput>(operation, EntryInput)
    if (value.id !== undefined) throw webhookErrors.clientEntryId(`${operation.path}/id`)
    return [...entries, toStoredEntry(value, checkEventType(value.eventType, `${operation.path}/eventType`), randomUUID(), undefined, operation.path)]
  }
  const existing = entries.find((entry) => entry.id === id)
  if (!existing) throw webhookErrors.unknownEntryId(operation.path, id)
  if (field !== undefined) return replaceEntry(entries, patchEntryField(existing, field, operation))
  if (operation.op === 'REMOVE') return withoutEntry(entries, existing.id)
  return replaceEntry(entries, replacementEntry(operation, existing.eventType, existing))
}

function applyConfiguration(configuration: StoredHttpConfiguration, operation: PatchOperation): StoredHttpConfiguration {
  const { path, op } = operation
  const next = { ...configuration }
  switch (path) {
    case '/configuration':
      if (op === 'REMOVE') return { eventsConfiguration: [] }
      if (typeof operation.value === 'object' && operation.value !== null && 'apiKey' in operation.value) throw webhookErrors.svixNotOffered()
      return toStoredConfiguration(valueOf(operation, HttpConfigInput), configuration, 'replace', path)
    case `${HTTP}/headers`:
      if (op === 'REMOVE') delete next.headers
      else next.headers = checkHeaders(valueOf(operation, HeaderMap), path)
      return next
    case `${HTTP}/destinationUrl`:
      if (op === 'REMOVE') delete next.destinationUrl
      else next.destinationUrl = checkUrl(valueOf<string>(operation, Url), path)
      return next
    case `${HTTP}/secretKey`:
      if (op === 'REMOVE') delete next.secretKey
      else next.secretKey = valueOf<string>(operation, SecretKey)
      return next
    case `${HTTP}/eventsConfiguration`:
      next.eventsConfiguration = op === 'REMOVE' ? [] : toStoredEntries(valueOf(operation, EntriesInput), configuration.eventsConfiguration, 'replace', path)
      return next
  }
  const legacy = LEGACY.exec(path)
  if (legacy) return { ...next, eventsConfiguration: applyLegacy(configuration.eventsConfiguration, operation, legacy[1], legacy[2] as EntryField | undefined) }
  const entry = ENTRY.exec(path)
  if (entry) return { ...next, eventsConfiguration: applyEntry(configuration.eventsConfiguration, operation, entry[1], entry[2] as EntryField | undefined) }
  if (path === '/configuration/svix/apiKey') throw webhookErrors.svixNotOffered()
  throw errors.invalidPatch(`unknown path ${path}`, path)
}

/** The config after every operation, or a 4xx for the first bad one (nothing is applied then). */
export function applyConfigPatch(stored: PatchableConfig, operations: PatchOperation[]): PatchableConfig {
  let config = stored
  for (const operation of operations) {
    if (operation.path === '/active') {
      upsertOnly(operation, "The config's active flag")
      config = { ...config, active: valueOf<boolean>(operation, Active) }
    } else {
      config = { ...config, configuration: applyConfiguration(config.configuration, operation) }
    }
  }
  const count = config.configuration.eventsConfiguration.length
  if (count > MAX_ENTRIES) throw errors.invalidPatch(`a config holds at most ${MAX_ENTRIES} eventsConfiguration entries; this patch makes ${count}`)
  return config
}

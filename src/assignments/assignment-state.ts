/**
 * What customer and item assignments have in common: mixins, mixin schemas, a version and timestamps,
 * and the one rule for an upsert — create, update (version + 1) or, when nothing changed, leave alone.
 */
import { type RawBuilder, sql } from 'kysely'
import { configure } from 'safe-stable-stringify'
import { type Static, Type } from 'typebox'
import { type Metadata, MetadataUpdate, Mixins } from '../domain.js'
import { type ApiError, errors } from '../errors.js'
import { checkDocumentSize } from '../limits/document-size.js'

const canonical = configure({ deterministic: true })

/** The writable part of an assignment, as PUT bodies carry it. */
export const AssignmentContent = {
  mixins: Type.Optional(Mixins),
  metadata: Type.Optional(MetadataUpdate),
}
const AssignmentBodySchema = Type.Object(AssignmentContent)
export type AssignmentBody = Static<typeof AssignmentBodySchema>

export interface AssignmentState {
  mixins?: Record<string, unknown>
  metadataMixins?: Record<string, string>
  version: number
  createdAt: string
  modifiedAt: string
}

export type Outcome = 'created' | 'updated' | 'unchanged'

/** One item's result in a batch: what happened, or the error that kept it from happening. */
export type ItemResult = { outcome: Outcome | 'deleted' | 'absent' } | { error: ApiError }

function nonEmpty<T extends object>(value: T | undefined): T | undefined {
  return value && Object.keys(value).length > 0 ? value : undefined
}

/**
 * Applies a body to the current state (undefined: none yet). Throws the 409 when the body's version is
 * stale, the 413 when its mixins would make the stored assignment larger than `documentBytes`; returns the
 * next state and whether it is a creation, a change or nothing.
 */
export function nextState(current: AssignmentState | undefined, body: AssignmentBody, now: string, key: string, documentBytes: number) {
  const mixins = nonEmpty(body.mixins)
  const metadataMixins = nonEmpty(body.metadata?.mixins)
  checkDocumentSize({ mixins, metadataMixins, key }, documentBytes, 'assignment')
  if (!current) {
    return { outcome: 'created' as Outcome, state: { mixins, metadataMixins, version: 1, createdAt: now, modifiedAt: now } }
  }
  const version = body.metadata?.version
  if (version !== undefined && version !== current.version) throw errors.versionConflict(key)
  if (canonical({ mixins, metadataMixins }) === canonical({ mixins: current.mixins, metadataMixins: current.metadataMixins })) {
    return { outcome: 'unchanged' as Outcome, state: current }
  }
  return {
    outcome: 'updated' as Outcome,
    state: { mixins, metadataMixins, version: current.version + 1, createdAt: current.createdAt, modifiedAt: now },
  }
}

export function metadataOf(state: AssignmentState): Metadata {
  const metadata: Metadata = { version: state.version, createdAt: state.createdAt, modifiedAt: state.modifiedAt }
  if (state.metadataMixins) metadata.mixins = state.metadataMixins
  return metadata
}

/**
 * The upsert of assignment rows of `table`, as a statement for `appendEvents` to run beside their
 * events: one shape whatever the number of rows (a column array each). `fixed` columns hold one value for
 * every row, `keys` one per row; together they are the primary key, except the `fixed` ones named in
 * `setOnUpdate`, which an update sets as well. created_at stays on update. No states, no statement.
 */
export function upsertStates(
  table: 'customer_assignment' | 'item_assignment',
  fixed: Record<string, string>,
  keys: Record<string, string[]>,
  states: AssignmentState[],
  setOnUpdate: string[] = [],
): RawBuilder<unknown> | undefined {
  if (states.length === 0) return undefined
  const refs = (names: string[]) => sql.join(names.map((name) => sql.ref(name)))
  const [fixedNames, keyNames, stateNames] = [Object.keys(fixed), Object.keys(keys), STATE_COLUMNS.map(([name]) => name)]
  const primaryKey = [...fixedNames.filter((name) => !setOnUpdate.includes(name)), ...keyNames]
  const updated = [...stateNames.filter((name) => name !== 'created_at'), ...setOnUpdate]
  const arrays = [
    ...keyNames.map((name) => sql`${keys[name]}::text[]`),
    ...STATE_COLUMNS.map(([, valueOf, type]) => sql`${states.map(valueOf)}::${sql.raw(type)}[]`),
  ]
  return sql`
    insert into ${sql.table(table)} (${refs([...fixedNames, ...keyNames, ...stateNames])})
    select ${sql.join(fixedNames.map((name) => sql`${fixed[name]}::text`))}, r.*
    from unnest(${sql.join(arrays)}) as r
    on conflict (${refs(primaryKey)}) do update set ${sql.join(updated.map((name) => sql`${sql.ref(name)} = ${sql.ref(`excluded.${name}`)}`))}`
}

const json = (value: object | undefined) => (value ? JSON.stringify(value) : null)

/** The state's columns, each with its value in a state and the type of its array. */
const STATE_COLUMNS: [string, (state: AssignmentState) => unknown, string][] = [
  ['mixins', (state) => json(state.mixins), 'jsonb'],
  ['metadata_mixins', (state) => json(state.metadataMixins), 'jsonb'],
  ['version', (state) => state.version, 'int'],
  ['created_at', (state) => state.createdAt, 'timestamptz'],
  ['modified_at', (state) => state.modifiedAt, 'timestamptz'],
]

/**
 * A timestamp column as `Date.prototype.toISOString` writes it (UTC, milliseconds, the rest truncated;
 * years 0–9999), for reads that only print the time: no Date is made for it.
 */
export function isoTime(column: string) {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
}

export function stateOf(row: {
  mixins: Record<string, unknown> | null
  metadata_mixins: Record<string, unknown> | null
  version: number
  created_at: Date
  modified_at: Date
}): AssignmentState {
  const state: AssignmentState = { version: row.version, createdAt: row.created_at.toISOString(), modifiedAt: row.modified_at.toISOString() }
  if (row.mixins) state.mixins = row.mixins
  if (row.metadata_mixins) state.metadataMixins = row.metadata_mixins as Record<string, string>
  return state
}

/**
 * Item assignments (products and categories): upsert and delete in batches (one round of statements,
 * one event per changed item), reads enriched with the item's code and name from the directory.
 */
import { type Kysely, sql, type Transaction } from 'kysely'
import { configure } from 'safe-stable-stringify'
import type { DB } from '../db/schema.js'
import { categories as categoryKind, products as productKind } from '../directory/directory-kinds.js'
import { entriesOf, entriesRead, upsertEntries } from '../directory/directory-store.js'
import type { LanguageMap } from '../domain.js'
import { ApiError, errors } from '../errors.js'
import type { EventPayload } from '../events/catalogue.js'
import { appendEvents, type NewEvent } from '../events/outbox.js'
import {
  type AssignmentBody,
  type AssignmentState,
  type ItemResult,
  metadataOf,
  nextState,
  isoTime,
  stateOf,
  upsertStates,
} from './assignment-state.js'
import type { AssignmentContext } from './customer-assignments.js'
import { ITEM_TYPES, type ItemType } from './item-assignment-schemas.js'
import { lockedSegment, segmentLock } from './lock-segment.js'
import { sendTogether } from '../db/send-together.js'

export interface ItemDetails {
  id: string
  code?: string
  name?: LanguageMap
}

export interface ItemAssignmentInput extends AssignmentBody {
  itemId: string
  item?: Omit<ItemDetails, 'id'> & { id?: string }
  /** As a read returns them; when sent, they must be the assignment's. */
  segmentId?: string
  type?: ItemType
}

export interface ItemAssignment {
  segmentId: string
  item: ItemDetails
  type: ItemType
  mixins?: Record<string, unknown>
  metadata: ReturnType<typeof metadataOf>
}

const canonical = configure({ deterministic: true })

/** The path takes the type in any case; it is stored upper-case. */
export function parseItemType(raw: string): ItemType {
  const type = raw.toUpperCase()
  if (!(ITEM_TYPES as readonly string[]).includes(type)) throw errors.invalidParameter('type', `'${raw}' is neither PRODUCT nor CATEGORY`)
  return type as ItemType
}

function itemSubject(segmentId: string, type: ItemType, itemId: string): string {
  return `segments/${segmentId}/items/${type}/${itemId}`
}

const kindOf = (type: ItemType) => (type === 'PRODUCT' ? productKind : categoryKind)

/** What an assignment shows of an item from the directory: its id, code and name. */
function pick(entry: ItemDetails): ItemDetails {
  const details: ItemDetails = { id: entry.id }
  if (entry.code !== undefined) details.code = entry.code
  if (entry.name !== undefined) details.name = entry.name
  return details
}

function present(segmentId: string, type: ItemType, itemId: string, state: AssignmentState, details?: ItemDetails): ItemAssignment {
  const view: ItemAssignment = { segmentId, item: details ?? { id: itemId }, type, metadata: metadataOf(state) }
  if (state.mixins) view.mixins = state.mixins
  return view
}

/** The keys a body repeats (as a read returns them) must be the assignment's. */
function checkKeys(input: ItemAssignmentInput, segmentId: string, type: ItemType): void {
  if (input.item?.id !== undefined && input.item.id !== input.itemId) {
    throw errors.invalidParameter('item.id', `'${input.item.id}' differs from the item id '${input.itemId}'`)
  }
  if (input.segmentId !== undefined && input.segmentId !== segmentId) {
    throw errors.invalidParameter('segmentId', `'${input.segmentId}' differs from the segment id '${segmentId}'`)
  }
  if (input.type !== undefined && input.type !== type) {
    throw errors.invalidParameter('type', `'${input.type}' differs from the item type '${type}'`)
  }
}

/**
 * Inline details merged over the directory's. The name replaces the stored one, or, under a specific
 * Content-Language, adds its entries to it (a name read with Accept-Language keeps the other languages).
 * Only an id (what a read returns for an item the directory does not know) says nothing: it neither
 * creates an entry nor makes the id known in strict mode.
 */
function inlineDetails(stored: ItemDetails | undefined, inline: ItemAssignmentInput['item'], itemId: string, language: string | undefined) {
  if (inline?.code === undefined && inline?.name === undefined) return stored
  const name = inline.name && language ? { ...stored?.name, ...inline.name } : inline.name
  return pick({ ...stored, ...inline, ...(name ? { name } : {}), id: itemId })
}

const sameDetails = (a: ItemDetails, b: ItemDetails | undefined) => b !== undefined && canonical(a) === canonical(b)

/**
 * Upserts one segment's assignments of one item type. A bad item (stale version, unknown id in strict
 * mode) gets its error and writes nothing; the others are written. The segment must exist (404).
 */
export async function upsertItemAssignments(
  ctx: AssignmentContext,
  segmentId: string,
  type: ItemType,
  inputs: ItemAssignmentInput[],
): Promise<ItemResult[]> {
  return ctx.db.transaction().execute(async (tx) => {
    const ids = inputs.map((i) => i.itemId)
    // The lock first, then the reads, which see what it waited for: sent together, one round trip.
    const [locked, entries, rows] = await sendTogether(tx, [
      segmentLock(tx, ctx.tenant, segmentId).compile(),
      entriesRead(tx, ctx.tenant, kindOf(type), ids),
      lockedRows(tx, ctx.tenant, segmentId, type, ids),
    ])
    lockedSegment(locked, segmentId)
    const known = new Map([...entriesOf<ItemDetails>(kindOf(type), entries)].map(([id, e]) => [id, pick(e)]))
    const states = new Map(rows.map((row) => [row.item_id, stateOf(row)]))
    const now = new Date().toISOString()
    const results: ItemResult[] = []
    const written = new Map<string, AssignmentState>()
    const inline = new Map<string, ItemDetails>()
    const events: NewEvent<'customer-segment.item-assignment-created' | 'customer-segment.item-assignment-updated'>[] = []

    for (const input of inputs) {
      try {
        checkKeys(input, segmentId, type)
        const stored = inline.get(input.itemId) ?? known.get(input.itemId)
        const details = inlineDetails(stored, input.item, input.itemId, ctx.language)
        if (ctx.strict && !details) throw errors.unknownReference(type.toLowerCase(), input.itemId)
        const { outcome, state } = nextState(states.get(input.itemId), input, now, input.itemId, ctx.limits.documentBytes)
        results.push({ outcome })
        if (details && !sameDetails(details, stored)) inline.set(input.itemId, details)
        if (outcome === 'unchanged') continue
        states.set(input.itemId, state)
        written.set(input.itemId, state)
        const payload: EventPayload<'customer-segment.item-assignment-created'> = {
          ...present(segmentId, type, input.itemId, state, details),
          tenant: ctx.tenant,
        }
        events.push({
          type: outcome === 'created' ? 'customer-segment.item-assignment-created' : 'customer-segment.item-assignment-updated',
          tenant: ctx.tenant,
          subject: itemSubject(segmentId, type, input.itemId),
          payload,
        })
      } catch (error) {
        if (!(error instanceof ApiError)) throw error
        results.push({ error })
      }
    }

    await upsertEntries<ItemDetails>(tx, ctx.tenant, kindOf(type), [...inline.values()], 'merge')
    // The rows and their events in one statement.
    const upsert = upsertStates('item_assignment', { tenant: ctx.tenant, segment_id: segmentId, type }, { item_id: [...written.keys()] }, [...written.values()])
    await appendEvents(tx, events, upsert)
    return results
  })
}

/** The assignments of these items, locked (undefined for none): a statement to send with others. */
function lockedRows(tx: Transaction<DB>, tenant: string, segmentId: string, type: ItemType, ids: string[]) {
  if (ids.length === 0) return undefined
  return tx
    .selectFrom('item_assignment')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('segment_id', '=', segmentId)
    .where('type', '=', type)
    .where('item_id', 'in', [...new Set(ids)])
    .forUpdate()
    .compile()
}

/** Deletes one segment's assignments of one item type; each one that existed gets its deleted event. */
export async function deleteItemAssignments(
  ctx: Omit<AssignmentContext, 'strict'>,
  segmentId: string,
  type: ItemType,
  ids: string[],
): Promise<ItemResult[]> {
  return ctx.db.transaction().execute(async (tx) => {
    // The lock, then the delete, which sees what it waited for: sent together, one round trip.
    const [locked, deleted] = await sendTogether(tx, [
      segmentLock(tx, ctx.tenant, segmentId).compile(),
      ids.length === 0
        ? undefined
        : tx
            .deleteFrom('item_assignment')
            .where('tenant', '=', ctx.tenant)
            .where('segment_id', '=', segmentId)
            .where('type', '=', type)
            .where('item_id', 'in', [...new Set(ids)])
            .returning('item_id')
            .compile(),
    ])
    lockedSegment(locked, segmentId)
    if (ids.length === 0) return []
    const gone = new Set(deleted.map((d) => d.item_id))
    const events: NewEvent<'customer-segment.item-assignment-deleted'>[] = []
    const results: ItemResult[] = ids.map((itemId) => {
      if (!gone.delete(itemId)) return { outcome: 'absent' }
      events.push({
        type: 'customer-segment.item-assignment-deleted',
        tenant: ctx.tenant,
        subject: itemSubject(segmentId, type, itemId),
        payload: { itemId, segmentId, type, tenant: ctx.tenant },
      })
      return { outcome: 'deleted' }
    })
    await appendEvents(tx, events)
    return results
  })
}

/** A jsonb column as JSON text, null when it is SQL or JSON null (a read leaves such a member out). */
const jsonText = (column: string) => sql<string>`nullif(${sql.ref(column)}, 'null'::jsonb)::text`

/** A directory entry `d`'s members of `item` after its id: `,"code":…,"name":…`, each when it has one. */
const detailsText = sql<string>`concat(',"code":' || to_json(d.code)::text, ',"name":' || ${jsonText('d.name')})`

/** A row of `itemAssignmentColumns`: the assignment as one JSON array (see there). */
export interface ItemAssignmentRow {
  assignment: [
    segmentId: string,
    type: ItemType,
    itemId: string,
    mixins: Record<string, unknown> | null,
    metadataMixins: Record<string, string> | null,
    version: number,
    createdAt: string,
    modifiedAt: string,
    /** The directory entry's `[code, name]`, null when it has none. */
    details: [string | null, LanguageMap | null] | null,
  ]
}

/**
 * What a read of `item_assignment as ia` selects: the assignment, and the item's code and name from the
 * directory, in the same statement. The directory is looked up per row after any sort and limit
 * (PostgreSQL evaluates such sub-selects last), so a page costs one round trip whatever its rows. Each row
 * comes as one JSON array, the times already as text: parsing it is one `JSON.parse`, where nine columns
 * cost the driver nine decodings and two Dates.
 */
export const itemAssignmentColumns = sql<ItemAssignmentRow['assignment']>`json_build_array(
    ia.segment_id, ia.type, ia.item_id, ia.mixins, ia.metadata_mixins, ia.version,
    ${isoTime('ia.created_at')}, ${isoTime('ia.modified_at')},
    case ia.type
      when 'PRODUCT' then (select json_build_array(d.code, d.name) from directory_product d where d.tenant = ia.tenant and d.id = ia.item_id)
      else (select json_build_array(d.code, d.name) from directory_category d where d.tenant = ia.tenant and d.id = ia.item_id)
    end)`.as('assignment')

/**
 * What a read of `item_assignment as ia` selects when the reader takes the whole assignment (no `fields`,
 * no specific Accept-Language): the JSON text of the answer's object itself, the same members in the same
 * order as {@link itemAssignmentOf} and the response schema give, so a page is sent as it comes, without
 * being parsed and serialized again. Strings are escaped by PostgreSQL's `to_json`, mixins and names are
 * the stored JSON's own text; `concat` leaves out each member whose value is null, as the object does.
 */
export const itemAssignmentText = sql<string>`concat(
    '{"segmentId":', to_json(ia.segment_id)::text,
    ',"item":{"id":', to_json(ia.item_id)::text,
    case ia.type
      when 'PRODUCT' then (select ${detailsText} from directory_product d where d.tenant = ia.tenant and d.id = ia.item_id)
      else (select ${detailsText} from directory_category d where d.tenant = ia.tenant and d.id = ia.item_id)
    end,
    '},"type":', to_json(ia.type)::text,
    ',"mixins":' || ${jsonText('ia.mixins')},
    ',"metadata":{"version":', ia.version,
    ',"createdAt":"', ${isoTime('ia.created_at')}, '","modifiedAt":"', ${isoTime('ia.modified_at')}, '"',
    ',"mixins":' || ${jsonText('ia.metadata_mixins')},
    '}}')`.as('assignment')

export function itemAssignmentOf({ assignment }: ItemAssignmentRow): ItemAssignment {
  const [segmentId, type, itemId, mixins, metadataMixins, version, createdAt, modifiedAt, found] = assignment
  let details: ItemDetails | undefined
  if (found) {
    const [code, name] = found
    details = { id: itemId }
    if (code !== null) details.code = code
    if (name !== null) details.name = name
  }
  const state: AssignmentState = { version, createdAt, modifiedAt }
  if (mixins) state.mixins = mixins
  if (metadataMixins) state.metadataMixins = metadataMixins
  return present(segmentId, type, itemId, state, details)
}

export async function getItemAssignment(db: Kysely<DB>, tenant: string, segmentId: string, type: ItemType, itemId: string) {
  const row = await db
    .selectFrom('item_assignment as ia')
    .select(itemAssignmentColumns)
    .where('ia.tenant', '=', tenant)
    .where('ia.segment_id', '=', segmentId)
    .where('ia.type', '=', type)
    .where('ia.item_id', '=', itemId)
    .executeTakeFirst()
  if (!row) throw errors.notFound(itemId)
  return itemAssignmentOf(row as ItemAssignmentRow)
}

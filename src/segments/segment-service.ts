/**
 * Segment rules: creation with generated or client ids, upsert, JSON Patch, delete (with the assignment
 * cascade), optimistic locking and no-op detection. Each change runs in one transaction that writes the
 * segment row first and then its event.
 */
import { randomBytes } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import { configure } from 'safe-stable-stringify'
import type { Limits } from '../config.js'
import type { DB } from '../db/schema.js'
import { errors } from '../errors.js'
import { appendEvent } from '../events/outbox.js'
import { toLanguageMap } from '../i18n/languages.js'
import { checkDocumentSize } from '../limits/document-size.js'
import { storableInstant } from '../query/iso-date.js'
import type { SegmentStatus } from '../domain.js'
import { lockMemberships, lockTenantRules } from '../rules/rule-locks.js'
import { deleteAssignmentsOf, hasAssignments } from './assignment-cascade.js'
import { applySegmentPatch } from './segment-patch.js'
import { deleteSegmentRow, insertSegment, rowToSegment, selectSegment, updateSegment } from './segment-rows.js'
import type { PatchBody, Segment, SegmentCreation, SegmentUpdate } from './segment-schemas.js'

const canonical = configure({ deterministic: true })

export interface SegmentContext {
  db: Kysely<DB>
  tenant: string
  /** The language named by Content-Language, if one. */
  language?: string
  limits: Pick<Limits, 'documentBytes' | 'patchOperations'>
}

export type UpsertOutcome = { outcome: 'created'; id: string } | { outcome: 'updated' | 'unchanged'; id: string }

/** Ids that are path words of the API (`/segments/bulk`, …): a segment so named could not be addressed. */
const RESERVED_IDS = new Set(['bulk', 'search', 'match', 'items'])

function checkId(id: string): void {
  if (RESERVED_IDS.has(id)) throw errors.invalidParameter('id', `'${id}' is reserved; choose another id`)
}

/** Generated ids are lowercase 24-hex, like the platform's. */
export function generateId(): string {
  return randomBytes(12).toString('hex')
}

type Content = Omit<Segment, 'id' | 'metadata'> & { metadataMixins?: Record<string, string> }

/**
 * The format check admits instants the store cannot keep (a leap second, year 0, year 10000 after the
 * offset is applied); those are a 400 here rather than a database or serializer failure.
 */
function normalizeDate(value: string, field: string): string {
  if (!storableInstant(value)) throw errors.invalidParameter(field, `'${value}' is not a date-time between the years 1 and 9999`)
  return new Date(value).toISOString()
}

/** Turns a validated request body into segment content, merging plain strings into existing maps. */
function toContent(input: SegmentCreation | SegmentUpdate, language: string | undefined, existing?: Segment): Content {
  const content: Content = {
    name: toLanguageMap(input.name, language, 'name', existing?.name),
    status: input.status ?? 'INACTIVE',
    siteCode: input.siteCode,
  }
  if (input.description !== undefined) {
    const description = toLanguageMap(input.description, language, 'description', existing?.description)
    if (Object.keys(description).length > 0) content.description = description
  }
  const from = input.validity?.from
  const to = input.validity?.to
  if (from || to) {
    content.validity = {}
    if (from) content.validity.from = normalizeDate(from, 'validity.from')
    if (to) content.validity.to = normalizeDate(to, 'validity.to')
    if (from && to && Date.parse(from) >= Date.parse(to)) {
      throw errors.invalidParameter('validity', 'validity.from must be earlier than validity.to')
    }
  }
  if (input.mixins && Object.keys(input.mixins).length > 0) content.mixins = input.mixins
  const metadataMixins = input.metadata?.mixins
  if (metadataMixins && Object.keys(metadataMixins).length > 0) content.metadataMixins = metadataMixins
  return content
}

function contentOf(segment: Segment): Content {
  const { id: _id, metadata, ...rest } = segment
  return metadata.mixins ? { ...rest, metadataMixins: metadata.mixins } : rest
}

function sameContent(a: Content, b: Content): boolean {
  return canonical(a) === canonical(b)
}

function build(id: string, content: Content, version: number, createdAt: string, modifiedAt: string): Segment {
  const { metadataMixins, ...rest } = content
  const segment: Segment = { id, ...rest, metadata: { version, createdAt, modifiedAt } }
  if (metadataMixins) segment.metadata.mixins = metadataMixins
  return segment
}

function subject(id: string): string {
  return `segments/${id}`
}

async function recordCreated(tx: Transaction<DB>, tenant: string, segment: Segment): Promise<void> {
  const { mixins: _mixins, ...payload } = segment
  await appendEvent(tx, {
    type: 'customer-segment.segment-created',
    tenant,
    subject: subject(segment.id),
    payload: { ...payload, tenant },
  })
}

async function recordUpdated(tx: Transaction<DB>, tenant: string, segment: Segment, previousStatus: SegmentStatus) {
  await appendEvent(tx, {
    type: 'customer-segment.segment-updated',
    tenant,
    subject: subject(segment.id),
    payload: { ...segment, previousStatus, tenant },
  })
}

async function create(tx: Transaction<DB>, ctx: SegmentContext, id: string, content: Content): Promise<boolean> {
  const now = new Date().toISOString()
  const segment = build(id, content, 1, now, now)
  checkDocumentSize(segment, ctx.limits.documentBytes, 'segment')
  if (!(await insertSegment(tx, ctx.tenant, segment))) return false
  await recordCreated(tx, ctx.tenant, segment)
  return true
}

/** Writes new content over a stored segment, unless nothing changed. */
async function update(tx: Transaction<DB>, ctx: SegmentContext, stored: Segment, content: Content, version?: number) {
  if (version !== undefined && version !== stored.metadata.version) throw errors.versionConflict(stored.id)
  if (sameContent(contentOf(stored), content)) return false
  const segment = build(stored.id, content, stored.metadata.version + 1, stored.metadata.createdAt, new Date().toISOString())
  checkDocumentSize(segment, ctx.limits.documentBytes, 'segment')
  await updateSegment(tx, ctx.tenant, segment)
  await recordUpdated(tx, ctx.tenant, segment, stored.status)
  return true
}

export async function createSegment(ctx: SegmentContext, input: SegmentCreation): Promise<string> {
  const content = toContent(input, ctx.language)
  const id = input.id ?? generateId()
  checkId(id)
  const created = await ctx.db.transaction().execute((tx) => create(tx, ctx, id, content))
  if (!created) throw errors.alreadyExists(id)
  return id
}

export async function upsertSegment(ctx: SegmentContext, id: string, input: SegmentUpdate): Promise<UpsertOutcome> {
  checkId(id)
  if (input.id !== undefined && input.id !== id) {
    throw errors.invalidParameter('id', `the body id '${input.id}' differs from the path id '${id}'`)
  }
  return ctx.db.transaction().execute(async (tx) => {
    // Two attempts: a concurrent create between our read and our insert turns this into an update.
    for (let attempt = 0; attempt < 2; attempt++) {
      const row = await selectSegment(tx, ctx.tenant, id, true)
      if (row) {
        const stored = rowToSegment(row)
        const changed = await update(tx, ctx, stored, toContent(input, ctx.language, stored), input.metadata?.version)
        return { outcome: changed ? 'updated' : 'unchanged', id }
      }
      if (await create(tx, ctx, id, toContent(input, ctx.language))) return { outcome: 'created', id }
    }
    throw errors.versionConflict(id)
  })
}

export async function patchSegment(ctx: SegmentContext, id: string, operations: PatchBody): Promise<boolean> {
  return ctx.db.transaction().execute(async (tx) => {
    const row = await selectSegment(tx, ctx.tenant, id, true)
    if (!row) throw errors.notFound(id)
    const stored = rowToSegment(row)
    const patched = applySegmentPatch(stored, operations, ctx.language, ctx.limits)
    return update(tx, ctx, stored, toContent(patched, undefined, stored))
  })
}

/** Deletes a segment; false when there was none. */
export async function deleteSegment(ctx: SegmentContext, id: string, force: boolean): Promise<boolean> {
  return ctx.db.transaction().execute(async (tx) => {
    // Its rule goes with it: no directory write or evaluation may be using the rule meanwhile.
    await lockTenantRules(tx, ctx.tenant, 'exclusive')
    await lockMemberships(tx, ctx.tenant, [], id)
    const row = await selectSegment(tx, ctx.tenant, id, true)
    if (!row) return false
    if (await hasAssignments(tx, ctx.tenant, id)) {
      if (!force) throw errors.segmentHasAssignments(id)
      await deleteAssignmentsOf(tx, ctx.tenant, id)
    }
    await deleteSegmentRow(tx, ctx.tenant, id)
    await appendEvent(tx, { type: 'customer-segment.segment-deleted', tenant: ctx.tenant, subject: subject(id), payload: { id, tenant: ctx.tenant } })
    return true
  })
}

export async function getSegment(ctx: Pick<SegmentContext, 'db' | 'tenant'>, id: string): Promise<Segment> {
  const row = await selectSegment(ctx.db, ctx.tenant, id)
  if (!row) throw errors.notFound(id)
  return rowToSegment(row)
}

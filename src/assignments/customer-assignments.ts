/**
 * Customer assignments: upsert and delete in batches (one round of statements for up to 200 items,
 * one event per changed item), reads enriched from the directory. B2C assignments have no legal entity
 * (stored as '').
 */
import { type Kysely, type RawBuilder, type Selectable, sql, type Transaction } from 'kysely'
import { configure } from 'safe-stable-stringify'
import type { Limits } from '../config.js'
import type { CustomerAssignmentTable, DB } from '../db/schema.js'
import { customers as customerKind, legalEntities as legalEntityKind } from '../directory/directory-kinds.js'
import type { DirectoryCustomer, DirectoryLegalEntity } from '../directory/directory-schemas.js'
import { entriesOf, entriesRead, getEntries, upsertEntries } from '../directory/directory-store.js'
import { attributesProblem } from '../directory/entry-attributes.js'
import { ApiError, errors } from '../errors.js'
import type { EventPayload } from '../events/catalogue.js'
import { appendEvents, type NewEvent } from '../events/outbox.js'
import { type AssignmentBody, type AssignmentState, type ItemResult, metadataOf, nextState, stateOf, upsertStates } from './assignment-state.js'
import { lockForDirectoryWrite, syncWritten } from '../directory/directory-writes.js'
import { rulesOf, rulesRead, syncMembership } from '../rules/membership-sync.js'
import { lockedSegment, lockSegment, membershipLock } from './lock-segment.js'
import { sendTogether } from '../db/send-together.js'

export interface AssignmentContext {
  db: Kysely<DB>
  tenant: string
  /** Refuse ids the directory does not know (DIRECTORY_STRICT). */
  strict: boolean
  limits: Pick<Limits, 'documentBytes'>
  /** The language named by Content-Language: an inline language map then adds to the directory's. */
  language?: string
}

export interface CustomerAssignmentInput extends AssignmentBody {
  customerId: string
  /** Absent or '' for B2C. */
  legalEntityId?: string
  customer?: Omit<DirectoryCustomer, 'id'> & { id?: string }
  legalEntity?: Omit<DirectoryLegalEntity, 'id'> & { id?: string }
  /** As a read returns it; ignored. */
  assignmentType?: 'MANUAL' | 'AUTOMATIC'
}

export interface CustomerAssignment {
  customer: DirectoryCustomer
  legalEntity?: DirectoryLegalEntity
  assignmentType: 'MANUAL' | 'AUTOMATIC'
  mixins?: Record<string, unknown>
  metadata: ReturnType<typeof metadataOf>
}

type Row = Selectable<CustomerAssignmentTable>
const canonical = configure({ deterministic: true })
const keyOf = (customerId: string, legalEntityId: string) => `${customerId}\u0000${legalEntityId}`

/** An automatic assignment written by hand: the same content, now MANUAL, as a new version. */
function madeManual(state: AssignmentState, now: string) {
  return { outcome: 'updated' as const, state: { ...state, version: state.version + 1, modifiedAt: now } }
}

function customerSubject(segmentId: string, customerId: string, legalEntityId: string): string {
  return `segments/${segmentId}/customers/${customerId}${legalEntityId ? `/${legalEntityId}` : ''}`
}

/** What an assignment and its events show of a customer: the contract's fields, not what rules select by. */
function card({ id, email, firstName, lastName }: DirectoryCustomer): DirectoryCustomer {
  return Object.fromEntries(Object.entries({ id, email, firstName, lastName }).filter(([, value]) => value !== undefined)) as unknown as DirectoryCustomer
}

/** The API shape of an assignment, with what the directory knows about its customer and legal entity. */
function presentCustomerAssignment(
  row: Pick<Row, 'customer_id' | 'legal_entity_id' | 'assignment_type'> & { state: AssignmentState },
  customer: DirectoryCustomer | undefined,
  legalEntity: DirectoryLegalEntity | undefined,
): CustomerAssignment {
  const view: CustomerAssignment = {
    customer: customer ? card(customer) : { id: row.customer_id },
    assignmentType: row.assignment_type,
    metadata: metadataOf(row.state),
  }
  if (row.legal_entity_id) view.legalEntity = legalEntity ? { id: legalEntity.id, ...(legalEntity.name !== undefined && { name: legalEntity.name }) } : { id: row.legal_entity_id }
  if (row.state.mixins) view.mixins = row.state.mixins
  return view
}

function checkInlineDetails(input: CustomerAssignmentInput, legalEntityId: string): void {
  for (const [field, attributes] of [['customer.attributes', input.customer?.attributes], ['legalEntity.attributes', input.legalEntity?.attributes]] as const) {
    const problem = attributes === undefined ? undefined : attributesProblem(attributes, field)
    if (problem) throw errors.invalidParameter(problem.field, problem.message.replace(`'${problem.field}' `, ''))
  }
  if (input.customer?.id !== undefined && input.customer.id !== input.customerId) {
    throw errors.invalidParameter('customer.id', `'${input.customer.id}' differs from the customer id '${input.customerId}'`)
  }
  if (input.legalEntity && !legalEntityId) throw errors.invalidParameter('legalEntity', 'a B2C assignment has no legal entity')
  if (input.legalEntity?.id !== undefined && input.legalEntity.id !== legalEntityId) {
    throw errors.invalidParameter('legalEntity.id', `'${input.legalEntity.id}' differs from the legal entity id '${legalEntityId}'`)
  }
}

/**
 * Inline details over the directory's. An inline object of only an id (what a read returns for an id the
 * directory does not know) says nothing: it neither creates an entry nor makes the id known in strict mode.
 */
function merged<T extends { id: string }>(known: T | undefined, id: string, inline: Partial<T> | undefined): T | undefined {
  const defined = Object.entries(inline ?? {}).filter(([key, value]) => key !== 'id' && value !== undefined)
  if (defined.length === 0) return known
  return { ...(known ?? {}), ...Object.fromEntries(defined), id } as T
}

/** Details to write to the directory: merged ones that say something the directory does not hold yet. */
function changed<T extends object>(details: T | undefined, known: T | undefined): details is T {
  return details !== undefined && (known === undefined || canonical(details) !== canonical(known))
}

const saysSomething = (details: object | undefined) => Object.entries(details ?? {}).some(([key, value]) => key !== 'id' && value !== undefined)

/**
 * Upserts assignments of one segment. A bad item (stale version, unknown id in strict mode, bad inline
 * ids) gets its error and writes nothing; the others are written. The segment must exist (404).
 */
export async function upsertCustomerAssignments(
  ctx: AssignmentContext,
  segmentId: string,
  inputs: CustomerAssignmentInput[],
): Promise<ItemResult[]> {
  return ctx.db.transaction().execute(async (tx) => {
    // Inline details may change the directory, and so what rules select: then this is a directory write too.
    const inline = inputs.some((input) => saysSomething(input.customer) || saysSomething(input.legalEntity))
    const rules = inline ? await lockForDirectoryWrite(tx, ctx.tenant, segmentId) : []
    if (inline) await lockSegment(tx, ctx.tenant, segmentId)
    const legalEntityIds = inputs.map((i) => i.legalEntityId ?? '').filter(Boolean)
    // The lock first, then the reads, which see what it waited for: sent together, one round trip.
    const [locked, customerRows, legalEntityRows, rows] = await sendTogether(tx, [
      inline ? undefined : membershipLock(ctx.tenant, segmentId).compile(tx),
      entriesRead(tx, ctx.tenant, customerKind, inputs.map((i) => i.customerId)),
      entriesRead(tx, ctx.tenant, legalEntityKind, legalEntityIds),
      lockedRows(tx, ctx.tenant, segmentId, inputs.map((i) => [i.customerId, i.legalEntityId ?? ''])),
    ])
    if (!inline) lockedSegment(locked, segmentId)
    const knownCustomers = entriesOf(customerKind, customerRows)
    const knownLegalEntities = entriesOf(legalEntityKind, legalEntityRows)
    const states = new Map(rows.map((row) => [keyOf(row.customer_id, row.legal_entity_id), stateOf(row)]))
    // An update keeps the assignment's type; what the API creates is MANUAL.
    const types = new Map(rows.map((row) => [keyOf(row.customer_id, row.legal_entity_id), row.assignment_type]))
    const now = new Date().toISOString()
    const results: ItemResult[] = []
    const written = new Map<string, { customerId: string; legalEntityId: string; state: AssignmentState }>()
    const events: NewEvent<'customer-segment.customer-assignment-created' | 'customer-segment.customer-assignment-updated'>[] = []
    const customerDetails = new Map<string, DirectoryCustomer>()
    const legalEntityDetails = new Map<string, DirectoryLegalEntity>()

    for (const input of inputs) {
      const legalEntityId = input.legalEntityId ?? ''
      const key = keyOf(input.customerId, legalEntityId)
      try {
        checkInlineDetails(input, legalEntityId)
        const knownCustomer = customerDetails.get(input.customerId) ?? knownCustomers.get(input.customerId)
        const knownLegalEntity = legalEntityId ? (legalEntityDetails.get(legalEntityId) ?? knownLegalEntities.get(legalEntityId)) : undefined
        const customer = merged(knownCustomer, input.customerId, input.customer)
        const legalEntity = legalEntityId ? merged(knownLegalEntity, legalEntityId, input.legalEntity) : undefined
        if (ctx.strict && !customer) throw errors.unknownReference('customer', input.customerId)
        if (ctx.strict && legalEntityId && !legalEntity) throw errors.unknownReference('legal entity', legalEntityId)
        const next = nextState(states.get(key), input, now, key.replace('\u0000', '/'), ctx.limits.documentBytes)
        // A manual write over an automatic assignment makes it manual: a change even with the same content.
        const { outcome, state } = types.get(key) === 'AUTOMATIC' && next.outcome === 'unchanged' ? madeManual(next.state, now) : next
        results.push({ outcome })
        if (changed(customer, knownCustomer)) customerDetails.set(input.customerId, customer)
        if (changed(legalEntity, knownLegalEntity)) legalEntityDetails.set(legalEntityId, legalEntity)
        if (outcome === 'unchanged') continue
        states.set(key, state)
        written.set(key, { customerId: input.customerId, legalEntityId, state })
        const view = presentCustomerAssignment(
          { customer_id: input.customerId, legal_entity_id: legalEntityId, assignment_type: 'MANUAL', state },
          customer,
          legalEntity,
        )
        const payload: EventPayload<'customer-segment.customer-assignment-created'> = { segmentId, ...view, tenant: ctx.tenant }
        events.push({
          type: outcome === 'created' ? 'customer-segment.customer-assignment-created' : 'customer-segment.customer-assignment-updated',
          tenant: ctx.tenant,
          subject: customerSubject(segmentId, input.customerId, legalEntityId),
          payload,
        })
      } catch (error) {
        if (!(error instanceof ApiError)) throw error
        results.push({ error })
      }
    }

    await upsertEntries(tx, ctx.tenant, customerKind, [...customerDetails.values()], 'merge')
    await upsertEntries(tx, ctx.tenant, legalEntityKind, [...legalEntityDetails.values()], 'merge')
    // The rows and their events in one statement. What the API writes is MANUAL.
    const changes = [...written.values()]
    const upsert = upsertStates(
      'customer_assignment',
      { tenant: ctx.tenant, segment_id: segmentId, assignment_type: 'MANUAL' },
      { customer_id: changes.map((c) => c.customerId), legal_entity_id: changes.map((c) => c.legalEntityId) },
      changes.map((c) => c.state),
      ['assignment_type'],
    )
    await appendEvents(tx, events, upsert)
    // After the manual rows, which the rules then leave alone.
    await syncWritten(tx, ctx.tenant, rules, { customers: [...customerDetails.keys()], legalEntities: [...legalEntityDetails.keys()] })
    return results
  })
}

/**
 * The assignments of one segment with the given `(customer_id, legal_entity_id)` keys, locked: one primary
 * key probe per distinct key, whatever the segment's size or the table's statistics. (The key list as a
 * semi-join let the planner read the whole segment, and, with statistics from when the segment was small,
 * compare every row of it with every key: 56–98 ms for 200 keys against a segment of 950 rows.)
 */
export function assignmentsOf(tenant: string, segmentId: string, keys: [string, string][], columns: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    select ${columns}
    from (select distinct * from unnest(${keys.map((k) => k[0])}::text[], ${keys.map((k) => k[1])}::text[])) as k (customer_id, legal_entity_id)
    cross join lateral (
      select * from customer_assignment a
      where a.tenant = ${tenant} and a.segment_id = ${segmentId} and a.customer_id = k.customer_id and a.legal_entity_id = k.legal_entity_id
      limit 1
      for update
    ) a`
}

/** The assignments with these keys, locked (undefined for none): a statement to send with others. */
function lockedRows(tx: Transaction<DB>, tenant: string, segmentId: string, keys: [string, string][]) {
  return keys.length === 0 ? undefined : sql<Row>`${assignmentsOf(tenant, segmentId, keys, sql`a.*`)}`.compile(tx)
}

/**
 * Deletes manual assignments of one segment; each one that existed gets its deleted event. An automatic
 * one is refused (409): its segment's rule manages it. A customer the rule selects becomes an automatic
 * member once its manual assignment is gone.
 */
export async function deleteCustomerAssignments(
  ctx: Omit<AssignmentContext, 'strict'>,
  segmentId: string,
  keys: { customerId: string; legalEntityId?: string }[],
): Promise<ItemResult[]> {
  return ctx.db.transaction().execute(async (tx) => {
    const pairs = keys.map((k): [string, string] => [k.customerId, k.legalEntityId ?? ''])
    // The lock, then one statement: the assignments asked for, locked, and the manual ones among them
    // deleted, then the segment's rule. They see what the lock waited for; sent together, one round trip.
    const [locked, found, rule] = await sendTogether(tx, [
      membershipLock(ctx.tenant, segmentId).compile(tx),
      keys.length === 0
        ? undefined
        : sql<Pick<Row, 'customer_id' | 'legal_entity_id' | 'assignment_type'>>`
      with found as (
        ${assignmentsOf(ctx.tenant, segmentId, pairs, sql`a.customer_id, a.legal_entity_id, a.assignment_type`)}
      ), deleted as (
        delete from customer_assignment a using found f
        where a.tenant = ${ctx.tenant} and a.segment_id = ${segmentId} and f.assignment_type = 'MANUAL'
          and a.customer_id = f.customer_id and a.legal_entity_id = f.legal_entity_id
      )
      select customer_id, legal_entity_id, assignment_type from found`.compile(tx),
      rulesRead(tx, ctx.tenant, segmentId).compile(),
    ])
    lockedSegment(locked, segmentId)
    if (keys.length === 0) return []
    const automatic = new Set(found.filter((row) => row.assignment_type === 'AUTOMATIC').map((row) => keyOf(row.customer_id, row.legal_entity_id)))
    const deleted = found.filter((row) => row.assignment_type === 'MANUAL')
    const gone = new Set(deleted.map((d) => keyOf(d.customer_id, d.legal_entity_id)))
    const events: NewEvent<'customer-segment.customer-assignment-deleted'>[] = []
    const results: ItemResult[] = keys.map((k) => {
      const legalEntityId = k.legalEntityId ?? ''
      const key = keyOf(k.customerId, legalEntityId)
      if (automatic.has(key)) return { error: errors.managedByRule(legalEntityId ? `${k.customerId}/${legalEntityId}` : k.customerId, segmentId) }
      if (!gone.delete(key)) return { outcome: 'absent' }
      events.push({
        type: 'customer-segment.customer-assignment-deleted',
        tenant: ctx.tenant,
        subject: customerSubject(segmentId, k.customerId, legalEntityId),
        payload: { customerId: k.customerId, ...(legalEntityId ? { legalEntityId } : {}), segmentId, assignmentType: 'MANUAL', tenant: ctx.tenant },
      })
      return { outcome: 'deleted' }
    })
    await appendEvents(tx, events)
    if (deleted.length > 0) await syncMembership(tx, ctx.tenant, rulesOf(rule), { ids: [...new Set(deleted.map((d) => d.customer_id))] }, new Date())
    return results
  })
}

/** Enriches assignment rows from the directory, in two reads whatever the number of rows. */
export async function enrichCustomerAssignments(db: Kysely<DB>, tenant: string, rows: Row[]): Promise<CustomerAssignment[]> {
  const [customers, legalEntities] = await Promise.all([
    getEntries(db, tenant, customerKind, rows.map((r) => r.customer_id)),
    getEntries(db, tenant, legalEntityKind, rows.map((r) => r.legal_entity_id).filter(Boolean)),
  ])
  return rows.map((row) =>
    presentCustomerAssignment({ ...row, state: stateOf(row) }, customers.get(row.customer_id), legalEntities.get(row.legal_entity_id)),
  )
}

export async function getCustomerAssignment(
  db: Kysely<DB>,
  tenant: string,
  segmentId: string,
  customerId: string,
  legalEntityId: string,
): Promise<CustomerAssignment> {
  const row = await db
    .selectFrom('customer_assignment')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('segment_id', '=', segmentId)
    .where('customer_id', '=', customerId)
    .where('legal_entity_id', '=', legalEntityId)
    .executeTakeFirst()
  if (!row) throw errors.notFound(legalEntityId ? `${customerId}/${legalEntityId}` : customerId)
  const [view] = await enrichCustomerAssignments(db, tenant, [row])
  return view
}

/**
 * Directory writes that rules depend on. Writing customers (the API, the importer, details inline on an
 * assignment) or legal entities re-evaluates the customers written, or those buying for the legal
 * entities written, against every rule of the tenant in the same transaction: membership and its events
 * commit with the data. Products and categories are written as they are.
 */
import { type Kysely, type SqlBool, sql, type Transaction } from 'kysely'
import type { DB } from '../db/schema.js'
import { type ActiveRule, syncMembership, tenantRules } from '../rules/membership-sync.js'
import { lockMemberships, lockTenantRules } from '../rules/rule-locks.js'
import { parseRule, ruleTraits } from '../rules/rule-query.js'
import { customers, type DirectoryKind, legalEntities } from './directory-kinds.js'
import { deleteEntry, upsertEntries } from './directory-store.js'

/**
 * Takes the locks of a directory write (rule-locks.ts) and returns the tenant's rules, stable until the
 * transaction ends. `exclusive`: a segment whose manual assignments the same transaction writes.
 */
export async function lockForDirectoryWrite(tx: Transaction<DB>, tenant: string, exclusive?: string): Promise<ActiveRule[]> {
  await lockTenantRules(tx, tenant, 'shared')
  const rules = await tenantRules(tx, tenant)
  await lockMemberships(tx, tenant, rules.map((rule) => rule.segmentId), exclusive)
  return rules
}

/** The customers whose membership a write of these entries can change. */
export async function affectedCustomers(tx: Transaction<DB>, tenant: string, rules: ActiveRule[], written: { customers?: string[]; legalEntities?: string[] }): Promise<string[]> {
  const ids = new Set(written.customers)
  const legalEntityIds = written.legalEntities ?? []
  if (legalEntityIds.length > 0 && rules.some((rule) => rule.b2b || (rule.query !== null && ruleTraits(parseRule(rule.query)).readsLegalEntities))) {
    const buyers = await tx.selectFrom('directory_customer').select('id').where('tenant', '=', tenant).where(sql<SqlBool>`legal_entity_ids && ${legalEntityIds}::text[]`).execute()
    for (const { id } of buyers) ids.add(id)
  }
  return [...ids]
}

/** Brings the rules' membership in line for what the transaction wrote. */
export async function syncWritten(tx: Transaction<DB>, tenant: string, rules: ActiveRule[], written: { customers?: string[]; legalEntities?: string[] }): Promise<void> {
  if (rules.length === 0) return
  await syncMembership(tx, tenant, rules, { ids: await affectedCustomers(tx, tenant, rules, written) }, new Date())
}

const ruleInputs = (kind: DirectoryKind<{ id: string }>) => kind === (customers as unknown) || kind === (legalEntities as unknown)

function written(kind: DirectoryKind<{ id: string }>, ids: string[]) {
  return kind === (customers as unknown) ? { customers: ids } : { legalEntities: ids }
}

/** What rules read of each kind of entry, with its SQL type. */
const RULE_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  directory_customer: { email: 'text', first_name: 'text', last_name: 'text', tags: 'text[]', attributes: 'jsonb', legal_entity_ids: 'text[]' },
  directory_legal_entity: { name: 'text', attributes: 'jsonb' },
}

/**
 * The ids of entries whose stored version holds the same values for rules (compared in SQL, so exactly as
 * rules see them): writing them again changes no membership. A feed that sends its whole directory every
 * night re-evaluates only what changed.
 */
async function unchangedForRules<E extends { id: string }>(tx: Transaction<DB>, tenant: string, kind: DirectoryKind<E>, entries: E[]): Promise<Set<string>> {
  const columns = Object.entries(RULE_COLUMNS[kind.table])
  const rows = entries.map((entry) => {
    const row = kind.toRow(entry)
    // toRow writes json columns as text; the document carries them as JSON.
    return Object.fromEntries([['id', entry.id], ...columns.map(([column, type]) => [column, type === 'jsonb' && row[column] !== null ? JSON.parse(row[column] as string) : row[column]])])
  })
  const definitions = sql.join(columns.map(([column, type]) => sql`${sql.ref(column)} ${sql.raw(type)}`))
  const same = sql.join(columns.map(([column]) => sql`s.${sql.ref(column)} is not distinct from n.${sql.ref(column)}`), sql` and `)
  // The stored rows are locked before they are compared, in id order as every writer locks them: a
  // concurrent write of the same entry is then seen as it committed, and counts as a change.
  const { rows: found } = await sql<{ id: string; same: boolean }>`
    select s.id, (${same}) as same from ${sql.table(kind.table)} s
    join jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as n(id text, ${definitions}) on n.id = s.id
    where s.tenant = ${tenant}
    order by s.id
    for update of s`.execute(tx)
  return new Set(found.filter((row) => row.same).map((row) => row.id))
}

/** Upserts entries (each replaces the stored one), all or none, with their rule membership. */
export async function writeEntries<E extends { id: string }>(db: Kysely<DB>, tenant: string, kind: DirectoryKind<E>, entries: E[]): Promise<void> {
  if (entries.length === 0) return
  if (!ruleInputs(kind)) return upsertEntries(db, tenant, kind, entries)
  await db.transaction().execute(async (tx) => {
    const rules = await lockForDirectoryWrite(tx, tenant)
    // The last entry of an id is the one written.
    const latest = [...new Map(entries.map((entry) => [entry.id, entry])).values()]
    const unchanged = rules.length === 0 ? new Set<string>() : await unchangedForRules(tx, tenant, kind, latest)
    // Rows locked in one order by every writer: two batches with the same ids cannot deadlock.
    await upsertEntries(tx, tenant, kind, [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    const changed = latest.map((entry) => entry.id).filter((id) => !unchanged.has(id))
    if (changed.length > 0) await syncWritten(tx, tenant, rules, written(kind, changed))
  })
}

/** Deletes an entry with its rule membership; returns whether there was one. */
export async function removeEntry(db: Kysely<DB>, tenant: string, kind: DirectoryKind<{ id: string }>, id: string): Promise<boolean> {
  if (!ruleInputs(kind)) return deleteEntry(db, tenant, kind, id)
  return db.transaction().execute(async (tx) => {
    const rules = await lockForDirectoryWrite(tx, tenant)
    // A deleted legal entity's buyers are found before, while they still name it (they keep naming it).
    const affected = rules.length === 0 ? [] : await affectedCustomers(tx, tenant, rules, written(kind, [id]))
    const existed = await deleteEntry(tx, tenant, kind, id)
    if (existed && affected.length > 0) await syncMembership(tx, tenant, rules, { ids: affected }, new Date())
    return existed
  })
}

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

/** Upserts entries (each replaces the stored one), all or none, with their rule membership. */
export async function writeEntries<E extends { id: string }>(db: Kysely<DB>, tenant: string, kind: DirectoryKind<E>, entries: E[]): Promise<void> {
  if (entries.length === 0) return
  if (!ruleInputs(kind)) return upsertEntries(db, tenant, kind, entries)
  await db.transaction().execute(async (tx) => {
    const rules = await lockForDirectoryWrite(tx, tenant)
    // Rows locked in one order by every writer: two batches with the same ids cannot deadlock.
    await upsertEntries(tx, tenant, kind, [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    await syncWritten(tx, tenant, rules, written(kind, entries.map((entry) => entry.id)))
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

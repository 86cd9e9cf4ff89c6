/** SQL for the directory: one-statement bulk upserts, reads by id (single or many), deletes. */
import type { CompiledQuery, Kysely, Transaction } from 'kysely'
import type { DB } from '../db/schema.js'
import type { DirectoryKind } from './directory-kinds.js'

type Db = Kysely<DB> | Transaction<DB>
// Kysely's types cannot follow a table chosen at run time; the kind descriptor keeps rows and table in step.
// biome-ignore lint/suspicious/noExplicitAny: see above
type AnyDb = Kysely<any>

/**
 * Upserts entries in one statement; a later entry with the same id wins. `replace` (the directory API,
 * the importer) makes the entry exactly what was sent; `merge` (details inline on an assignment) only
 * sets the fields that were sent and keeps the others.
 */
export async function upsertEntries<E extends { id: string }>(
  db: Db,
  tenant: string,
  kind: DirectoryKind<E>,
  entries: E[],
  mode: 'replace' | 'merge' = 'replace',
) {
  if (entries.length === 0) return
  const latest = new Map(entries.map((entry) => [entry.id, entry]))
  const now = new Date()
  const rows = [...latest.values()].map((entry) => ({ tenant, ...kind.toRow(entry), modified_at: now }))
  const columns = Object.keys(rows[0]).filter((column) => column !== 'tenant' && column !== 'id')
  // A column an entry of only an id still fills (a product's category ids: [], the column is NOT NULL)
  // cannot tell "not sent" from its value; merged details never carry such a field, so merge keeps it.
  const bare = kind.toRow({ id: '' } as E)
  await (db as AnyDb)
    .insertInto(kind.table)
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['tenant', 'id']).doUpdateSet((eb) =>
        Object.fromEntries(
          columns.map((c) => {
            const sent = eb.ref(`excluded.${c}`)
            const stored = eb.ref(`${kind.table}.${c}`)
            if (mode === 'replace' || c === 'modified_at') return [c, sent]
            return [c, bare[c] !== null ? stored : eb.fn.coalesce(sent, stored)]
          }),
        ),
      ),
    )
    .execute()
}

export async function getEntries<E extends { id: string }>(db: Db, tenant: string, kind: DirectoryKind<E>, ids: string[]): Promise<Map<string, E>> {
  const read = entriesRead(db, tenant, kind, ids)
  return entriesOf(kind, read ? (await db.executeQuery(read)).rows : [])
}

/** The statement {@link getEntries} runs, to send with others (send-together.ts); undefined for no ids. */
export function entriesRead(db: Db, tenant: string, kind: DirectoryKind<{ id: string }>, ids: string[]): CompiledQuery<unknown> | undefined {
  if (ids.length === 0) return undefined
  return (db as AnyDb).selectFrom(kind.table).selectAll().where('tenant', '=', tenant).where('id', 'in', [...new Set(ids)]).compile()
}

/** The entries of {@link entriesRead}'s rows, by id. */
export function entriesOf<E extends { id: string }>(kind: DirectoryKind<E>, rows: unknown[]): Map<string, E> {
  return new Map(rows.map((row) => [(row as { id: string }).id, kind.fromRow(row as never)]))
}

export async function getEntry<E extends { id: string }>(db: Db, tenant: string, kind: DirectoryKind<E>, id: string): Promise<E | undefined> {
  return (await getEntries(db, tenant, kind, [id])).get(id)
}

/** Returns whether there was an entry to delete. */
export async function deleteEntry(db: Db, tenant: string, kind: DirectoryKind<{ id: string }>, id: string): Promise<boolean> {
  const result = await (db as AnyDb).deleteFrom(kind.table).where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

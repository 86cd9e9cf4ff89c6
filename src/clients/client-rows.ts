/** SQL for API clients: the `api_client` rows, always addressed with their tenant except at sign-in. */
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely'
import type { ApiClientTable, DB } from '../db/schema.js'

export type ClientRow = Selectable<ApiClientTable>
type Db = Kysely<DB> | Transaction<DB>

/** Serializes the creations of one tenant, so that its count of clients stays within the limit. */
export async function lockTenantClients(tx: Transaction<DB>, tenant: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`api_client:${tenant}`}))`.execute(tx)
}

export async function countClients(db: Db, tenant: string): Promise<number> {
  const { count } = await db.selectFrom('api_client').select((eb) => eb.fn.countAll<string>().as('count')).where('tenant', '=', tenant).executeTakeFirstOrThrow()
  return Number(count)
}

export async function insertClient(db: Db, row: ClientRow): Promise<void> {
  await db.insertInto('api_client').values(row).execute()
}

export async function selectClients(db: Db, tenant: string): Promise<ClientRow[]> {
  return db.selectFrom('api_client').selectAll().where('tenant', '=', tenant).orderBy('created_at').orderBy('id').execute()
}

export async function selectClient(db: Db, tenant: string, id: string, forUpdate = false): Promise<ClientRow | undefined> {
  const query = db.selectFrom('api_client').selectAll().where('tenant', '=', tenant).where('id', '=', id)
  return (forUpdate ? query.forUpdate() : query).executeTakeFirst()
}

/** The client presenting `id` at /oauth/token, whichever its tenant: the row says which. */
export async function selectClientForSignIn(db: Db, id: string): Promise<ClientRow | undefined> {
  return db.selectFrom('api_client').selectAll().where('id', '=', id).executeTakeFirst()
}

export interface SecretChange {
  secretHash: Uint8Array
  /** The hash that stays valid until `previousExpiresAt`; null when the old secret stops at once. */
  previousHash: Uint8Array | null
  previousExpiresAt: Date | null
  at: Date
}

/** Replaces the secret; returns the updated row, or undefined when the tenant has no such client. */
export async function updateSecret(db: Db, tenant: string, id: string, change: SecretChange): Promise<ClientRow | undefined> {
  return db
    .updateTable('api_client')
    .set({
      secret_hash: change.secretHash,
      previous_secret_hash: change.previousHash,
      previous_secret_expires_at: change.previousExpiresAt,
      secret_rotated_at: change.at,
    })
    .where('tenant', '=', tenant)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}

/** Returns whether the tenant had the client. */
export async function deleteClient(db: Db, tenant: string, id: string): Promise<boolean> {
  const deleted = await db.deleteFrom('api_client').where('tenant', '=', tenant).where('id', '=', id).returning('id').executeTakeFirst()
  return deleted !== undefined
}

/** Records a use, unless one was recorded less than `quietMs` ago: token requests need not each be a write. */
export async function touchClient(db: Db, id: string, at: Date, quietMs: number): Promise<void> {
  await db
    .updateTable('api_client')
    .set({ last_used_at: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(at.getTime() - quietMs))]))
    .execute()
}

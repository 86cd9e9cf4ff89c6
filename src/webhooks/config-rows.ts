/** SQL for webhook configs: the `webhook_config` rows of a tenant, one per provider code. */
import type { Kysely, Selectable, Transaction } from 'kysely'
import type { DB, WebhookConfigTable } from '../db/schema.js'
import type { StoredHttpConfiguration } from './stored-config.js'

export type ConfigRow = Selectable<WebhookConfigTable>
type Db = Kysely<DB> | Transaction<DB>

export interface ConfigContent {
  provider: string
  active: boolean
  configuration: StoredHttpConfiguration
}

export async function selectConfig(db: Db, tenant: string, code: string, forUpdate = false): Promise<ConfigRow | undefined> {
  const query = db.selectFrom('webhook_config').selectAll().where('tenant', '=', tenant).where('code', '=', code)
  return (forUpdate ? query.forUpdate() : query).executeTakeFirst()
}

export async function selectConfigs(db: Db, tenant: string): Promise<ConfigRow[]> {
  return db.selectFrom('webhook_config').selectAll().where('tenant', '=', tenant).orderBy('code').execute()
}

/** Inserts unless the tenant has a config of that code; returns whether it inserted. */
export async function insertConfig(db: Db, tenant: string, code: string, content: ConfigContent): Promise<boolean> {
  const now = new Date()
  const inserted = await db
    .insertInto('webhook_config')
    .values({ tenant, code, ...columns(content), created_at: now, modified_at: now })
    .onConflict((oc) => oc.columns(['tenant', 'code']).doNothing())
    .returning('code')
    .executeTakeFirst()
  return inserted !== undefined
}

export async function updateConfig(db: Db, tenant: string, code: string, content: ConfigContent): Promise<void> {
  await db
    .updateTable('webhook_config')
    .set({ ...columns(content), modified_at: new Date() })
    .where('tenant', '=', tenant)
    .where('code', '=', code)
    .execute()
}

export async function deleteConfigRow(db: Db, tenant: string, code: string): Promise<void> {
  await db.deleteFrom('webhook_config').where('tenant', '=', tenant).where('code', '=', code).execute()
}

function columns(content: ConfigContent) {
  return { provider: content.provider, active: content.active, configuration: JSON.stringify(content.configuration) }
}

/** SQL for event subscriptions: one `event_subscription` row per tenant and event type ever subscribed. */
import type { Kysely, Selectable, Transaction } from 'kysely'
import type { DB, EventSubscriptionTable } from '../db/schema.js'

export type SubscriptionRow = Selectable<EventSubscriptionTable>
type Db = Kysely<DB> | Transaction<DB>

export interface SubscriptionContent {
  subscribed: boolean
  excludedFields: string[]
}

export async function selectSubscriptions(db: Db, tenant: string): Promise<SubscriptionRow[]> {
  return db.selectFrom('event_subscription').selectAll().where('tenant', '=', tenant).execute()
}

export async function selectSubscription(db: Db, tenant: string, eventType: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('event_subscription').selectAll().where('tenant', '=', tenant).where('event_type', '=', eventType).forUpdate().executeTakeFirst()
}

/** Inserts version 1 unless a row appeared meanwhile; returns whether it inserted. */
export async function insertSubscription(db: Db, tenant: string, eventType: string, content: SubscriptionContent): Promise<boolean> {
  const now = new Date()
  const inserted = await db
    .insertInto('event_subscription')
    .values({
      tenant,
      event_type: eventType,
      subscribed: content.subscribed,
      excluded_fields: JSON.stringify(content.excludedFields),
      version: 1,
      created_at: now,
      modified_at: now,
    })
    .onConflict((oc) => oc.columns(['tenant', 'event_type']).doNothing())
    .returning('version')
    .executeTakeFirst()
  return inserted !== undefined
}

export async function updateSubscription(db: Db, tenant: string, eventType: string, version: number, content: SubscriptionContent): Promise<void> {
  await db
    .updateTable('event_subscription')
    .set({ subscribed: content.subscribed, excluded_fields: JSON.stringify(content.excludedFields), version: version + 1, modified_at: new Date() })
    .where('tenant', '=', tenant)
    .where('event_type', '=', eventType)
    .where('version', '=', version)
    .execute()
}

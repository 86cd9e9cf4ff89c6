/**
 * The NOTIFY channel that tells delivery workers there is work due now. Whoever makes a delivery due
 * (the dispatcher, an operator's resend or recovery) notifies it in the same transaction; workers also
 * poll, so a lost notification only costs latency.
 */
import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.js'

export const DELIVERY_CHANNEL = 'css_delivery'

/** Wakes every worker listening; inside a transaction, on its commit. */
export async function notifyWorkers(db: Kysely<DB>): Promise<void> {
  await sql`select pg_notify(${DELIVERY_CHANNEL}, '')`.execute(db)
}

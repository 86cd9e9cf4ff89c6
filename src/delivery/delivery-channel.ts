/**
 * The NOTIFY channel that tells delivery workers there is work due now. Whoever makes a delivery due
 * (the dispatcher, an operator's resend or recovery) notifies it in the same transaction; workers also
 * poll, so a lost notification only costs latency.
 *
 * The payload says what became due: empty for anything (resends, recoveries: the retry lane too), or
 * `first <source>` for new deliveries only, made by the dispatcher of the delivery engine `source`. The
 * worker beside that dispatcher was woken directly after the commit and skips it.
 */
import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.js'

export const DELIVERY_CHANNEL = 'css_delivery'

/** Wakes every worker listening for anything due; inside a transaction, on its commit. */
export async function notifyWorkers(db: Kysely<DB>): Promise<void> {
  await sql`select pg_notify(${DELIVERY_CHANNEL}, '')`.execute(db)
}

/** The payload of a notification that new deliveries (first attempts only) were made by `source`. */
export function firstAttemptsDue(source: string): string {
  return `first ${source}`
}

export interface DueNotice {
  /** Only first attempts became due: the retry lane need not be looked at. */
  firstOnly: boolean
  /** The delivery engine whose dispatcher made them, when it said. */
  source?: string
}

export function readDueNotice(payload: string): DueNotice {
  if (!payload.startsWith('first ')) return { firstOnly: false }
  const source = payload.slice('first '.length)
  return source === '' ? { firstOnly: true } : { firstOnly: true, source }
}

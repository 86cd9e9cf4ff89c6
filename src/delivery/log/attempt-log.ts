/** Reading the attempt log of one delivery: every try, oldest first, with how it ended. */
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { LoggedAttempt } from './log-schemas.js'

/** The delivery's attempts, or undefined when the tenant has no such delivery. */
export async function listAttempts(db: Kysely<DB>, tenant: string, deliveryId: number): Promise<LoggedAttempt[] | undefined> {
  const delivery = await db.selectFrom('delivery').select('id').where('id', '=', deliveryId).where('tenant', '=', tenant).executeTakeFirst()
  if (!delivery) return undefined
  const rows = await db
    .selectFrom('delivery_attempt')
    .select(['attempt', 'started_at', 'duration_ms', 'status', 'response_excerpt', 'error', 'request_headers'])
    .where('delivery_id', '=', deliveryId)
    .orderBy('attempt')
    .execute()
  return rows.map((row) => ({
    attempt: row.attempt,
    startedAt: row.started_at.toISOString(),
    durationMs: row.duration_ms,
    status: row.status,
    responseExcerpt: row.response_excerpt,
    error: row.error,
    // PGlite and pg both parse jsonb; a string would be a driver that does not.
    requestHeaders: typeof row.request_headers === 'string' ? (JSON.parse(row.request_headers) as Record<string, string>) : row.request_headers,
  }))
}

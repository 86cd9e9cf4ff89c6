/** Remembers the console links that have been opened, so each opens once (see console-link.ts). */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { ConsoleLink } from './console-link.js'

/** True the first time a link is used; false after. Links past their expiry are forgotten. */
export async function useConsoleLink(db: Kysely<DB>, link: ConsoleLink, now = new Date()): Promise<boolean> {
  await db.deleteFrom('console_link_use').where('expires_at', '<', now).execute()
  const row = await db
    .insertInto('console_link_use')
    .values({ jti: link.jti, expires_at: link.expiresAt })
    .onConflict((conflict) => conflict.column('jti').doNothing())
    .returning('jti')
    .executeTakeFirst()
  return row !== undefined
}

/**
 * One-time links into the webhook portal (`dashboard-access`): a random key, valid for a few minutes,
 * exchanged once by the portal page for a token of the tenant's webhook scopes. Only the key's SHA-256 is
 * stored; an exchange deletes it, and expired keys are swept when a new one is made.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'

/** How long a link can be opened. */
export const PORTAL_LINK_TTL_MS = 10 * 60_000

const hash = (key: string) => createHash('sha256').update(key).digest('hex')

export async function createPortalLink(db: Kysely<DB>, tenant: string, now = new Date()): Promise<string> {
  const key = randomBytes(32).toString('base64url')
  await db.deleteFrom('portal_link').where('expires_at', '<', now).execute()
  await db.insertInto('portal_link').values({ key_hash: hash(key), tenant, expires_at: new Date(now.getTime() + PORTAL_LINK_TTL_MS) }).execute()
  return key
}

/** The tenant of a link opened for the first time before it expired; undefined otherwise. */
export async function consumePortalLink(db: Kysely<DB>, key: string, now = new Date()): Promise<string | undefined> {
  const row = await db.deleteFrom('portal_link').where('key_hash', '=', hash(key)).returning(['tenant', 'expires_at']).executeTakeFirst()
  return row && row.expires_at > now ? row.tenant : undefined
}

/**
 * The locks that keep rule membership exact while the directory, the rules and manual assignments change
 * at once. They are transaction-level advisory locks, so they cost no row writes, and every transaction
 * takes them first, the tenant's before any segment's and segments in id order, so they cannot deadlock:
 *
 * - the tenant's rule set: shared by every directory write (the rules it evaluates stay the rules for its
 *   whole transaction), exclusive to writing a rule and deleting a segment (which wait for the directory
 *   writes under way, so a full evaluation that starts after them sees their data);
 * - a segment's membership: shared by directory writes for each rule segment, exclusive to a chunk of a
 *   full evaluation and to manual assignment writes. A chunk therefore reads the directory with no write
 *   half done, and the engine never adds an automatic assignment beside a manual write to the same key.
 */
import { sql, type Transaction } from 'kysely'
import type { DB } from '../db/schema.js'

type Mode = 'shared' | 'exclusive'

/** The arguments of a segment's membership lock. */
export const membershipLockKey = (tenant: string, segmentId: string) => sql`hashtext(${tenant}::text), hashtext(${segmentId}::text)`

export async function lockTenantRules(tx: Transaction<DB>, tenant: string, mode: Mode): Promise<void> {
  const lock = mode === 'shared' ? sql`pg_advisory_xact_lock_shared` : sql`pg_advisory_xact_lock`
  await sql`select ${lock}(hashtextextended(${`rules:${tenant}`}::text, 0))`.execute(tx)
}

/** Locks the memberships of `segmentIds` shared, in id order; `exclusive` (if among them or not) exclusive. */
export async function lockMemberships(tx: Transaction<DB>, tenant: string, segmentIds: readonly string[], exclusive?: string): Promise<void> {
  const ids = [...new Set(exclusive === undefined ? segmentIds : [...segmentIds, exclusive])]
  if (ids.length === 0) return
  if (ids.length === 1 && ids[0] === exclusive) {
    await sql`select pg_advisory_xact_lock(${membershipLockKey(tenant, exclusive)})`.execute(tx)
    return
  }
  await sql`
    select case when s = ${exclusive ?? null}::text
      then pg_advisory_xact_lock(hashtext(${tenant}::text), hashtext(s))::text
      else pg_advisory_xact_lock_shared(hashtext(${tenant}::text), hashtext(s))::text end
    from (select unnest(${ids}::text[]) as s order by 1) ordered`.execute(tx)
}

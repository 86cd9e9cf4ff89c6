/**
 * How far the read replica is behind its primary, as the replica itself knows it: nothing when it has
 * replayed all the WAL it received, else the age of the last transaction it replayed. (Comparing only
 * timestamps would count a quiet primary's idle time as lag.) A server that is not a standby (the URL
 * names a primary) lags by nothing.
 */
import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.js'

/** Seconds behind; null when the replica cannot tell yet (it replayed no transaction since it started). */
export async function readReplicaLag(db: Kysely<DB>): Promise<number | null> {
  const { rows } = await sql<{ lag: number | null }>`
    select case
      when not pg_is_in_recovery() then 0
      when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
      else greatest(0, extract(epoch from now() - pg_last_xact_replay_timestamp()))
    end::float8 as lag`.execute(db)
  return rows[0]?.lag ?? null
}

/**
 * The read replica (DATABASE_READ_URL): a streaming standby of the primary PostgreSQL that the storefront's
 * reads go to, so that the busiest traffic, customers' own reads, leaves the primary. Which reads: every
 * read made with a customer token, and the storefront's own questions (items across segments, `match`,
 * category trees) whoever asks. Everything else stays on the primary: writes, operators' reads (which must
 * see their own writes), the outbox, delivery and rule evaluation. A replica lags its primary, so a
 * storefront read may not show a write yet (the replica lag metric says by how much).
 *
 * The replica has a pool and an availability of its own: while it is away, the reads that go to it answer
 * 503 and everything else goes on. A failed call is judged by the database it failed on, which is known
 * from the errors each database reports of itself.
 */
import type { DatabaseAvailability, OutageMessages } from './availability.js'
import type { Database } from './database.js'

export const REPLICA_OUTAGE: OutageMessages = {
  down: 'read replica unreachable; storefront reads answer 503 until it is back',
  up: 'read replica reachable again',
}

/** Judges failed calls (the error handler's `report`); `close` stops watching the replica. */
export interface FailureJudge extends Pick<DatabaseAvailability, 'report'> {
  close(): void
}

/** Judges each failure by the availability of the database it came from: the replica's own by the replica's. */
export function judgeByOrigin(primary: Database, replica: Database | undefined): FailureJudge {
  if (!replica) return { report: (error) => primary.availability.report(error), close: () => {} }
  const fromReplica = new WeakSet<object>()
  const close = replica.watchErrors((error) => {
    if (typeof error === 'object' && error !== null) fromReplica.add(error)
  })
  return {
    report: (error) => (typeof error === 'object' && error !== null && fromReplica.has(error) ? replica : primary).availability.report(error),
    close,
  }
}

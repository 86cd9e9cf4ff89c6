/**
 * Gauges of the read replica (DATABASE_READ_URL), read from it when Prometheus scrapes: whether it answers
 * and how far behind its primary it is, which is how stale a storefront read can be. One read serves both
 * gauges and every scrape within a second of it; a scrape waits for it at most `budgetMs`, so a replica
 * that is away never makes a scrape hang: `segments_database_replica_up` says 0 and the lag NaN.
 */
import { Gauge, type Registry } from 'prom-client'
import type { Database } from '../db/database.js'
import { readReplicaLag } from './read-replica-lag.js'

const BUDGET_MS = 2_000
const MAX_AGE_MS = 1_000

/** What one read found: the lag (NaN when unknown), or undefined when the replica did not answer in time. */
type Reading = { lagSeconds: number } | undefined

export function replicaMetrics(registry: Registry, replica: Database): void {
  let last: { at: number; reading: Reading } | undefined
  let current: Promise<Reading> | undefined

  async function read(): Promise<Reading> {
    // An outage the process knows of shows at once, whatever an earlier read found.
    if (!replica.availability.reachable) return undefined
    if (last && Date.now() - last.at < MAX_AGE_MS) return last.reading
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), BUDGET_MS)
    })
    const reading = readReplicaLag(replica.db).then(
      (lag): Reading => ({ lagSeconds: lag ?? Number.NaN }),
      (error: unknown) => {
        replica.availability.report(error)
        return undefined
      },
    )
    const result = await Promise.race([reading, late]).finally(() => clearTimeout(timer))
    last = { at: Date.now(), reading: result }
    return result
  }

  /** Both gauges of one scrape ask at once: one read for them. */
  function snapshot(): Promise<Reading> {
    current ??= read().finally(() => {
      setImmediate(() => {
        current = undefined
      })
    })
    return current
  }

  const registers = [registry]
  new Gauge({
    name: 'segments_database_replica_up',
    help: `Whether the read replica (DATABASE_READ_URL) answered this scrape's lag read (1) or not within ${BUDGET_MS / 1_000} s (0)`,
    registers,
    async collect() {
      this.set((await snapshot()) ? 1 : 0)
    },
  })
  new Gauge({
    name: 'segments_database_replica_lag_seconds',
    help: 'How far the read replica is behind the primary: 0 when it has replayed all it received, else the age of the last transaction it replayed; storefront reads may miss writes this recent',
    registers,
    async collect() {
      const reading = await snapshot()
      this.set(reading ? reading.lagSeconds : Number.NaN)
    },
  })
}

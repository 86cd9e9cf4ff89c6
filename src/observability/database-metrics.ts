/**
 * The database as this process uses it: each pool's connections (open, idle, callers waiting; PGlite's
 * one session counts as a pool of one) read at scrape time, and failed statements and connection
 * attempts counted by kind. Kinds tell an outage (`unreachable`), overload (`timeout`) and races the
 * service handles itself (`conflict`: constraint violations, serialization failures, deadlocks) from
 * anything else (`other`, worth a look).
 */
import { Counter, Gauge, type Registry } from 'prom-client'
import { isRetryableConflict, isUnreachable } from '../db/availability.js'
import type { Database } from '../db/database.js'

export type DatabaseErrorKind = 'unreachable' | 'timeout' | 'conflict' | 'other'

export interface DatabaseMetrics {
  /** Reports `database`'s pool as `pool` and counts its errors; returns the function that stops it. */
  watch(database: Database, pool: string): () => void
}

const QUERY_CANCELED = '57014'

export function errorKind(error: unknown): DatabaseErrorKind {
  if (isUnreachable(error)) return 'unreachable'
  const code = (error as { code?: unknown })?.code
  if (code === QUERY_CANCELED || /timeout/i.test((error as Error)?.message ?? '')) return 'timeout'
  if ((typeof code === 'string' && code.startsWith('23')) || isRetryableConflict(error)) return 'conflict'
  return 'other'
}

export function databaseMetrics(registry: Registry): DatabaseMetrics {
  const pools = new Map<string, Database>()
  const registers = [registry]
  const poolGauge = (name: string, help: string, read: (use: ReturnType<Database['poolUse']>) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['pool'] as const,
      registers,
      collect() {
        this.reset()
        for (const [pool, database] of pools) this.set({ pool }, read(database.poolUse()))
      },
    })
  poolGauge('segments_database_pool_connections', 'Connections the pool has open, idle and in use (PGlite: its one session)', (use) => use.total)
  poolGauge('segments_database_pool_idle_connections', 'Open connections of the pool no one uses now', (use) => use.idle)
  poolGauge('segments_database_pool_waiting', 'Callers waiting for a connection of the pool', (use) => use.waiting)
  poolGauge('segments_database_pool_max_connections', 'The most connections the pool opens (DATABASE_POOL_SIZE; DATABASE_READ_POOL_SIZE for the replica)', (use) => use.max)
  const errors = new Counter({
    name: 'segments_database_errors_total',
    help: 'Failed statements and connection attempts, by kind: unreachable, timeout, conflict (handled races) or other',
    labelNames: ['kind'] as const,
    registers,
  })
  for (const kind of ['unreachable', 'timeout', 'conflict', 'other']) errors.inc({ kind }, 0)

  return {
    watch(database, pool) {
      pools.set(pool, database)
      const unwatch = database.watchErrors((error) => errors.inc({ kind: errorKind(error) }))
      return () => {
        unwatch()
        if (pools.get(pool) === database) pools.delete(pool)
      }
    },
  }
}

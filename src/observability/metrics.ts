/**
 * The Prometheus metrics of one app or process: a registry of its own (never prom-client's global one,
 * so apps built side by side in one process keep theirs apart), the instruments the HTTP layer and the
 * delivery worker feed, the database's pools and errors, and the backlog gauges read at scrape time. A
 * scrape answers these and the process's own metrics (process-metrics.ts) in the text format.
 */
import type { FastifyInstance } from 'fastify'
import { Registry } from 'prom-client'
import type { Database } from '../db/database.js'
import { type BacklogOptions, backlogMetrics } from './backlog-metrics.js'
import { databaseMetrics } from './database-metrics.js'
import { type DeliveryMetrics, deliveryMetrics } from './delivery-metrics.js'
import { observeRequests } from './http-metrics.js'
import { processRegistry } from './process-metrics.js'
import { replicaMetrics } from './replica-metrics.js'

export type { DeliveryMetrics } from './delivery-metrics.js'

export interface Metrics {
  readonly delivery: DeliveryMetrics
  /** Times the responses of `app` by route and status. */
  observeRequests(app: FastifyInstance): void
  /** Reports another database's pool (the delivery engine's own, say) as `pool`; returns the function that stops it. */
  watchDatabase(database: Database, pool: string): () => void
  /** The exposition: its content type and text. */
  scrape(): Promise<{ contentType: string; body: string }>
}

export interface MetricsOptions extends BacklogOptions {
  /** The process's main database: its pool is `main`, and the backlog gauges read it. */
  database: Database
  /** The read replica (DATABASE_READ_URL), when there is one: its pool is `replica`, and its lag is read at scrape time. */
  replica?: Database
}

export function createMetrics({ database, replica, ...backlog }: MetricsOptions): Metrics {
  const registry = new Registry()
  const delivery = deliveryMetrics(registry)
  const pools = databaseMetrics(registry)
  pools.watch(database, 'main')
  backlogMetrics(registry, database, backlog)
  if (replica) {
    pools.watch(replica, 'replica')
    replicaMetrics(registry, replica)
  }
  let observing = false
  return {
    delivery,
    observeRequests(app) {
      if (observing) throw new Error('the requests of one app only: the route label would mix')
      observing = true
      observeRequests(app, registry)
    },
    watchDatabase: (other, pool) => pools.watch(other, pool),
    async scrape() {
      const [own, process] = await Promise.all([registry.metrics(), processRegistry().metrics()])
      return { contentType: registry.contentType, body: `${own}\n${process}` }
    },
  }
}

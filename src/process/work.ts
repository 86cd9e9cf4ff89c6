/**
 * A delivery-only process (`segments worker`): the dispatcher and a worker over the configured database,
 * without the HTTP API. Any number of them can share one PostgreSQL. Its metrics are served at /metrics on
 * METRICS_PORT when that is set (it has no other port). On SIGTERM/SIGINT it stops claiming, lets sends
 * under way finish (or leaves them to their leases) and closes the database.
 */
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import type { DeliveryEngine } from '../delivery/delivery-engine.js'
import { createMetrics } from '../observability/metrics.js'
import { startTracing, type Tracing } from '../observability/tracing.js'
import type { MetricsListener } from './metrics-listener.js'
import { migrateStore, openStore } from './open-store.js'
import { createLogger } from './logger.js'
import { closeOnSignals, describeEngine, listenForConfiguredMetrics, startConfiguredDelivery, tracingLine } from './serve.js'

export async function work(config: Config): Promise<void> {
  const log = createLogger(config)
  let running: { engine: DeliveryEngine; database: Database; metrics?: MetricsListener } | undefined
  let tracing: Tracing | undefined
  // From the start, so that a signal while starting stops what has started so far.
  closeOnSignals(log, async () => {
    await Promise.all([running?.engine.stop(), running?.metrics?.close()])
    await running?.database.close()
    await tracing?.shutdown()
  })
  tracing = await startTracing(config.tracing)
  if (tracing) log.info(tracingLine(config), 'tracing on (OTEL_* settings)')
  const database = await openStore(config, log, { tracing })
  try {
    await migrateStore(database, config)
    const metrics = createMetrics({ database })
    const engine = await startConfiguredDelivery(config, database, log, { metrics, tracing })
    running = { engine, database }
    running.metrics = await listenForConfiguredMetrics(config, metrics, database)
  } catch (error) {
    await running?.engine.stop()
    await database.close()
    throw error
  }
  const metricsUrl = running.metrics && `${running.metrics.url}/metrics`
  log.info({ workerId: running.engine.workerId, database: describeEngine(config), ...(metricsUrl ? { metrics: metricsUrl } : {}) }, 'delivery worker ready')
}

/**
 * A delivery-only process (`segments worker`): the dispatcher and a worker over the configured database,
 * without the HTTP API. Any number of them can share one PostgreSQL. On SIGTERM/SIGINT it stops claiming,
 * lets sends under way finish (or leaves them to their leases) and closes the database.
 */
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import type { DeliveryEngine } from '../delivery/delivery-engine.js'
import { migrateStore, openStore } from './open-store.js'
import { createLogger } from './logger.js'
import { closeOnSignals, describeEngine, startConfiguredDelivery } from './serve.js'

export async function work(config: Config): Promise<void> {
  const log = createLogger(config)
  let running: { engine: DeliveryEngine; database: Database } | undefined
  // From the start, so that a signal while starting stops what has started so far.
  closeOnSignals(log, async () => {
    await running?.engine.stop()
    await running?.database.close()
  })
  const database = await openStore(config, log)
  try {
    await migrateStore(database, config)
    running = { engine: await startConfiguredDelivery(config, database, log), database }
  } catch (error) {
    await database.close()
    throw error
  }
  log.info({ workerId: running.engine.workerId, database: describeEngine(config) }, 'delivery worker ready')
}

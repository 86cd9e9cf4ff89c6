/**
 * A delivery-only process (`segments worker`): the dispatcher and a worker over the configured database,
 * without the HTTP API. Any number of them can share one PostgreSQL. On SIGTERM/SIGINT it stops claiming,
 * lets sends under way finish (or leaves them to their leases) and closes the database.
 */
import type { Config } from '../config.js'
import { migrateStore, openStore } from './open-store.js'
import { createLogger } from './logger.js'
import { closeOnSignals, describeEngine, startConfiguredDelivery } from './serve.js'

export async function work(config: Config): Promise<void> {
  const log = createLogger(config)
  const database = await openStore(config, log)
  let engine: Awaited<ReturnType<typeof startConfiguredDelivery>>
  try {
    await migrateStore(database, config)
    engine = await startConfiguredDelivery(config, database, log)
  } catch (error) {
    await database.close()
    throw error
  }
  log.info({ workerId: engine.workerId, database: describeEngine(config) }, 'delivery worker ready')
  closeOnSignals(log, async () => {
    await engine.stop()
    await database.close()
  })
}

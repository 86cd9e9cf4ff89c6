/**
 * A delivery-only process (`segments worker`): the dispatcher and a worker over the configured database,
 * without the HTTP API. Any number of them can share one PostgreSQL. On SIGTERM/SIGINT it stops claiming,
 * lets sends under way finish (or leaves them to their leases) and closes the database.
 */
import closeWithGrace from 'close-with-grace'
import { pino } from 'pino'
import type { Config } from './config.js'
import { migrate } from './db/migrate.js'
import { loggerOptions, openConfiguredDatabase, startConfiguredDelivery } from './server.js'

export async function work(config: Config): Promise<void> {
  const log = pino(loggerOptions(config))
  const database = await openConfiguredDatabase(config, (error) => log.warn({ err: error }, 'idle database connection failed'))
  let engine: Awaited<ReturnType<typeof startConfiguredDelivery>>
  try {
    await migrate(database)
    engine = await startConfiguredDelivery(config, database, log)
  } catch (error) {
    await database.close()
    throw error
  }
  log.info({ engine: database.engine, workerId: engine.workerId }, 'delivery worker ready')
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error')
    else log.info({ signal }, 'shutting down')
    await engine.stop()
    await database.close()
  })
}

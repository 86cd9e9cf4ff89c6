/**
 * Starting and stopping the service: open the store, apply migrations, build the app, listen, and on
 * SIGTERM/SIGINT stop accepting requests, finish the ones in flight and close the database.
 */
import closeWithGrace from 'close-with-grace'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { resolveSigningSecret } from './auth/signing-key.js'
import { createTokenVerifier } from './auth/verify-token.js'
import type { Config } from './config.js'
import { type Database, openDatabase } from './db/database.js'
import { type DeliveryEngine, type DeliveryLog, startDeliveryEngine } from './delivery/delivery-engine.js'
import { migrate } from './db/migrate.js'
import { buildApp } from './http/app.js'

export function openConfiguredDatabase(config: Config, onIdleError?: (error: Error) => void): Promise<Database> {
  return config.databaseUrl
    ? openDatabase({ engine: 'postgres', url: config.databaseUrl, poolSize: config.databasePoolSize, onIdleError })
    : openDatabase({ engine: 'pglite', dataDir: config.dataDir })
}

/** Connections of the delivery engine's own pool beside the API: a claim, a flush (2) and a dispatch at once. */
const DELIVERY_POOL_SIZE = 6

/**
 * The delivery engine (dispatcher + worker) as configured. With `ownPool` on PostgreSQL it gets a pool of
 * its own, closed when it stops: API requests that queue for connections (behind a row lock, say) must
 * not hold up deliveries. PGlite is one connection either way.
 */
export async function startConfiguredDelivery(
  config: Config,
  database: Database,
  log: DeliveryLog,
  { ownPool = false } = {},
): Promise<DeliveryEngine> {
  const own =
    ownPool && config.databaseUrl
      ? await openDatabase({ engine: 'postgres', url: config.databaseUrl, poolSize: DELIVERY_POOL_SIZE, onIdleError: (err) => log.warn({ err }, 'idle database connection failed') })
      : undefined
  try {
    const engine = await startDeliveryEngine({ database: own ?? database, delivery: config.delivery, monthlyLimit: config.webhooksMonthlyLimit, log })
    if (!own) return engine
    return {
      workerId: engine.workerId,
      async stop(graceMs) {
        await engine.stop(graceMs)
        await own.close()
      },
    }
  } catch (error) {
    await own?.close()
    throw error
  }
}

export function loggerOptions(config: Config) {
  return {
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.secretKey'], censor: '[redacted]' },
  }
}

export interface RunningServer {
  app: FastifyInstance
  database: Database
  url: string
  /** The in-process delivery engine; absent with DELIVERY_WORKER=false. */
  delivery?: DeliveryEngine
  close(): Promise<void>
}

export async function startServer(config: Config): Promise<RunningServer> {
  let log: FastifyBaseLogger | undefined
  const database = await openConfiguredDatabase(config, (error) => log?.warn({ err: error }, 'idle database connection failed'))
  try {
    await migrate(database)
    const verifyToken = createTokenVerifier(config, resolveSigningSecret(config, { create: true }))
    const app = await buildApp({
      database,
      verifyToken,
      logger: loggerOptions(config),
      directoryStrict: config.directoryStrict,
      webhooksMonthlyLimit: config.webhooksMonthlyLimit,
    })
    log = app.log
    const url = await app.listen({ port: config.port, host: config.host })
    app.log.info({ engine: database.engine, dataDir: database.engine === 'pglite' ? config.dataDir : undefined }, 'customer segment service ready')
    let delivery: DeliveryEngine | undefined
    if (config.delivery.inProcess) {
      try {
        delivery = await startConfiguredDelivery(config, database, app.log, { ownPool: true })
      } catch (error) {
        await app.close()
        throw error
      }
    }
    return {
      app,
      database,
      url,
      delivery,
      async close() {
        // Requests and sends under way finish together; then nothing uses the database any more.
        await Promise.all([app.close(), delivery?.stop()])
        await database.close()
      },
    }
  } catch (error) {
    await database.close()
    throw error
  }
}

/** Runs until SIGTERM/SIGINT, then shuts down gracefully (or gives up after 10 s). */
export async function serve(config: Config): Promise<void> {
  const server = await startServer(config)
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) server.app.log.error({ err }, 'shutting down after an error')
    else server.app.log.info({ signal }, 'shutting down')
    await server.close()
  })
}

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
import { migrate } from './db/migrate.js'
import { buildApp } from './http/app.js'

export function openConfiguredDatabase(config: Config, onIdleError?: (error: Error) => void): Promise<Database> {
  return config.databaseUrl
    ? openDatabase({ engine: 'postgres', url: config.databaseUrl, poolSize: config.databasePoolSize, onIdleError })
    : openDatabase({ engine: 'pglite', dataDir: config.dataDir })
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
  close(): Promise<void>
}

export async function startServer(config: Config): Promise<RunningServer> {
  let log: FastifyBaseLogger | undefined
  const database = await openConfiguredDatabase(config, (error) => log?.warn({ err: error }, 'idle database connection failed'))
  try {
    await migrate(database)
    const verifyToken = createTokenVerifier(config, resolveSigningSecret(config, { create: true }))
    const app = await buildApp({ database, verifyToken, logger: loggerOptions(config), directoryStrict: config.directoryStrict })
    log = app.log
    const url = await app.listen({ port: config.port, host: config.host })
    app.log.info({ engine: database.engine, dataDir: database.engine === 'pglite' ? config.dataDir : undefined }, 'customer segment service ready')
    return {
      app,
      database,
      url,
      async close() {
        await app.close()
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

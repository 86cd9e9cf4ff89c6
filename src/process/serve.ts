/**
 * `segments serve`: check the port, open the store (waiting for a PostgreSQL that is still starting),
 * apply migrations, build the app, listen, and start the delivery engine; print one line saying where it
 * listens and on which engine. Its metrics are at /metrics on that port, and also on METRICS_PORT when set.
 * When the OTEL_* settings turn tracing on, the SDK is loaded first and the spans still buffered are sent
 * on the way out.
 * On SIGTERM/SIGINT it stops accepting requests, finishes the ones in flight and the sends under way, and
 * closes the database.
 */
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { resolveSigningKey } from '../auth/signing-key.js'
import { createTokenVerifier } from '../auth/verify-token.js'
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import { recordServiceUrl } from '../db/data-dir-lock.js'
import { type DeliveryEngine, type DeliveryLog, startDeliveryEngine } from '../delivery/delivery-engine.js'
import { buildApp } from '../http/app.js'
import { createMetrics, type Metrics } from '../observability/metrics.js'
import { startTracing, type Tracing } from '../observability/tracing.js'
import { type RuleEvaluator, startRuleEvaluator } from '../rules/rule-evaluator.js'
import { checkPortFree, explainListenFailure } from './listen-port.js'
import { createLogger } from './logger.js'
import { listenForMetrics, type MetricsListener } from './metrics-listener.js'
import { describePostgresUrl, migrateStore, openReadReplica, openStore } from './open-store.js'

/**
 * Connections of the background pool beside the API: a claim, a flush (2) and a dispatch at once, and a
 * rule evaluation.
 */
const DELIVERY_POOL_SIZE = 7
/** How long a stop waits for requests and sends under way before the process exits regardless. */
const SHUTDOWN_GRACE_MS = 10_000

/** Where the data is, for the start-up line. */
export function describeEngine(config: Config): string {
  if (!config.databaseUrl) return `embedded PostgreSQL in ${config.dataDir}`
  const replica = config.databaseReadUrl ? `, storefront reads from PostgreSQL ${describePostgresUrl(config.databaseReadUrl)}` : ''
  return `PostgreSQL ${describePostgresUrl(config.databaseUrl)}${replica}`
}

/**
 * The background work as configured: the delivery engine (dispatcher + worker) and the evaluator of segment
 * rules. With `ownPool` on PostgreSQL they get a pool of their own, closed when they stop: API requests that
 * queue for connections (behind a row lock, say) must not hold up deliveries. PGlite is one connection
 * either way. `metrics` counts the deliveries, and reports the own pool as `delivery`; `tracing` (when on)
 * traces the dispatcher's batches, the attempts and the statements they make.
 */
export async function startConfiguredDelivery(
  config: Config,
  database: Database,
  log: DeliveryLog & Logger,
  { ownPool = false, metrics, tracing }: { ownPool?: boolean; metrics?: Metrics; tracing?: Tracing } = {},
): Promise<DeliveryEngine> {
  const own = ownPool && config.databaseUrl ? await openStore(config, log, { availability: database.availability, poolSize: DELIVERY_POOL_SIZE, tracing }) : undefined
  const background = own ?? database
  const unwatch = own && metrics?.watchDatabase(own, 'delivery')
  try {
    const engine = await startDeliveryEngine({
      database: background,
      delivery: config.delivery,
      monthlyLimit: config.webhooksMonthlyLimit,
      log,
      metrics: metrics?.delivery,
      tracing: tracing?.delivery,
    })
    let evaluator: RuleEvaluator
    try {
      evaluator = await startRuleEvaluator({ database: background, log, ...config.rules })
    } catch (error) {
      await engine.stop()
      throw error
    }
    return {
      workerId: engine.workerId,
      async stop(graceMs) {
        await Promise.all([engine.stop(graceMs), evaluator.stop()])
        unwatch?.()
        await own?.close()
      },
    }
  } catch (error) {
    unwatch?.()
    await own?.close()
    throw error
  }
}

export interface RunningServer {
  app: FastifyInstance
  database: Database
  /** The read replica of DATABASE_READ_URL, when set. */
  replica?: Database
  url: string
  /** The in-process delivery engine; absent with DELIVERY_WORKER=false. */
  delivery?: DeliveryEngine
  /** The listener of METRICS_PORT, when set. */
  metrics?: MetricsListener
  close(): Promise<void>
}

/** The METRICS_PORT listener when the setting asks for one. */
export function listenForConfiguredMetrics(config: Config, metrics: Metrics, database: Database): Promise<MetricsListener | undefined> {
  const { port, token } = config.metrics
  if (port === undefined) return Promise.resolve(undefined)
  return listenForMetrics(metrics, { host: config.host, port, token, availability: database.availability })
}

export async function startServer(config: Config, log: Logger = createLogger(config), tracing?: Tracing): Promise<RunningServer> {
  await checkPortFree(config.host, config.port)
  const database = await openStore(config, log, { tracing })
  let replica: Database | undefined
  try {
    const applied = await migrateStore(database, config)
    if (applied.length > 0) log.debug({ migrations: applied }, 'applied migrations')
    replica = await openReadReplica(config, log, { tracing })
    const key = await resolveSigningKey(config, { create: true })
    const { issuer, audience, tokenTtlSeconds: ttlSeconds } = config.auth
    const metrics = createMetrics({ database, replica })
    const app = await buildApp({
      database,
      readDatabase: replica,
      verifyToken: createTokenVerifier(config, key),
      tokenIssuer: key && { key, ttlSeconds, issuer, audience },
      loggerInstance: log,
      directoryStrict: config.directoryStrict,
      defaultLanguage: config.defaultLanguage,
      webhooksMonthlyLimit: config.webhooksMonthlyLimit,
      limits: config.limits,
      http: config.http,
      allowPrivateDestinations: config.delivery.allowPrivate,
      destinationProbe: config.destinationProbe,
      metrics,
      metricsToken: config.metrics.token,
      tracing,
    })
    const where = describeEngine(config)
    const worker = config.delivery.inProcess ? 'delivery worker in this process' : 'no delivery worker (DELIVERY_WORKER=false)'
    let url: string
    try {
      url = await app.listen({ port: config.port, host: config.host, listenTextResolver: (address) => `listening on ${address} (${where}; ${worker})` })
    } catch (error) {
      await app.close()
      throw explainListenFailure(error, config.host, config.port) ?? error
    }
    // `segments import` finds the service through the data dir's lock, while the service holds it.
    if (!config.databaseUrl) recordServiceUrl(config.dataDir, url)
    let delivery: DeliveryEngine | undefined
    let metricsListener: MetricsListener | undefined
    try {
      if (config.delivery.inProcess) delivery = await startConfiguredDelivery(config, database, log, { ownPool: true, metrics, tracing })
      metricsListener = await listenForConfiguredMetrics(config, metrics, database)
    } catch (error) {
      await Promise.all([app.close(), delivery?.stop()])
      throw error
    }
    if (metricsListener) log.info({ url: `${metricsListener.url}/metrics` }, 'metrics listening (METRICS_PORT)')
    return {
      app,
      database,
      replica,
      url,
      delivery,
      metrics: metricsListener,
      async close() {
        // Requests and sends under way finish together; then nothing uses the database any more.
        await Promise.all([app.close(), delivery?.stop(), metricsListener?.close()])
        await Promise.all([database.close(), replica?.close()])
      },
    }
  } catch (error) {
    await Promise.all([database.close(), replica?.close()])
    throw error
  }
}

/** What the log says of tracing when it is on. */
export function tracingLine(config: Config): object {
  const { serviceName, otlpUrl, console } = config.tracing
  return { serviceName, ...(otlpUrl ? { otlp: otlpUrl } : {}), ...(console ? { console: true } : {}) }
}

/** Stops `close` on SIGTERM/SIGINT (or after an uncaught error), giving up after the grace period. */
export function closeOnSignals(log: Logger, close: () => Promise<void>): void {
  closeWithGrace({ delay: SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error')
    else log.info({ signal }, 'shutting down')
    await close()
  })
}

/**
 * Runs until SIGTERM/SIGINT, then shuts down gracefully. Signals are handled from the start: one that
 * arrives while the service is still starting stops what has started so far.
 */
export async function serve(config: Config): Promise<void> {
  const log = createLogger(config)
  let server: RunningServer | undefined
  let tracing: Tracing | undefined
  closeOnSignals(log, async () => {
    await server?.close()
    await tracing?.shutdown()
  })
  tracing = await startTracing(config.tracing)
  if (tracing) log.info(tracingLine(config), 'tracing on (OTEL_* settings)')
  server = await startServer(config, log, tracing)
}

/**
 * The engine matrix and a running app for behaviour suites. Every suite runs on PGlite (in memory);
 * when DATABASE_URL is set it runs on PostgreSQL too, each suite in a fresh database of its own.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before } from 'node:test'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import pg from 'pg'
import { pino } from 'pino'
import { mintToken, type TokenRequest } from '../../src/auth/mint-token.js'
import { SCOPES } from '../../src/auth/principal.js'
import { sharedSecret, type SigningKey } from '../../src/auth/signing-key.js'
import { createTokenVerifier } from '../../src/auth/verify-token.js'
import { type DestinationProbeSettings, type HttpSettings, type Limits, loadConfig } from '../../src/config.js'
import { type Database, type Engine, openDatabase } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { type DeliveryEngine, type DeliveryEngineOptions, startDeliveryEngine } from '../../src/delivery/delivery-engine.js'
import { buildApp } from '../../src/http/app.js'
import { createMetrics, type Metrics } from '../../src/observability/metrics.js'

export const ENGINES: Engine[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256'
const secret = new TextEncoder().encode(TEST_SECRET)

export const ALL_SCOPES = [SCOPES.segmentManage, SCOPES.segmentRead, SCOPES.webhookManage, SCOPES.webhookRead, SCOPES.clientManage]

/** The lifetime of the tokens /oauth/token issues in tests. */
export const TEST_TOKEN_TTL_SECONDS = 3_600

/** Creates an empty PostgreSQL database for one suite; returns its URL and a function dropping it. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new URL(process.env.DATABASE_URL as string)
  const name = `css_test_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: admin.toString() })
  await client.connect()
  await client.query(`create database ${name}`)
  await client.end()
  const url = new URL(admin)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin.toString() })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}

/** `url` is the PostgreSQL database's (for processes of their own); PGlite in memory has none. */
export async function openTestDatabase(engine: Engine): Promise<{ database: Database; dispose: () => Promise<void>; url?: string }> {
  if (engine === 'pglite') {
    const database = await openDatabase({ engine: 'pglite' })
    await migrate(database)
    return { database, dispose: () => database.close() }
  }
  const { url, drop } = await freshPostgresDatabase()
  const database = await openDatabase({ engine: 'postgres', url, poolSize: 5 })
  await migrate(database)
  return {
    database,
    url,
    dispose: async () => {
      await database.close()
      await drop()
    },
  }
}

/** A database of the suite's own on `engine`, opened before its tests and closed after them. */
export function suiteDatabase(engine: Engine): { readonly database: Database } {
  let opened: Awaited<ReturnType<typeof openTestDatabase>> | undefined
  before(async () => {
    opened = await openTestDatabase(engine)
  })
  after(() => opened?.dispose())
  return {
    get database() {
      if (!opened) throw new Error('the suite database is opened before the tests')
      return opened.database
    },
  }
}

export interface TestApp {
  app: FastifyInstance
  database: Database
  engine: Engine
  /** A token for `tenant` (default `acme`) with the given scopes (default: all non-customer scopes). */
  token(request?: Partial<TokenRequest>): Promise<string>
  /** `app.inject` with a bearer token for tenant `acme` and all scopes unless `token` is given (null: none). */
  call(options: InjectOptions & { token?: string | null }): Promise<LightMyRequestResponse>
  /** The running delivery engine, when the app was started with `delivery`. */
  delivery?: DeliveryEngine
  /** On PostgreSQL: the URL of the suite's database, for processes of their own. */
  databaseUrl?: string
  close(): Promise<void>
}

export interface TestAppOptions {
  /** Refuse assignments of ids the directory does not know (`buildApp({ directoryStrict })`). */
  directoryStrict?: boolean
  /** The language localized fields fall back to (`buildApp({ defaultLanguage })`, default `en`). */
  defaultLanguage?: string
  /** Webhook destinations on loopback and private addresses may be configured (default true: receivers run on loopback). */
  allowPrivateDestinations?: boolean
  /** What one request may ask (default: the settings' defaults). */
  limits?: Limits
  /** HTTP settings (timeouts, the tenant rate limit); default: the settings' defaults. */
  http?: HttpSettings
  /** Run a delivery engine (dispatcher + worker) beside the app; stopped by `close()`. */
  delivery?: TestDeliveryOptions
  /** Probe new webhook destinations (default off: many tests name destinations where nothing listens). */
  destinationProbe?: DestinationProbeSettings
  /** The key the app signs and verifies its tokens with (default: HS256 with TEST_SECRET). */
  signingKey?: SigningKey
  /** `/metrics` takes only this bearer token (METRICS_TOKEN); default open. */
  metricsToken?: string
}

/** A delivery engine for tests: private addresses allowed (receivers are on loopback), short retries. */
export interface TestDeliveryOptions {
  /** Default {@link TEST_RETRY_DELAYS_MS}. */
  retryDelaysMs?: readonly number[]
  concurrency?: number
  targetConcurrency?: number
  monthlyLimit?: number
  allowPrivate?: boolean
  attemptTimeoutMs?: number
  leaseMs?: number
  pollMs?: number
  secretGraceMs?: number
  /** Retention (default: off, so suites read every delivery they made), and how often it runs. */
  retentionMs?: number
  retentionIntervalMs?: number
  /** The time each range of the attempt log covers (default a day). */
  attemptPartitionMs?: number
  /** Where the engine logs (default: pino at TEST_LOG_LEVEL, silent unless set). */
  log?: DeliveryEngineOptions['log']
}

/** 8 attempts within about 6 s. */
export const TEST_RETRY_DELAYS_MS = [50, 100, 200, 400, 800, 1600, 3200]

/** Starts a delivery engine on `database` (logs at TEST_LOG_LEVEL, silent by default), counting into `metrics`. */
export function startTestDelivery(database: Database, options: TestDeliveryOptions = {}, metrics?: Metrics): Promise<DeliveryEngine> {
  const settings: DeliveryEngineOptions = {
    database,
    delivery: {
      inProcess: true,
      allowPrivate: options.allowPrivate ?? true,
      concurrency: options.concurrency ?? 16,
      targetConcurrency: options.targetConcurrency ?? 4,
      secretGraceMs: options.secretGraceMs ?? 24 * 3_600_000,
      retentionMs: options.retentionMs ?? 0,
    },
    monthlyLimit: options.monthlyLimit,
    log: options.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    retryDelaysMs: options.retryDelaysMs ?? TEST_RETRY_DELAYS_MS,
    attemptTimeoutMs: options.attemptTimeoutMs,
    leaseMs: options.leaseMs,
    pollMs: options.pollMs,
    retentionIntervalMs: options.retentionIntervalMs,
    attemptPartitionMs: options.attemptPartitionMs,
    metrics: metrics?.delivery,
  }
  return startDeliveryEngine(settings)
}

/**
 * Watches every answer of `app` for a status its route does not document (answers of no route, such as
 * an unknown path's 404, are the server's own and documented as such). Every suite thereby checks the
 * OpenAPI document against what the routes really answer; `close()` asserts nothing was found.
 */
function recordUndocumentedStatuses(app: FastifyInstance): Set<string> {
  const found = new Set<string>()
  app.addHook('onResponse', async (request, reply) => {
    const responses = request.routeOptions.schema?.response as Record<string, unknown> | undefined
    if (!responses || request.routeOptions.url === undefined) return
    const status = String(reply.statusCode)
    // A 500 is a failure, documented nowhere; tests that cause one on purpose assert it themselves.
    if (status === '500') return
    if (!(status in responses) && !(`${status[0]}xx` in responses) && !('default' in responses)) {
      found.add(`${request.method} ${request.routeOptions.url} answered ${status}`)
    }
  })
  return found
}

export async function startTestApp(engine: Engine, options: TestAppOptions = {}): Promise<TestApp> {
  const { database, dispose, url } = await openTestDatabase(engine)
  return Object.assign(await appOn(database, engine, options, dispose), { databaseUrl: url })
}

/**
 * A second app over the database of `t`, built with other options (e.g. strict directory mode): far
 * cheaper than a database of its own. Closing it closes only the app; `t` owns the database.
 */
export async function siblingApp(t: TestApp, options: TestAppOptions): Promise<TestApp> {
  return appOn(t.database, t.engine, options, async () => {})
}

async function appOn(database: Database, engine: Engine, options: TestAppOptions, dispose: () => Promise<void>): Promise<TestApp> {
  const config = loadConfig({ AUTH_SECRET: TEST_SECRET })
  const key = options.signingKey ?? sharedSecret(secret, 'TEST_SECRET')
  // As `segments serve` does: the app and its delivery engine count into one registry.
  const metrics = createMetrics({ database })
  const app = await buildApp({
    database,
    verifyToken: createTokenVerifier(config, key),
    tokenIssuer: { key, ttlSeconds: TEST_TOKEN_TTL_SECONDS },
    directoryStrict: options.directoryStrict,
    defaultLanguage: options.defaultLanguage,
    allowPrivateDestinations: options.allowPrivateDestinations ?? true,
    limits: options.limits,
    http: options.http,
    destinationProbe: options.destinationProbe,
    metrics,
    metricsToken: options.metricsToken,
  })
  const undocumented = recordUndocumentedStatuses(app)
  await app.ready()
  const token = (request: Partial<TokenRequest> = {}) => mintToken(key, { tenant: 'acme', scopes: ALL_SCOPES, ...request })
  const defaultToken = await token()
  const delivery = options.delivery ? await startTestDelivery(database, options.delivery, metrics) : undefined
  return {
    app,
    database,
    engine,
    delivery,
    token,
    async call({ token: given, headers, ...options }) {
      const bearer = given === undefined ? defaultToken : given
      return app.inject({ ...options, headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers } })
    },
    async close() {
      await delivery?.stop(1_000)
      await app.close()
      await dispose()
      assert.deepEqual([...undocumented], [], 'every status a route answers is in its OpenAPI responses')
    },
  }
}

/**
 * Opening the configured store at start-up, with failures a person can act on: a PostgreSQL server that
 * is not up yet is waited for (DATABASE_START_TIMEOUT_MS); a wrong host, role, password or database
 * name, or a data dir that cannot be used, ends start-up with one message that names the setting.
 */
import type { Config } from '../config.js'
import { type AvailabilityLog, type DatabaseAvailability, describeFailure } from '../db/availability.js'
import { type Database, openDatabase, probePostgres } from '../db/database.js'
import { migrate } from '../db/migrate.js'
import { REPLICA_OUTAGE } from '../db/read-replica.js'
import type { Tracing } from '../observability/tracing.js'
import { StartupError } from './startup-error.js'

export interface StoreLog extends AvailabilityLog {
  info(details: object, message: string): void
}

export interface OpenStoreOptions {
  /** Shared with the process's other pools (one outage warning per process). */
  availability?: DatabaseAvailability
  poolSize?: number
  /** The process's tracing, when on: a span per statement of a traced operation. */
  tracing?: Tracing
}

/** `user@host:port/database` of a PostgreSQL URL: enough to find it, without the password. */
export function describePostgresUrl(url: string): string {
  const parsed = new URL(url)
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : ''
  return `${user}${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname === '/' ? '' : parsed.pathname}`
}

/** Failures of a server that may simply not be up yet, worth waiting for. */
const NOT_UP_YET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P03'])

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code
  if (typeof code === 'string') return code
  const inner = (error as { errors?: unknown[] })?.errors?.[0] ?? (error as { cause?: unknown })?.cause
  return inner === undefined ? undefined : codeOf(inner)
}

function notUpYet(error: unknown): boolean {
  const code = codeOf(error)
  if (code !== undefined) return NOT_UP_YET.has(code)
  return /^Connection terminated|timeout/i.test((error as Error)?.message ?? '')
}

/** One message for a connection PostgreSQL refused, saying what to change. */
export function explainPostgresFailure(error: unknown, url: string, setting = 'DATABASE_URL'): string {
  const parsed = new URL(url)
  const where = describePostgresUrl(url)
  const database = decodeURIComponent(parsed.pathname.slice(1)) || decodeURIComponent(parsed.username) || 'postgres'
  const role = decodeURIComponent(parsed.username) || 'the default role'
  const { error: message } = describeFailure(error)
  switch (codeOf(error)) {
    case '3D000':
      return `The database "${database}" does not exist on the PostgreSQL server in ${setting} (${where}). Create it (createdb ${database}) or fix the database name in ${setting}.`
    case '28P01':
    case '28000':
      return `PostgreSQL refused the login of ${role} (${setting}: ${where}): ${message}. Fix the user or password in ${setting}, or the server's pg_hba.conf.`
    case '42501':
      return `The role ${role} lacks a privilege the service needs (${setting}: ${where}): ${message}. It must be able to create tables in the database.`
    case 'ENOTFOUND':
      return `The host "${parsed.hostname}" in ${setting} cannot be resolved. Fix the host in ${setting}.`
    case 'ECONNREFUSED':
      return `Nothing accepts connections at ${parsed.hostname}:${parsed.port || '5432'} (${setting}: ${where}). Start PostgreSQL there, or fix the host and port in ${setting}.`
  }
  return `Cannot use the PostgreSQL server in ${setting} (${where}): ${message}.`
}

/** Waits until the server at `url` answers, or throws a StartupError once it cannot or `timeoutMs` has passed. */
async function waitForPostgres(config: Config, url: string, log: StoreLog, setting = 'DATABASE_URL'): Promise<void> {
  const deadline = Date.now() + config.databaseStartTimeoutMs
  let told = false
  let delay = 250
  for (;;) {
    try {
      await probePostgres(url, config.databaseAcquireTimeoutMs)
      if (told) log.info({ database: describePostgresUrl(url), setting }, 'PostgreSQL accepts connections')
      return
    } catch (error) {
      const left = deadline - Date.now()
      if (!notUpYet(error)) throw new StartupError(explainPostgresFailure(error, url, setting))
      if (left <= 0) {
        const seconds = Math.round(config.databaseStartTimeoutMs / 1000)
        throw new StartupError(`${explainPostgresFailure(error, url, setting)} Waited ${seconds} s (DATABASE_START_TIMEOUT_MS).`)
      }
      if (!told) {
        told = true
        log.warn(
          { database: describePostgresUrl(url), setting, ...describeFailure(error), waitMs: config.databaseStartTimeoutMs },
          'waiting for PostgreSQL to accept connections (DATABASE_START_TIMEOUT_MS)',
        )
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)))
      delay = Math.min(2_000, delay * 2)
    }
  }
}

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else the embedded engine in DATA_DIR. */
export async function openStore(config: Config, log: StoreLog, options: OpenStoreOptions = {}): Promise<Database> {
  const url = config.databaseUrl
  if (!url) {
    try {
      return await openDatabase({
        engine: 'pglite',
        dataDir: config.dataDir,
        sharedBuffersMb: config.embeddedSharedBuffersMb,
        randomPageCost: config.databaseRandomPageCost,
        tracing: options.tracing,
      })
    } catch (error) {
      if (error instanceof StartupError) throw error
      const code = codeOf(error)
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'ENOSPC') {
        throw new StartupError(`The data directory ${config.dataDir} (DATA_DIR) cannot be used: ${describeFailure(error).error}. Set DATA_DIR to a folder this user can write.`)
      }
      throw error
    }
  }
  await waitForPostgres(config, url, log)
  return openDatabase({
    engine: 'postgres',
    url,
    poolSize: options.poolSize ?? config.databasePoolSize,
    acquireTimeoutMs: config.databaseAcquireTimeoutMs,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    randomPageCost: config.databaseRandomPageCost,
    availability: options.availability,
    log,
    tracing: options.tracing,
  })
}

/**
 * Opens the read replica of DATABASE_READ_URL, when set: waited for at start like the primary, with a pool
 * (DATABASE_READ_POOL_SIZE) and an availability of its own, whose outages log lines of their own.
 */
export async function openReadReplica(config: Config, log: StoreLog, options: Pick<OpenStoreOptions, 'tracing'> = {}): Promise<Database | undefined> {
  const url = config.databaseReadUrl
  if (!url) return undefined
  await waitForPostgres(config, url, log, 'DATABASE_READ_URL')
  return openDatabase({
    engine: 'postgres',
    url,
    poolSize: config.databaseReadPoolSize,
    acquireTimeoutMs: config.databaseAcquireTimeoutMs,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    randomPageCost: config.databaseRandomPageCost,
    log,
    outageMessages: REPLICA_OUTAGE,
    tracing: options.tracing,
  })
}

/** Applies pending migrations; a refusal by the server (a missing privilege, say) becomes a StartupError. */
export async function migrateStore(database: Database, config: Config): Promise<string[]> {
  try {
    return await migrate(database)
  } catch (error) {
    const code = codeOf(error)
    if (config.databaseUrl && code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
      throw new StartupError(`Applying the database migrations failed. ${explainPostgresFailure(error, config.databaseUrl)}`)
    }
    throw error
  }
}

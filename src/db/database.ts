/**
 * Opens the store on one of its two engines: embedded PGlite (data in DATA_DIR) or a PostgreSQL server
 * through `pg`. Both speak the same SQL; everything above this module is engine-agnostic.
 */
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { alwaysReachable, type AvailabilityLog, type DatabaseAvailability, type OutageMessages, trackAvailability } from './availability.js'
import { lockDataDir } from './data-dir-lock.js'
import { PGliteDialect } from './pglite-dialect.js'
import { initDataDir } from './pglite-init.js'
import { clientConfig, createPostgresPool, type PoolUse } from './postgres-pool.js'
import type { DB } from './schema.js'
import type { Tracing } from '../observability/tracing.js'

export type Engine = 'pglite' | 'postgres'

export interface Database {
  readonly db: Kysely<DB>
  readonly engine: Engine
  /** Whether the database can be reached; every user of this database reports its failures here. */
  readonly availability: DatabaseAvailability
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>
  /**
   * Calls `onNotify` for each NOTIFY on `channel` (a lower-case identifier) until the returned function
   * is called. On PostgreSQL one dedicated connection listens and reconnects when dropped (with a
   * capped, jittered backoff); after a reconnect every listener is called once, since notifications
   * sent meanwhile are lost, so that listeners catch up by looking for work.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>
  /** The connections of this database's pool as they are now (PGlite: its one session). */
  poolUse(): PoolUse
  /**
   * Calls `onError` with every statement that fails and every connection that cannot be had, until the
   * returned function is called (the database errors metric).
   */
  watchErrors(onError: (error: unknown) => void): () => void
  close(): Promise<void>
}

export type DatabaseOptions =
  | {
      engine: 'postgres'
      url: string
      poolSize?: number
      /** Longest wait for a pooled connection, opening one included (default 5 s). */
      acquireTimeoutMs?: number
      /** Longest a statement may run (default 30 s). */
      statementTimeoutMs?: number
      /** The planner's cost of reading a page out of order, on this pool's sessions (default 1.1). */
      randomPageCost?: number
      /** Shared with other pools of the same process; by default one of its own, logging to `log`. */
      availability?: DatabaseAvailability
      log?: AvailabilityLog
      /** What an outage of this database logs, when its availability is its own (default: the primary's lines). */
      outageMessages?: OutageMessages
      /** A span per statement made in a traced operation (when tracing is on). */
      tracing?: Pick<Tracing, 'traceStatements'>
    }
  /**
   * `dataDir` undefined means an in-memory database (tests). `sharedBuffersMb` is PostgreSQL's buffer
   * cache inside the process (default 32; PostgreSQL's own default, 128, would hold 100 MB more for good).
   */
  | { engine: 'pglite'; dataDir?: string; sharedBuffersMb?: number; randomPageCost?: number; tracing?: Pick<Tracing, 'traceStatements'> }

const INT8_OID = 20
const TIMESTAMPTZ_OID = 1184
const DEFAULT_ACQUIRE_TIMEOUT_MS = 5_000
const DEFAULT_SHARED_BUFFERS_MB = 32
const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000
/**
 * The service reads by key, from tables it expects cached or on solid-state storage: a page read out of
 * order costs about what the next page does. With PostgreSQL's default (4, for spinning disks) the
 * planner reads a small table through rather than probe its index: a customer's item list then scanned
 * the whole category directory once for each category on the page.
 */
export const DEFAULT_RANDOM_PAGE_COST = 1.1

/**
 * PGlite reads timestamptz text with `new Date`, whose legacy parser takes years 1-99 for 1950-2049
 * (0001-01-01 comes back as 2001); the same text rewritten to ISO 8601 keeps every year exact.
 */
export function parseTimestamptz(text: string): Date {
  const match = /^(\d{4})-(\d\d)-(\d\d) (\d\d:\d\d:\d\d)(?:\.(\d+))?([+-]\d\d)(?::(\d\d))?$/.exec(text)
  if (!match) return new Date(text)
  const [, year, month, day, time, fraction = '', offsetHours, offsetMinutes = '00'] = match
  return new Date(`${year}-${month}-${day}T${time}.${fraction.padEnd(3, '0').slice(0, 3)}${offsetHours}:${offsetMinutes}`)
}

type Listen = Database['listen']

/** Who is told of failed statements; the engines call `report` on every failure. */
class ErrorWatchers {
  readonly #watchers = new Set<(error: unknown) => void>()

  readonly report = (error: unknown): void => {
    for (const watcher of this.#watchers) watcher(error)
  }

  watch(onError: (error: unknown) => void): () => void {
    this.#watchers.add(onError)
    return () => this.#watchers.delete(onError)
  }
}

interface Parts {
  db: Kysely<DB>
  engine: Engine
  availability: DatabaseAvailability
  listen: Listen
  poolUse: () => PoolUse
  errors: ErrorWatchers
  onClose: () => Promise<void>
}

function wrap({ db, engine, availability, listen, poolUse, errors, onClose }: Parts): Database {
  return {
    db,
    engine,
    availability,
    async ping() {
      await sql`select 1`.execute(db)
    },
    listen,
    poolUse,
    watchErrors: (onError) => errors.watch(onError),
    async close() {
      await db.destroy()
      await onClose()
    },
  }
}

const CHANNEL = /^[a-z_][a-z0-9_]*$/

function checkChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new TypeError(`'${channel}' is not a plain lower-case channel name`)
}

/** Listeners by channel, shared by both engines' listen implementations. */
class Listeners {
  readonly #byChannel = new Map<string, Set<(payload: string) => void>>()

  channels(): string[] {
    return [...this.#byChannel.keys()]
  }

  /** Returns true when this is the channel's first listener. */
  add(channel: string, listener: (payload: string) => void): boolean {
    const set = this.#byChannel.get(channel)
    if (set) {
      set.add(listener)
      return false
    }
    this.#byChannel.set(channel, new Set([listener]))
    return true
  }

  /** Returns true when the channel has no listener left. */
  remove(channel: string, listener: (payload: string) => void): boolean {
    const set = this.#byChannel.get(channel)
    if (!set?.delete(listener) || set.size > 0) return false
    this.#byChannel.delete(channel)
    return true
  }

  notify(channel: string, payload: string): void {
    for (const listener of this.#byChannel.get(channel) ?? []) listener(payload)
  }

  notifyAll(): void {
    for (const channel of this.channels()) this.notify(channel, '')
  }
}

const RECONNECT_MIN_MS = 100
const RECONNECT_MAX_MS = 5_000

/**
 * LISTEN on PostgreSQL through one connection of its own (a pooled one would be handed to other queries).
 * When the connection drops, it reconnects with a growing, jittered delay and listens again.
 */
function postgresListener(url: string, connectTimeoutMs: number, availability: DatabaseAvailability): { listen: Listen; close(): Promise<void> } {
  const listeners = new Listeners()
  let client: pg.Client | undefined
  let connecting: Promise<pg.Client> | undefined
  let failures = 0
  let retry: NodeJS.Timeout | undefined
  let closed = false

  const quoted = (channel: string) => `"${channel}"`

  function connect(): Promise<pg.Client> {
    if (client) return Promise.resolve(client)
    connecting ??= (async () => {
      const next = new pg.Client(clientConfig(url, connectTimeoutMs))
      next.on('notification', (message) => listeners.notify(message.channel, message.payload ?? ''))
      next.on('error', (error) => dropped(next, error))
      next.on('end', () => dropped(next))
      try {
        await next.connect()
        for (const channel of listeners.channels()) await next.query(`listen ${quoted(channel)}`)
      } catch (error) {
        next.removeAllListeners('end')
        await next.end().catch(() => {})
        throw error
      }
      if (closed) {
        await next.end()
        throw new Error('listener closed')
      }
      client = next
      availability.reached()
      if (failures > 0) listeners.notifyAll()
      failures = 0
      return next
    })().finally(() => {
      connecting = undefined
    })
    return connecting
  }

  function dropped(which: pg.Client, error?: Error): void {
    if (client !== which) return
    client = undefined
    which.removeAllListeners('end')
    which.end().catch(() => {})
    availability.report(error ?? new Error('Connection terminated unexpectedly'))
    reconnectLater()
  }

  function reconnectLater(): void {
    if (closed || retry) return
    const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** failures)
    failures += 1
    retry = setTimeout(() => {
      retry = undefined
      connect().catch((error: Error) => {
        if (closed) return
        availability.report(error)
        reconnectLater()
      })
    }, ceiling / 2 + (ceiling / 2) * Math.random())
    retry.unref()
  }

  // One statement at a time on the connection: pg deprecates a query sent while another is under way, which
  // listeners added together (the delivery engine's two channels) would do.
  let statements: Promise<unknown> = Promise.resolve()
  const inTurn = <T>(run: () => Promise<T>): Promise<T> => {
    const next = statements.then(run, run)
    statements = next.catch(() => {})
    return next
  }

  return {
    async listen(channel, onNotify) {
      checkChannel(channel)
      if (listeners.add(channel, onNotify)) {
        try {
          // LISTEN twice is harmless; a connection being opened may have listed the channels before this one.
          await inTurn(async () => (await connect()).query(`listen ${quoted(channel)}`))
        } catch (error) {
          listeners.remove(channel, onNotify)
          throw error
        }
      }
      return async () => {
        if (listeners.remove(channel, onNotify)) await inTurn(async () => client?.query(`unlisten ${quoted(channel)}`)).catch(() => {})
      }
    },
    async close() {
      closed = true
      clearTimeout(retry)
      await connecting?.catch(() => {})
      const last = client
      client = undefined
      if (last) {
        last.removeAllListeners('end')
        await last.end().catch(() => {})
      }
    },
  }
}

/** Answers when the server at `url` accepts a connection and a trivial query on it. */
export async function probePostgres(url: string, connectTimeoutMs: number): Promise<void> {
  const client = new pg.Client(clientConfig(url, connectTimeoutMs))
  // A server going away while the probe runs must not surface as an uncaught 'error' event.
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query('select 1')
  } finally {
    await client.end().catch(() => {})
  }
}

const quiet: AvailabilityLog = { warn: () => {} }

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.engine === 'postgres') {
    const { url, acquireTimeoutMs = DEFAULT_ACQUIRE_TIMEOUT_MS } = options
    const availability =
      options.availability ??
      trackAvailability({ probe: () => probePostgres(url, acquireTimeoutMs), log: options.log ?? quiet, messages: options.outageMessages })
    const errors = new ErrorWatchers()
    const pool = createPostgresPool({
      url,
      size: options.poolSize ?? 10,
      acquireTimeoutMs,
      statementTimeoutMs: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
      randomPageCost: options.randomPageCost ?? DEFAULT_RANDOM_PAGE_COST,
      availability,
      onError: errors.report,
    })
    const postgres = new PostgresDialect({ pool })
    const db = new Kysely<DB>({ dialect: options.tracing?.traceStatements(postgres, 'postgres') ?? postgres })
    const listener = postgresListener(url, acquireTimeoutMs, availability)
    return wrap({
      db,
      engine: 'postgres',
      availability,
      listen: listener.listen,
      poolUse: pool.use,
      errors,
      onClose: async () => {
        await listener.close()
        if (!options.availability) availability.close()
      },
    })
  }
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => {}
  try {
    const pgdata = options.dataDir ? join(options.dataDir, 'pgdata') : undefined
    if (pgdata) await initDataDir(pgdata)
    const pglite = await PGlite.create(pgdata, {
      parsers: { [INT8_OID]: Number, [TIMESTAMPTZ_OID]: parseTimestamptz },
      startParams: [
        ...PGlite.defaultStartParams,
        ...['-c', `shared_buffers=${options.sharedBuffersMb ?? DEFAULT_SHARED_BUFFERS_MB}MB`],
        ...['-c', `random_page_cost=${options.randomPageCost ?? DEFAULT_RANDOM_PAGE_COST}`],
      ],
    })
    const errors = new ErrorWatchers()
    const dialect = new PGliteDialect(pglite, errors.report)
    const db = new Kysely<DB>({ dialect: options.tracing?.traceStatements(dialect, 'pglite') ?? dialect })
    const listeners = new Listeners()
    pglite.onNotification((channel, payload) => listeners.notify(channel, payload))
    // LISTEN goes through the dialect's mutex, so it never lands inside another caller's transaction.
    const listen: Listen = async (channel, onNotify) => {
      checkChannel(channel)
      if (listeners.add(channel, onNotify)) await sql.raw(`listen "${channel}"`).execute(db)
      return async () => {
        if (listeners.remove(channel, onNotify)) await sql.raw(`unlisten "${channel}"`).execute(db)
      }
    }
    return wrap({
      db,
      engine: 'pglite',
      availability: alwaysReachable,
      listen,
      poolUse: () => dialect.use(),
      errors,
      onClose: async () => {
        await pglite.close()
        unlock()
      },
    })
  } catch (error) {
    unlock()
    throw error
  }
}

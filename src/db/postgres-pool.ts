/**
 * The `pg` connection pool, hardened for a database that can go away:
 * - every connection has an error listener for its whole life, checked out or idle, so a server restart
 *   or a dropped connection is reported (to the availability tracker) instead of ending the process;
 * - waiting for a connection, and each statement, have time limits (a statement the server does not
 *   answer at all, as behind a cut network, fails a little after the server-side limit);
 * - a connection whose statement failed for a connection reason is destroyed, never reused;
 * - statements marked `PREPARED` (prepared-statement.ts) are sent as named prepared statements;
 * - a transaction's BEGIN waits to go out with its first statement, written together without waiting for
 *   its answer (pg's pipeline mode), so a transaction costs one round trip to the database less.
 * Failed statements and connection attempts are also told to `onError` (the database errors metric), and
 * the pool says how many connections it has and how many callers wait (the pool metrics).
 */
import type { PostgresPool, PostgresPoolClient } from 'kysely'
import pg from 'pg'
import type { DatabaseAvailability } from './availability.js'
import { ConnectionRefused, isUnreachable } from './availability.js'
import { preparedName } from './prepared-statement.js'

const INT8_OID = 20

export const APPLICATION_NAME = 'customer-segment-service'

export interface PostgresPoolOptions {
  url: string
  size: number
  /** Longest wait for a connection, opening one included. */
  acquireTimeoutMs: number
  /** Longest a statement may run; the server cancels it after this. */
  statementTimeoutMs: number
  /** The planner's `random_page_cost` on the pool's sessions. */
  randomPageCost: number
  availability: DatabaseAvailability
  /** Told of every failed statement and failed attempt to get a connection. */
  onError?: (error: unknown) => void
}

/** A pool's connections as they are now. */
export interface PoolUse {
  /** Connections open (idle and in use). */
  total: number
  idle: number
  /** Callers waiting for a connection. */
  waiting: number
  /** The most connections the pool opens. */
  max: number
}

/** How much longer than the server-side limit the client waits for an answer before it gives up. */
const READ_GRACE_MS = 2_000
/** A transaction left open and idle this long (a frozen process) is ended by the server, its locks freed. */
const IDLE_IN_TRANSACTION_MS = 60_000

/** Connection settings shared by the pool and the single connections (LISTEN, probes) beside it. */
export function clientConfig(url: string, connectTimeoutMs: number): pg.ClientConfig {
  return {
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: APPLICATION_NAME,
    // Sequences are bigint; they stay far below 2^53, so numbers are safe and simpler for callers.
    types: { getTypeParser: (oid, format) => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) } as pg.CustomTypesConfig,
  }
}

export function createPostgresPool({
  url,
  size,
  acquireTimeoutMs,
  statementTimeoutMs,
  randomPageCost,
  availability,
  onError = () => {},
}: PostgresPoolOptions): PostgresPool & { use(): PoolUse } {
  const pool = new pg.Pool({
    ...clientConfig(url, acquireTimeoutMs),
    max: size,
    pipeline: true,
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + READ_GRACE_MS,
    options: `-c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_MS} -c random_page_cost=${randomPageCost}`,
  })
  pool.on('connect', (client) => {
    // pg-pool listens for errors only while a connection is idle; one that fails while checked out
    // (a restart between two statements of a transaction) would otherwise throw an uncaught error.
    client.on('error', (error) => {
      availability.report(error)
      onError(error)
    })
    availability.reached()
  })
  pool.on('error', (error) => availability.report(error))

  return {
    async connect(): Promise<PostgresPoolClient> {
      let client: pg.PoolClient
      try {
        client = await pool.connect()
      } catch (error) {
        onError(error)
        throw refusedConnection(error)
      }
      let broken = false
      /** The BEGIN (or START TRANSACTION) not sent yet. */
      let begin: string | undefined
      const send = (text: string, parameters?: readonly unknown[]) => {
        const name = preparedName(text)
        const sent = name ? client.query({ name, text, values: parameters as unknown[] }) : client.query(text, parameters as unknown[])
        return sent.catch((error: unknown) => {
          if (isUnreachable(error)) broken = true
          onError(error)
          throw error
        })
      }
      const query = ((text: string | object, parameters?: readonly unknown[]) => {
        if (typeof text !== 'string') return client.query(text as pg.Submittable)
        if (TRANSACTION_START.test(text)) {
          begin = text
          return Promise.resolve(noRows('BEGIN'))
        }
        if (begin === undefined) return send(text, parameters)
        const started = begin
        begin = undefined
        // A transaction without a statement: nothing was sent, so there is nothing to end.
        if (TRANSACTION_END.test(text)) return Promise.resolve(noRows(text.trim().toUpperCase()))
        // BEGIN cannot fail but with the connection, and then so does the statement behind it.
        return Promise.all([send(started), send(text, parameters)]).then(([, result]) => result)
      }) as unknown as PostgresPoolClient['query']
      return { query, release: () => client.release(broken) }
    },
    end: () => pool.end(),
    use: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: size }),
  }
}

/** How Kysely opens and ends a transaction (`begin`, `start transaction isolation level …`, `commit`, `rollback`). */
const TRANSACTION_START = /^\s*(begin|start transaction)\b/i
const TRANSACTION_END = /^\s*(commit|rollback)\s*$/i

/** What pg answers for a statement without rows. */
function noRows(command: string): pg.QueryResult {
  return { command, rowCount: null, oid: 0, rows: [], fields: [] }
}

/**
 * A connection the server refused while it was being opened, whatever the reason it gave (the database
 * not accepting connections, gone, or out of slots): for the caller the database is not there, which
 * {@link ConnectionRefused} says to the availability tracker. Errors of statements are not touched.
 */
function refusedConnection(error: unknown): unknown {
  return error instanceof pg.DatabaseError ? new ConnectionRefused(error) : error
}

/**
 * A Kysely dialect for PGlite. PGlite is one session, so every Kysely connection is that same session
 * handed out under a mutex: a transaction holds the mutex from BEGIN to COMMIT and no other query can
 * slip into it. (kysely 0.29 ships this as PGliteDialect but needs Node 22.) The dialect says whether the
 * session is held and how many callers wait for it (the pool metrics), and tells `onError` of failed
 * statements (the database errors metric).
 */
import type { PGlite } from '@electric-sql/pglite'
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely'
import type { PoolUse } from './postgres-pool.js'

class SessionMutex {
  #tail: Promise<void> = Promise.resolve()
  /** Callers holding the session or waiting for it. */
  queued = 0

  /** Resolves when the caller holds the session; call the returned function to let the next one in. */
  lock(): Promise<() => void> {
    let release!: () => void
    this.queued += 1
    const held = new Promise<void>((resolve) => {
      release = () => {
        this.queued -= 1
        resolve()
      }
    })
    const acquired = this.#tail.then(() => release)
    this.#tail = this.#tail.then(() => held)
    return acquired
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(
    readonly pglite: PGlite,
    readonly onError: (error: unknown) => void,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    let result
    try {
      // Parameterless SQL goes through the simple protocol, which also takes multi-statement migration files.
      result =
        query.parameters.length === 0
          ? ((await this.pglite.exec(query.sql)).at(-1) ?? { rows: [], fields: [], affectedRows: 0 })
          : await this.pglite.query<R>(query.sql, query.parameters as unknown[])
    } catch (error) {
      this.onError(error)
      throw error
    }
    const affected = result.affectedRows
    return {
      rows: result.rows as R[],
      ...(affected !== undefined && result.fields.length === 0 ? { numAffectedRows: BigInt(affected) } : {}),
    }
  }

  // biome-ignore lint/correctness/useYield: streaming is not offered by PGlite
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not support streaming queries')
  }
}

class PGliteDriver implements Driver {
  readonly #mutex: SessionMutex
  readonly #connection: PGliteConnection
  #release: (() => void) | undefined

  constructor(pglite: PGlite, mutex: SessionMutex, onError: (error: unknown) => void) {
    this.#mutex = mutex
    this.#connection = new PGliteConnection(pglite, onError)
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    this.#release = await this.#mutex.lock()
    return this.#connection
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release
    this.#release = undefined
    release?.()
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async destroy(): Promise<void> {}
}

export class PGliteDialect implements Dialect {
  readonly #mutex = new SessionMutex()

  constructor(
    readonly pglite: PGlite,
    readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** The one session as a pool: in use or idle, and the callers waiting for it. */
  use(): PoolUse {
    const queued = this.#mutex.queued
    return { total: 1, idle: queued === 0 ? 1 : 0, waiting: Math.max(0, queued - 1), max: 1 }
  }

  createAdapter() {
    return new PostgresAdapter()
  }
  createDriver() {
    return new PGliteDriver(this.pglite, this.#mutex, this.onError)
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler()
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db)
  }
}

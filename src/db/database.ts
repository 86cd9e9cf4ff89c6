/**
 * Opens the store on one of its two engines: embedded PGlite (data in DATA_DIR) or a PostgreSQL server
 * through `pg`. Both speak the same SQL; everything above this module is engine-agnostic.
 */
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { lockDataDir } from './data-dir-lock.js'
import { PGliteDialect } from './pglite-dialect.js'
import type { DB } from './schema.js'

export type Engine = 'pglite' | 'postgres'

export interface Database {
  readonly db: Kysely<DB>
  readonly engine: Engine
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>
  close(): Promise<void>
}

export type DatabaseOptions =
  | {
      engine: 'postgres'
      url: string
      poolSize?: number
      /** Told when an idle pooled connection fails (server restart, terminated backend). */
      onIdleError?: (error: Error) => void
    }
  /** `dataDir` undefined means an in-memory database (tests). */
  | { engine: 'pglite'; dataDir?: string }

const INT8_OID = 20
const TIMESTAMPTZ_OID = 1184

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

function wrap(db: Kysely<DB>, engine: Engine, onClose: () => Promise<void>): Database {
  return {
    db,
    engine,
    async ping() {
      await sql`select 1`.execute(db)
    },
    async close() {
      await db.destroy()
      await onClose()
    },
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.engine === 'postgres') {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      // Sequences are bigint; they stay far below 2^53, so numbers are safe and simpler for callers.
      types: { getTypeParser: (oid, format) => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) },
    })
    // An idle connection the server drops must not take the process down: the pool discards it and
    // the next query opens a new one. Without a listener, the pool's 'error' event would be uncaught.
    pool.on('error', (error) => options.onIdleError?.(error))
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
    return wrap(db, 'postgres', async () => {})
  }
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => {}
  try {
    const pglite = await PGlite.create(options.dataDir ? join(options.dataDir, 'pgdata') : undefined, {
      parsers: { [INT8_OID]: Number, [TIMESTAMPTZ_OID]: parseTimestamptz },
    })
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) })
    return wrap(db, 'pglite', async () => {
      await pglite.close()
      unlock()
    })
  } catch (error) {
    unlock()
    throw error
  }
}

/**
 * Statements of one transaction sent together. PostgreSQL runs them one after another, in the order given,
 * each as if it had been sent alone (under READ COMMITTED each sees what committed before it started, so
 * a read behind a lock sees what the lock waited for), but the connection writes them all before it reads
 * an answer: one round trip to the database for all of them (pg's pipeline mode, postgres-pool.ts). The
 * embedded engine runs them one after another.
 *
 * When one fails, so does the whole: the transaction is aborted, and the statements behind it fail too.
 */
import type { CompiledQuery, Transaction } from 'kysely'
import type { DB } from './schema.js'

type Rows<Q extends readonly (CompiledQuery<unknown> | undefined)[]> = { [K in keyof Q]: NonNullable<Q[K]> extends CompiledQuery<infer R> ? R[] : [] }

/** The rows of each statement, in the order given; an undefined statement (nothing to ask) has none. */
export function sendTogether<const Q extends readonly (CompiledQuery<unknown> | undefined)[]>(tx: Transaction<DB>, queries: Q): Promise<Rows<Q>> {
  return tx.getExecutor().provideConnection(async (connection) => {
    const results = await Promise.all(queries.map((query) => (query ? connection.executeQuery(query) : { rows: [] })))
    return results.map((result) => result.rows) as Rows<Q>
  })
}

/**
 * A client span per SQL statement, made where Kysely hands a statement to the engine, so PGlite and `pg`
 * are traced alike without patching either. Only statements made inside a traced operation (a request, a
 * delivery) get one: the delivery engine's polls would otherwise each start a trace of their own, every
 * second. The statement's text is recorded (it holds placeholders, never values); its parameters are not.
 */
import { context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api'
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely'
import type { Engine } from '../db/database.js'

/** The statement's first keyword (`select`, `insert`, `begin`, …) after any comments: the span's name, as OpenTelemetry advises. */
function operationOf(sql: string): string {
  const match = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*(?:with\b[\s\S]*?\)\s*)?([a-z]+)/i.exec(sql)
  return (match?.[1] ?? 'statement').toUpperCase()
}

async function traced<R>(tracer: Tracer, engine: Engine, query: CompiledQuery, run: () => Promise<QueryResult<R>>): Promise<QueryResult<R>> {
  const parent = context.active()
  if (!trace.getSpan(parent)) return run()
  const operation = operationOf(query.sql)
  const span: Span = tracer.startSpan(
    operation,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'postgresql',
        'db.operation.name': operation,
        'db.query.text': query.sql,
        // Which of the two engines ran it: the embedded one has no server to name.
        'segments.database.engine': engine,
      },
    },
    parent,
  )
  try {
    const result = await run()
    if (result.numAffectedRows !== undefined) span.setAttribute('db.response.returned_rows', Number(result.numAffectedRows))
    else span.setAttribute('db.response.returned_rows', result.rows.length)
    return result
  } catch (error) {
    const code = (error as { code?: unknown })?.code
    if (typeof code === 'string') span.setAttribute('db.response.status_code', code)
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message })
    throw error
  } finally {
    span.end()
  }
}

/**
 * The connection as it is, but for `executeQuery`: drivers call methods of their own on it (by symbol,
 * on private fields), so everything else is forwarded to the original.
 */
function tracedConnection(connection: DatabaseConnection, tracer: Tracer, engine: Engine): DatabaseConnection {
  const executeQuery = <R>(query: CompiledQuery) => traced<R>(tracer, engine, query, () => connection.executeQuery<R>(query))
  return new Proxy(connection, {
    get(target, property) {
      if (property === 'executeQuery') return executeQuery
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

function tracedDriver(driver: Driver, tracer: Tracer, engine: Engine): Driver {
  const wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>()
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'acquireConnection') {
        return async () => {
          const connection = await target.acquireConnection()
          let traced = wrapped.get(connection)
          if (!traced) {
            traced = tracedConnection(connection, tracer, engine)
            wrapped.set(connection, traced)
          }
          return traced
        }
      }
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

export function traceStatements(dialect: Dialect, tracer: Tracer, engine: Engine): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => tracedDriver(dialect.createDriver(), tracer, engine),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  }
}

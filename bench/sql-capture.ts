/**
 * The SQL statements one HTTP request sends, and only that request's. The service's dispatcher, worker and
 * rule evaluator run in the same process and send their own statements whenever they are woken (by the very
 * event a write request commits); so do requests still in flight from a load run. Patching pg.Client for a
 * time window catches all of them; here a statement counts only when it is sent from the async context of
 * the request that carries the capture header, which the `request` listener installed first on the server
 * enters before the app sees the request.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import pg from 'pg'

export interface CapturedStatement {
  /** Whitespace collapsed, so texts compare across code formatting. */
  text: string
  values: unknown[]
}

const CAPTURE_HEADER = 'x-bench-capture'
const sinks = new Map<string, CapturedStatement[]>()
const requestSink = new AsyncLocalStorage<CapturedStatement[] | undefined>()
let patched = false

type QueryFn = (...args: unknown[]) => unknown

function patchClientQuery(): void {
  if (patched) return
  patched = true
  const prototype = pg.Client.prototype as unknown as { query: QueryFn }
  const original = prototype.query
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const sink = requestSink.getStore()
    if (sink) {
      const first = args[0] as string | { text?: string; values?: unknown[] }
      const text = typeof first === 'string' ? first : String(first?.text)
      const values = typeof first === 'string' ? (Array.isArray(args[1]) ? (args[1] as unknown[]) : []) : (first?.values ?? [])
      sink.push({ text: text.replace(/\s+/g, ' ').trim(), values })
    }
    return original.apply(this, args)
  }
}

/** Makes requests to `server` capturable. Call before the first request to capture. */
export function captureRequestsOf(server: Server): void {
  patchClientQuery()
  server.prependListener('request', (request) => {
    const id = request.headers[CAPTURE_HEADER]
    // Set on every request: the context is that of the connection, which a later request may reuse.
    requestSink.enterWith(typeof id === 'string' ? sinks.get(id) : undefined)
  })
}

/**
 * Calls `send` with the header that tags its request, and returns the statements that request sent up to
 * its answer (a server set up by captureRequestsOf must answer it).
 */
export async function captureRequestSql(send: (headers: Record<string, string>) => Promise<void>): Promise<CapturedStatement[]> {
  const id = randomUUID()
  const sink: CapturedStatement[] = []
  sinks.set(id, sink)
  try {
    await send({ [CAPTURE_HEADER]: id })
  } finally {
    sinks.delete(id)
  }
  return [...sink]
}

/** Runs `run` and returns with its result the statements sent from its async context (and only those). */
export async function captureSql<T>(run: () => Promise<T>): Promise<{ result: T; statements: CapturedStatement[] }> {
  patchClientQuery()
  const statements: CapturedStatement[] = []
  const result = await requestSink.run(statements, run)
  return { result, statements }
}

/**
 * The sender: one HTTP POST per attempt through a shared keep-alive undici Agent whose connector is
 * guarded against SSRF. Redirects are never followed (a 3xx is a failure), every attempt has a total
 * deadline, and only the first 4 KiB of a response are kept for the attempt log.
 */
import { Agent } from 'undici'
import type { AttemptResult } from './retry-policy.js'
import { BlockedAddressError, guardedConnector } from './ssrf-guard.js'

/** Longest an attempt may take, connect to last byte (DESIGN §5). */
export const ATTEMPT_TIMEOUT_MS = 15_000
export const EXCERPT_BYTES = 4 * 1024
const CONNECT_TIMEOUT_MS = 10_000

export interface Outgoing {
  url: string
  headers: Record<string, string>
  body: string
}

export interface SentAttempt extends AttemptResult {
  startedAt: Date
  durationMs: number
  /** The start of the response body (at most 4 KiB, as text). */
  excerpt?: string
  /** The sender was closed while the request was under way: nothing is known of its outcome. */
  abandoned?: boolean
  /** The SSRF guard refused the address the URL led to: no request was made. */
  blocked?: boolean
  /** No answer within the attempt's deadline. */
  timedOut?: boolean
  /** The headers the request carried, for the attempt log (configured values masked). */
  requestHeaders?: Record<string, string>
}

export interface Sender {
  send(outgoing: Outgoing): Promise<SentAttempt>
  /** Waits for the requests under way, then closes the connections. */
  close(): Promise<void>
  /** Aborts the requests under way (they come back `abandoned`) and closes the connections. */
  destroy(): Promise<void>
}

export interface SenderOptions {
  allowPrivate: boolean
  timeoutMs?: number
}

const decoder = new TextDecoder('utf-8')

async function readExcerpt(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  // Breaking off destroys the body and with it the connection: fine for a receiver that says that much.
  for await (const chunk of body) {
    chunks.push(chunk)
    size += chunk.length
    if (size >= EXCERPT_BYTES) break
  }
  // PostgreSQL text cannot hold NUL characters.
  return decoder.decode(Buffer.concat(chunks).subarray(0, EXCERPT_BYTES)).replaceAll('\u0000', '')
}

/** An attempt's failure as the attempt log and the destination probe word it. */
export function describeError(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error)
  if (error.name === 'TimeoutError') return `timed out after ${timeoutMs / 1000} s`
  const code = (error as { code?: unknown }).code
  const cause = (error as { cause?: unknown }).cause
  const text = typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message
  return cause instanceof Error && cause.message !== error.message ? `${text} (${cause.message})` : text
}

/** The SSRF guard refused the address: no request was made. */
export function isBlocked(error: unknown): boolean {
  return error instanceof BlockedAddressError || (error as { cause?: unknown })?.cause instanceof BlockedAddressError
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

export function createSender({ allowPrivate, timeoutMs = ATTEMPT_TIMEOUT_MS }: SenderOptions): Sender {
  const agent = new Agent({
    connect: guardedConnector({ allowPrivate, timeoutMs: Math.min(CONNECT_TIMEOUT_MS, timeoutMs) }),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 4_000,
  })
  let destroyed = false

  return {
    async send({ url, headers, body }) {
      const startedAt = new Date()
      const started = performance.now()
      const elapsed = () => Math.round(performance.now() - started)
      // The whole attempt (connecting, the answer's head and its body) within timeoutMs. A timer of its own,
      // cleared as soon as the attempt ends: `AbortSignal.timeout` keeps its timer (and, under
      // `AbortSignal.any`, a link to a long-lived signal) until the garbage collector finds it, which cost
      // five times as much CPU per attempt. Shutdown needs no signal: destroying the agent ends every request.
      const timeout = new AbortController()
      const timer = setTimeout(() => timeout.abort(new DOMException(`attempt took longer than ${timeoutMs} ms`, 'TimeoutError')), timeoutMs)
      try {
        const target = new URL(url)
        const outgoing = { ...headers }
        if (target.username && !('authorization' in outgoing)) {
          const credentials = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`
          outgoing.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`
        }
        const response = await agent.request({
          origin: target.origin,
          path: `${target.pathname}${target.search}`,
          method: 'POST',
          headers: outgoing,
          body,
          signal: timeout.signal,
        })
        const excerpt = await readExcerpt(response.body)
        const status = response.statusCode
        const result: SentAttempt = { startedAt, durationMs: elapsed(), status, excerpt }
        if (status >= 300 && status < 400) result.error = `redirect not followed (HTTP ${status})`
        const retryAfter = header(response.headers['retry-after'])
        if (retryAfter !== undefined) result.retryAfter = retryAfter
        return result
      } catch (error) {
        if (destroyed) return { startedAt, durationMs: elapsed(), error: 'abandoned at shutdown', abandoned: true }
        const result: SentAttempt = { startedAt, durationMs: elapsed(), error: describeError(error, timeoutMs) }
        if (isBlocked(error)) result.blocked = true
        if ((error as Error)?.name === 'TimeoutError') result.timedOut = true
        return result
      } finally {
        clearTimeout(timer)
      }
    },
    close: () => agent.close(),
    async destroy() {
      destroyed = true
      await agent.destroy()
    },
  }
}

/**
 * Whether the database can be reached, as one process sees it. Every part of the process (API requests,
 * the dispatcher, the worker, the LISTEN connection) reports its failed database calls here; a failure
 * that means "unreachable" (refused or dropped connections, a server shutting down or starting up) is
 * confirmed by a probe of its own connection, and then the process logs one warning, probes with a
 * capped, jittered backoff, and logs once more when the database answers again. Loops that cannot work
 * without the database wait for {@link DatabaseAvailability.whenReachable} instead of retrying blindly.
 */

export interface DatabaseAvailability {
  /** False from a confirmed outage until the database answers again. */
  readonly reachable: boolean
  /**
   * Judges a failed database call. True when it means the database could not be reached: the outage
   * is then confirmed (or dismissed) by a probe. False for any other error (a bad statement, a timeout).
   */
  report(error: unknown): boolean
  /** A connection opened: the database is reachable. */
  reached(): void
  /** Resolves once the database is reachable: at once unless an outage is suspected or confirmed. */
  whenReachable(): Promise<void>
  /** Stops probing; pending waits resolve. */
  close(): void
}

export interface AvailabilityLog {
  warn(details: object, message: string): void
}

/** The two lines an outage logs: when it is confirmed, and when it ends. */
export interface OutageMessages {
  down: string
  up: string
}

/** The primary's: everything waits for it. */
const PRIMARY_OUTAGE: OutageMessages = {
  down: 'database unreachable; requests answer 503 and delivery waits until it is back',
  up: 'database reachable again',
}

export interface AvailabilityOptions {
  /** Resolves when the database answers on a connection of its own; rejects otherwise. */
  probe(): Promise<void>
  log: AvailabilityLog
  /** What the outage's log lines say (default: the primary database's). */
  messages?: OutageMessages
  /** First wait between probes; it doubles up to `maxDelayMs`, each wait drawn from its upper half. */
  minDelayMs?: number
  maxDelayMs?: number
  random?: () => number
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EPIPE', 'EAI_AGAIN'])
/**
 * SQLSTATEs of a server that is going away or not ready: admin shutdown, crash shutdown, cannot connect now,
 * too many connections, and the database dropped (what a standby's sessions get when the primary drops it).
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '57P04', '53300'])
/** What `pg` and `pg-pool` say when a connection ends, cannot be opened in time or is already broken. */
const CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /is not queryable$/,
  /^Query read timeout$/,
  /^Client network socket disconnected/,
]

/** The server refused a connection while it was being opened; its own error is the cause. */
export class ConnectionRefused extends Error {
  constructor(cause: Error) {
    super(`the database refused the connection: ${cause.message}`, { cause })
    this.name = 'ConnectionRefused'
  }
}

/** True for errors that say the database could not be reached, as opposed to errors of the statement. */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  if (error instanceof ConnectionRefused) return true
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith('08')) return true
  }
  if (CONNECTION_MESSAGES.some((pattern) => pattern.test(error.message))) return true
  // AggregateError (a host with several addresses, all refused) and wrapped causes.
  const nested = [...((error as { errors?: unknown[] }).errors ?? []), (error as { cause?: unknown }).cause]
  return nested.some((inner) => inner !== undefined && inner !== error && isUnreachable(inner))
}

/**
 * SQLSTATEs of a statement that lost a race and may succeed when tried again: a serialization failure
 * (40001, also what a hot standby answers when it cancels a query that conflicts with replay) and a deadlock
 * (40P01, also a standby query's deadlock with replay). The database is there: not an outage.
 */
const RETRYABLE_STATES = new Set(['40001', '40P01'])

/** True for a statement cancelled by a race (with another transaction or with a replica's replay). */
export function isRetryableConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code
  return typeof code === 'string' && RETRYABLE_STATES.has(code)
}

/** A short description of a failure for a log line: its code and message, no stack. */
export function describeFailure(error: unknown): { code?: string; error: string } {
  if (!(error instanceof Error)) return { error: String(error) }
  const code = (error as { code?: unknown }).code
  const message = error.message || (error as { errors?: Error[] }).errors?.[0]?.message || error.name
  return typeof code === 'string' ? { code, error: message } : { error: message }
}

/** For an engine that cannot lose its database (PGlite in this process): always reachable. */
export const alwaysReachable: DatabaseAvailability = {
  reachable: true,
  report: () => false,
  reached: () => {},
  whenReachable: () => Promise.resolve(),
  close: () => {},
}

type State = 'up' | 'checking' | 'down'

export function trackAvailability({
  probe,
  log,
  messages = PRIMARY_OUTAGE,
  minDelayMs = 200,
  maxDelayMs = 2_000,
  random = Math.random,
}: AvailabilityOptions): DatabaseAvailability {
  let state: State = 'up'
  let downSince = 0
  let probing = false
  let closed = false
  let waiters: (() => void)[] = []
  let timer: NodeJS.Timeout | undefined
  let wakeProbe: (() => void) | undefined

  function up(): void {
    if (state === 'down') log.warn({ outageMs: Date.now() - downSince }, messages.up)
    state = 'up'
    const resolved = waiters
    waiters = []
    for (const resolve of resolved) resolve()
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      wakeProbe = resolve
      timer = setTimeout(resolve, ms)
    })
  }

  async function probeUntilUp(first: unknown): Promise<void> {
    probing = true
    let delay = minDelayMs
    let failure = first
    try {
      while (!closed && state !== 'up') {
        try {
          await probe()
          up()
          return
        } catch (error) {
          failure = error
        }
        if (state === 'checking') {
          state = 'down'
          downSince = Date.now()
          log.warn({ ...describeFailure(failure) }, messages.down)
        }
        await sleep(delay / 2 + (delay / 2) * random())
        delay = Math.min(maxDelayMs, delay * 2)
      }
    } finally {
      probing = false
    }
  }

  return {
    get reachable() {
      return state !== 'down'
    },
    report(error) {
      if (!isUnreachable(error)) return false
      if (state === 'up') state = 'checking'
      if (!probing && !closed) void probeUntilUp(error)
      return true
    },
    reached() {
      if (state !== 'up') {
        up()
        wakeProbe?.()
      }
    },
    whenReachable() {
      if (state === 'up' || closed) return Promise.resolve()
      return new Promise((resolve) => waiters.push(resolve))
    },
    close() {
      closed = true
      clearTimeout(timer)
      wakeProbe?.()
      const resolved = waiters
      waiters = []
      for (const resolve of resolved) resolve()
    },
  }
}

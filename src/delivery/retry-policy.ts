/**
 * The retry policy (DESIGN §5): what one attempt's result means for its delivery and its target.
 * Pure: the time and the random draw for the jitter come in as arguments.
 */

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/** Delays after failed attempts 1..7; an eighth failure is final. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]

/** A target that has failed without a single success for this long is disabled. */
export const FAILING_TARGET_LIMIT_MS = 5 * 24 * HOUR

const JITTER = 0.2

/** What came back from one attempt. */
export interface AttemptResult {
  /** The HTTP status; absent when no response arrived (refused, timed out, blocked). */
  status?: number
  /** The response's `Retry-After` header, as sent. */
  retryAfter?: string
  /** Why the attempt failed, in words; absent on success. */
  error?: string
}

export type Verdict =
  | { state: 'delivered' }
  | { state: 'pending'; nextAttemptAt: Date; error: string }
  | { state: 'failed'; error: string; disableTarget?: string }

export interface JudgeInput {
  result: AttemptResult
  /** This attempt's number in the current schedule: 1 for the first (or first after a resend). */
  attempt: number
  delaysMs?: readonly number[]
  now: Date
  /** A draw in [0, 1) for the ±20 % jitter. */
  random: number
}

export function isSuccess(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300
}

/**
 * Milliseconds a `Retry-After` value asks to wait from `now`: delay-seconds or an HTTP date (a past date
 * is 0). Undefined when the value is neither.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * SECOND
  // An HTTP date (any of its three forms) starts with the weekday; Date.parse alone would take "2024".
  if (!/^[A-Za-z]{3,9},? /.test(text)) return undefined
  const time = Date.parse(text)
  return Number.isNaN(time) ? undefined : Math.max(0, time - now.getTime())
}

/** The delay before the attempt after `attempt`, jittered; undefined when `attempt` was the last. */
export function scheduledDelay(attempt: number, delaysMs: readonly number[], random: number): number | undefined {
  const base = delaysMs[attempt - 1]
  if (base === undefined) return undefined
  return Math.round(base * (1 - JITTER + 2 * JITTER * random))
}

export function judgeAttempt({ result, attempt, delaysMs = DEFAULT_RETRY_DELAYS_MS, now, random }: JudgeInput): Verdict {
  if (isSuccess(result.status)) return { state: 'delivered' }
  const error = result.error ?? `HTTP ${result.status}`
  if (result.status === 410) return { state: 'failed', error: `${error}; target disabled`, disableTarget: 'the target answered 410 Gone' }
  const delay = scheduledDelay(attempt, delaysMs, random)
  if (delay === undefined) return { state: 'failed', error: `${error}; gave up after ${attempt} attempts` }
  let wait = delay
  if (result.status === 429 || result.status === 503) {
    const asked = parseRetryAfter(result.retryAfter, now)
    // Honoured within [scheduled, 2 × scheduled]: a receiver can slow us down, not speed us up or park us.
    if (asked !== undefined) wait = Math.min(Math.max(asked, delay), 2 * delay)
  }
  return { state: 'pending', nextAttemptAt: new Date(now.getTime() + wait), error }
}

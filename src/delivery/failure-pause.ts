/**
 * How a delivery loop waits after a failed database call. While the database is unreachable: until it is
 * back (the availability tracker probes, and logs the outage once). After any other failure (a bug, a bad
 * row): a capped, jittered backoff, each failure logged with its stack. A stopping loop cancels the wait.
 */
import type { DatabaseAvailability } from '../db/availability.js'
import type { DeliveryLog } from './worker.js'

export interface FailurePause {
  /** Waits as the failure of `what` calls for; resolves at once when cancelled. */
  after(error: unknown, what: string): Promise<void>
  /** A call succeeded: the next failure starts the backoff from its shortest wait. */
  succeeded(): void
  /** Ends the waits under way and every later one (the loop is stopping). */
  cancel(): void
}

const MIN_BACKOFF_MS = 1_000
const MAX_BACKOFF_MS = 30_000

export function failurePause(availability: DatabaseAvailability, log: DeliveryLog, random: () => number = Math.random): FailurePause {
  let failures = 0
  let cancelled = false
  const waking = new Set<() => void>()

  function waitOr<T>(promise: Promise<T>): Promise<void> {
    if (cancelled) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        waking.delete(done)
        resolve()
      }
      waking.add(done)
      promise.then(done, done)
    })
  }

  return {
    after(error, what) {
      if (availability.report(error)) return waitOr(availability.whenReachable())
      const ceiling = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** failures)
      failures += 1
      const delay = Math.round(ceiling / 2 + (ceiling / 2) * random())
      log.error({ err: error, retryInMs: delay }, `${what} failed`)
      let timer: NodeJS.Timeout | undefined
      return waitOr(new Promise((resolve) => (timer = setTimeout(resolve, delay)))).finally(() => clearTimeout(timer))
    },
    succeeded() {
      failures = 0
    },
    cancel() {
      cancelled = true
      for (const wake of [...waking]) wake()
    },
  }
}

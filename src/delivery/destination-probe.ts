/**
 * The destination probe: when a webhook config names a destination it did not name before, something
 * must answer there, so that a mistyped host or port shows as a 400 when the config is written instead of
 * as failed deliveries later. HEAD is sent first, and OPTIONS when HEAD gets no answer (some servers drop
 * a method they do not serve). Any HTTP answer counts, whatever its status: a receiver commonly answers a
 * bodiless, unsigned request with 401, 404 or 405, and what the probe is for is a host and port where
 * nothing answers (an unknown host, a refused connection, a TLS failure, silence). The connection goes
 * through the SSRF guard as every delivery does; redirects are not followed (a 3xx is an answer); both
 * requests share one deadline.
 */
import { Agent } from 'undici'
import { describeError, isBlocked } from './sender.js'
import { guardedConnector } from './ssrf-guard.js'

/** Why nothing answers at `url`, or undefined when something does. */
export type DestinationProbe = (url: string) => Promise<string | undefined>

export interface ProbeOptions {
  /** Loopback, private and link-local addresses may be reached (DELIVERY_ALLOW_PRIVATE). */
  allowPrivate: boolean
  /** The deadline of the whole probe. */
  timeoutMs: number
}

const ANSWER_BYTES = 4 * 1024

export function createDestinationProbe({ allowPrivate, timeoutMs }: ProbeOptions): DestinationProbe {
  return async (url) => {
    const target = new URL(url)
    const agent = new Agent({ connect: guardedConnector({ allowPrivate, timeoutMs }), keepAliveTimeout: 1_000 })
    const deadline = AbortSignal.timeout(timeoutMs)
    let failure: unknown
    try {
      for (const method of ['HEAD', 'OPTIONS'] as const) {
        try {
          const response = await agent.request({ origin: target.origin, path: `${target.pathname}${target.search}`, method, signal: deadline })
          await response.body.dump({ limit: ANSWER_BYTES }).catch(() => {})
          return undefined
        } catch (error) {
          failure = error
          if (deadline.aborted || isBlocked(error)) break
        }
      }
      return deadline.aborted ? `no answer within ${timeoutMs / 1000} s` : describeError(failure, timeoutMs)
    } finally {
      await agent.destroy()
    }
  }
}

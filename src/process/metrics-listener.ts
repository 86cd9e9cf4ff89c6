/**
 * `/metrics` on a port of its own (METRICS_PORT, on HOST): how a `segments worker` process, which has no
 * HTTP API, is scraped, and how a `segments serve` process can keep its metrics off the API's port. It
 * answers `/metrics` (with METRICS_TOKEN when set) and nothing else.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import type { DatabaseAvailability } from '../db/availability.js'
import { registerErrorHandler } from '../http/plugins/error-handler.js'
import { metricsRoutes } from '../http/routes/metrics.js'
import type { Metrics } from '../observability/metrics.js'
import { explainListenFailure } from './listen-port.js'

export interface MetricsListener {
  /** `http://host:port` */
  readonly url: string
  close(): Promise<void>
}

export async function listenForMetrics(
  metrics: Metrics,
  { host, port, token, availability }: { host: string; port: number; token?: string; availability: DatabaseAvailability },
): Promise<MetricsListener> {
  const app: FastifyInstance = Fastify({ logger: false })
  registerErrorHandler(app, availability)
  metricsRoutes(app, metrics, token)
  let url: string
  try {
    url = await app.listen({ host, port, listenTextResolver: () => '' })
  } catch (error) {
    await app.close()
    throw explainListenFailure(error, host, port, 'METRICS_PORT') ?? error
  }
  return { url, close: () => app.close() }
}

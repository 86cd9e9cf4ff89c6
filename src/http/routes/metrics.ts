/**
 * `GET /metrics`: the Prometheus exposition. Open unless METRICS_TOKEN is set; then it takes only
 * `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time (401 otherwise). It needs no tenant
 * token, no tenant rate limit applies (it has no tenant), and it is left out of the OpenAPI document: it is
 * for the operator's Prometheus, not for API clients.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { errors } from '../../errors.js'
import type { Metrics } from '../../observability/metrics.js'

const digest = (text: string) => createHash('sha256').update(text).digest()

/** Whether `header` is `Bearer <token>`; comparing digests keeps the token's length out of the timing too. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  return timingSafeEqual(digest(match?.[1] ?? ''), digest(token)) && match !== null
}

export function metricsRoutes(app: FastifyInstance, metrics: Metrics, token?: string): void {
  app.get('/metrics', { schema: { hide: true }, logLevel: 'warn' }, async (request, reply) => {
    if (token !== undefined && !bearerMatches(request.headers.authorization, token)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"')
      throw errors.unauthorized('/metrics needs the bearer token set in METRICS_TOKEN')
    }
    const { contentType, body } = await metrics.scrape()
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body)
  })
}

/**
 * An optional limit on the requests one tenant makes per second (TENANT_RATE_LIMIT), so that one tenant's
 * burst cannot take every other tenant's share of a process. Counted per process, keyed by the tenant in
 * the path; routes without a tenant (health, readiness, the API document) are not limited. Beyond the
 * limit: 429 in the error format with `Retry-After`.
 */
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import { errors } from '../../errors.js'

export async function registerTenantRateLimit(app: FastifyInstance, perSecond: number): Promise<void> {
  const tenantOf = (params: unknown) => (params as { tenant?: string } | undefined)?.tenant
  await app.register(rateLimit, {
    max: perSecond,
    timeWindow: 1_000,
    keyGenerator: (request) => tenantOf(request.params) ?? request.ip,
    allowList: (request) => tenantOf(request.params) === undefined,
    errorResponseBuilder: (_request, context) => errors.rateLimited(perSecond, Math.max(1, Math.ceil(context.ttl / 1_000))),
  })
}

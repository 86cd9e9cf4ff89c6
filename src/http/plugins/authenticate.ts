/**
 * Bearer-token authentication and authorization for every route that declares `config.scopes`:
 * 401 without a valid token, 403 when the path tenant is not the token's or no required scope is held
 * (saying which of the two, and the scopes the route takes, which are public anyway).
 * Runs in onRequest, before the body is read or validated.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Principal } from '../../auth/principal.js'
import { InvalidTokenError, type TokenVerifier } from '../../auth/verify-token.js'
import { errors } from '../../errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The caller needs at least one of these scopes; routes without it are public. */
    scopes?: readonly string[]
  }
  interface FastifyRequest {
    principal: Principal
  }
}

async function authenticate(request: FastifyRequest, verify: TokenVerifier): Promise<Principal> {
  const header = request.headers.authorization
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  if (!match) throw errors.unauthorized('Missing bearer token')
  try {
    return await verify(match[1])
  } catch (error) {
    if (error instanceof InvalidTokenError) throw errors.unauthorized(error.message)
    throw error
  }
}

export function registerAuthentication(app: FastifyInstance, verify: TokenVerifier): void {
  app.decorateRequest('principal', undefined as unknown as Principal)
  app.addHook('onRequest', async (request) => {
    const required = request.routeOptions.config?.scopes
    if (!required) return
    const principal = await authenticate(request, verify)
    const { tenant } = (request.params ?? {}) as { tenant?: string }
    if (tenant !== undefined && tenant !== principal.tenant) throw errors.wrongTenant()
    if (!required.some((scope) => principal.scopes.has(scope))) throw errors.missingScope(required)
    request.principal = principal
  })
}

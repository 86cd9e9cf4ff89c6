/**
 * Cross-origin calls from browsers (CORS_ORIGINS): a storefront's page on another origin may call the API
 * with a bearer token. Preflight requests are answered before authentication (a browser sends them without
 * the token); every answer to an allowed origin, errors included, carries the headers the page needs to
 * read it. No cookies are involved, so credentials are never allowed. Without the setting nothing is
 * registered and browsers keep the same-origin policy.
 */
import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'

/** Headers a page may read besides the CORS-safelisted ones. */
const EXPOSED_HEADERS = ['X-Total-Count', 'X-Request-Id', 'Retry-After', 'Location', 'Content-Language']

/** How long a browser may reuse a preflight's answer, in seconds. */
const PREFLIGHT_MAX_AGE = 600

export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  await app.register(cors, {
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE,
    credentials: false,
    // An OPTIONS request that is not a preflight gets the same 204 instead of a text/plain 400.
    strictPreflight: false,
  })
}

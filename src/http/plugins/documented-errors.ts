/**
 * The error statuses every route documents, derived from what the route is: it validates input (400),
 * needs a token (401, 403), takes a body (413, 415), is counted by the tenant rate limit (429), reads the
 * database (503). Routes declare only what depends on their own logic (404, 409, ...), with
 * `errorResponses(...)`, which lists every shape status too; this keeps those that apply as each route is
added, so the OpenAPI document and the
 * answers cannot drift apart (the test harness checks every answer against its route's responses).
 */
import type { FastifyInstance, RouteOptions } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route needs the database (documented with 503); by default, routes that need a token do. */
    readsDatabase?: boolean
  }
}

/** Statuses a route may answer because of what it is; documented only where they apply. */
export const SHAPE_STATUSES = [400, 401, 403, 413, 415, 429, 503] as const

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export interface DocumentedErrorOptions {
  /** The tenant rate limit is on (TENANT_RATE_LIMIT). */
  rateLimited: boolean
}

/** The statuses of SHAPE_STATUSES `route` can answer. */
function shapeStatuses(route: RouteOptions, { rateLimited }: DocumentedErrorOptions): Set<number> {
  const schema = route.schema ?? {}
  const statuses = new Set<number>()
  if (schema.params || schema.querystring || schema.body || schema.headers) statuses.add(400)
  if (route.config?.scopes) statuses.add(401).add(403)
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  if (schema.body && methods.some((method) => BODY_METHODS.has(method))) statuses.add(413).add(415)
  if (rateLimited && /(^|\/):tenant(\/|$)/.test(route.url)) statuses.add(429)
  if (route.config?.readsDatabase ?? route.config?.scopes !== undefined) statuses.add(503)
  return statuses
}

/** The responses made for the shape statuses; a route that documents such a status itself keeps it. */
const shapeResponses = new WeakSet<object>()

/** The documented response of shape status `status` with `body` as its schema. */
export function shapeResponse(status: number, body: object): object {
  const response = { ...body, description: 'Error' }
  if ((SHAPE_STATUSES as readonly number[]).includes(status)) shapeResponses.add(response)
  return response
}

/** Drops, from each route's documented responses, the shape statuses the route cannot answer. */
export function registerDocumentedErrors(app: FastifyInstance, options: DocumentedErrorOptions): void {
  app.addHook('onRoute', (route) => {
    const response = route.schema?.response as Record<string, object> | undefined
    if (!route.schema || !response) return
    const applies = shapeStatuses(route, options)
    // A copy: routes may share one response object.
    route.schema.response = Object.fromEntries(
      Object.entries(response).filter(([status, value]) => !shapeResponses.has(value) || applies.has(Number(status))),
    )
  })
}

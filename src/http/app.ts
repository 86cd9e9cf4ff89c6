/**
 * The HTTP application: Fastify with schema validation, the error format, bearer authentication,
 * OpenAPI, and the routes. Building it opens nothing; the caller owns the database and the listener.
 */
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import ajvFormats from 'ajv-formats'
import type { Plugin } from 'ajv'
import type { TokenVerifier } from '../auth/verify-token.js'
import type { Database } from '../db/database.js'
import { registerAuthentication } from './plugins/authenticate.js'
import { registerErrorHandler } from './plugins/error-handler.js'
import { registerOpenApi } from './plugins/openapi.js'
import { eventRoutes } from './routes/events.js'
import { healthRoutes } from './routes/health.js'
import { segmentRoutes } from './routes/segments.js'

export interface AppOptions {
  database: Database
  verifyToken: TokenVerifier
  /** A pino logger configuration, or false for none (tests). */
  logger?: FastifyServerOptions['logger']
}

export async function buildApp({ database, verifyToken, logger = false }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    bodyLimit: 10 * 1024 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    ajv: {
      // Unknown fields are errors, not silently dropped; query strings are strings, parsed by their owners.
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false },
      plugins: [ajvFormats.default as Plugin<unknown>],
    },
  })
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  // An empty body is no body (DELETE with a content-type and nothing else); routes that need one say so.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser(['application/json', 'application/json-patch+json'], { parseAs: 'string' }, (request, body, done) =>
    body === '' ? done(null, undefined) : parseJson(request, String(body), done),
  )
  registerErrorHandler(app)
  registerAuthentication(app, verifyToken)
  await registerOpenApi(app)
  healthRoutes(app, database)
  segmentRoutes(app, database)
  eventRoutes(app, database)
  return app
}

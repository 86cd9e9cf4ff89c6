/**
 * The HTTP application: Fastify with schema validation, the error format, bearer authentication,
 * OpenAPI, the routes, and the Prometheus metrics at /metrics. Building it opens nothing; the caller owns the
 * database and the listener.
 */
import { randomUUID } from 'node:crypto'
import { maxHeaderSize } from 'node:http'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import ajvFormats from 'ajv-formats'
import type { Plugin } from 'ajv'
import type { TokenIssuer } from '../auth/mint-token.js'
import type { TokenVerifier } from '../auth/verify-token.js'
import { DEFAULT_DESTINATION_PROBE, DEFAULT_HTTP, DEFAULT_LIMITS, type DestinationProbeSettings, type HttpSettings, type Limits } from '../config.js'
import type { Database } from '../db/database.js'
import { judgeByOrigin } from '../db/read-replica.js'
import { createDestinationProbe } from '../delivery/destination-probe.js'
import { checkJsonLimits } from '../limits/json-limits.js'
import { createMetrics, type Metrics } from '../observability/metrics.js'
import type { Tracing } from '../observability/tracing.js'
import { registerAuthentication } from './plugins/authenticate.js'
import { registerCors } from './plugins/cors.js'
import { registerDocumentedErrors } from './plugins/documented-errors.js'
import { registerErrorHandler, renderClientError, renderFrameworkError } from './plugins/error-handler.js'
import { registerOpenApi } from './plugins/openapi.js'
import { registerTenantRateLimit } from './plugins/tenant-rate-limit.js'
import { registerTextBoundary } from './plugins/text-boundary.js'
import { rulePreviewRoutes, ruleRoutes } from './routes/rules.js'
import { directoryRoutes } from './routes/directory.js'
import { apiClientRoutes } from './routes/api-clients.js'
import { customerAssignmentRoutes } from './routes/customer-assignments.js'
import { deliveryRoutes } from './routes/deliveries.js'
import { eventRoutes } from './routes/events.js'
import { eventSubscriptionRoutes } from './routes/event-subscriptions.js'
import { consoleRoutes } from './routes/console.js'
import { portalRoutes } from './routes/portal.js'
import { portalEndpointRoutes } from './routes/portal-endpoints.js'
import { webhookConfigRoutes } from './routes/webhook-config.js'
import { webhookTryoutRoutes } from './routes/webhook-tryout.js'
import { itemAssignmentRoutes } from './routes/item-assignments.js'
import { healthRoutes } from './routes/health.js'
import { metricsRoutes } from './routes/metrics.js'
import { oauthRoutes } from './routes/oauth.js'
import { segmentRoutes } from './routes/segments.js'

export interface AppOptions {
  database: Database
  /** The read replica (DATABASE_READ_URL) storefront reads go to (read-replica.ts); absent: they read `database`. */
  readDatabase?: Database
  verifyToken: TokenVerifier
  /** What /oauth/token signs with; without it the service issues no tokens (AUTH_JWKS_URL alone). */
  tokenIssuer?: TokenIssuer
  /** The process's logger; none when absent (tests). */
  loggerInstance?: FastifyBaseLogger
  /** Refuse assignments of ids the directory does not know (DIRECTORY_STRICT). */
  directoryStrict?: boolean
  /** The language localized fields fall back to for a reader whose languages are not there (DEFAULT_LANGUAGE). */
  defaultLanguage?: string
  /** Successful deliveries a tenant may receive per month, as the statistics report it (WEBHOOK_MONTHLY_LIMIT). */
  webhooksMonthlyLimit?: number
  /** What one request may ask (default: the defaults of the settings). */
  limits?: Limits
  /** Timeouts of the HTTP server (default: the defaults of the settings). */
  http?: HttpSettings
  /** Webhook destinations may be loopback, private or link-local addresses (DELIVERY_ALLOW_PRIVATE). */
  allowPrivateDestinations?: boolean
  /** Whether new webhook destinations must answer when a config is written (default: off). */
  destinationProbe?: DestinationProbeSettings
  /** The process's metrics, shared with its delivery engine (default: a registry of this app's own). */
  metrics?: Metrics
  /** `/metrics` takes only this bearer token (METRICS_TOKEN); absent means open. */
  metricsToken?: string
  /** The process's tracing, when the OTEL_* settings turn it on: a server span per request. */
  tracing?: Tracing
}

export async function buildApp({
  database,
  readDatabase,
  verifyToken,
  tokenIssuer,
  loggerInstance,
  directoryStrict = false,
  defaultLanguage = 'en',
  webhooksMonthlyLimit,
  limits = DEFAULT_LIMITS,
  http = DEFAULT_HTTP,
  allowPrivateDestinations = false,
  destinationProbe = DEFAULT_DESTINATION_PROBE,
  metrics = createMetrics({ database, replica: readDatabase }),
  metricsToken,
  tracing,
}: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: false }),
    bodyLimit: limits.bodyBytes,
    // A request must arrive whole within the timeout (a slow body would hold its socket forever);
    // idle keep-alive connections are closed.
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    // Node looks for overdue requests every 30 s by default: far too coarse for the timeout to mean much.
    http: { connectionsCheckingInterval: Math.min(1_000, http.requestTimeoutMs), headersTimeout: http.requestTimeoutMs },
    clientErrorHandler: (error, socket) => renderClientError(error, socket, maxHeaderSize),
    requestIdHeader: 'x-request-id',
    // Ids may be 255 characters, percent-encoded up to 12 each; the default (100) would strand long ids.
    routerOptions: { maxParamLength: 4096 },
    frameworkErrors: renderFrameworkError,
    genReqId: () => randomUUID(),
    ajv: {
      // Unknown fields are errors, not silently dropped; query strings are strings, parsed by their owners.
      // Every problem of a body is reported, not only the first; bodies are bounded, so is the work.
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: true },
      plugins: [ajvFormats.default as Plugin<unknown>],
    },
  })
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  metrics.observeRequests(app)
  tracing?.traceRequests(app)
  // An empty body is no body (DELETE with a content-type and nothing else); routes that need one say so.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  // JSON only: a text/plain body would otherwise reach validation and read as a wrong type, not a 415.
  app.removeContentTypeParser('text/plain')
  app.addContentTypeParser(['application/json', 'application/json-patch+json'], { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined)
    parseJson(request, String(body), (error, parsed) => {
      if (error) return done(error, undefined)
      try {
        checkJsonLimits(parsed)
      } catch (limit) {
        return done(limit as Error, undefined)
      }
      done(null, parsed)
    })
  })
  const failures = judgeByOrigin(database, readDatabase)
  app.addHook('onClose', async () => failures.close())
  registerErrorHandler(app, failures)
  if (http.corsOrigins) await registerCors(app, http.corsOrigins)
  registerTextBoundary(app)
  if (http.tenantRateLimit !== undefined) await registerTenantRateLimit(app, http.tenantRateLimit)
  registerAuthentication(app, verifyToken)
  registerDocumentedErrors(app, { rateLimited: http.tenantRateLimit !== undefined })
  await registerOpenApi(app)
  healthRoutes(app, database, readDatabase)
  metricsRoutes(app, metrics, metricsToken)
  const readDb = (readDatabase ?? database).db
  segmentRoutes(app, database, { limits, defaultLanguage, readDb })
  customerAssignmentRoutes(app, database, { strict: directoryStrict, limits, readDb })
  itemAssignmentRoutes(app, database, { strict: directoryStrict, limits, defaultLanguage, readDb })
  directoryRoutes(app, database)
  rulePreviewRoutes(app, database)
  ruleRoutes(app, database)
  eventRoutes(app, database, limits)
  const probe = destinationProbe.enabled ? createDestinationProbe({ allowPrivate: allowPrivateDestinations, timeoutMs: destinationProbe.timeoutMs }) : undefined
  webhookConfigRoutes(app, database, { allowPrivate: allowPrivateDestinations, probe })
  portalEndpointRoutes(app, database, { allowPrivate: allowPrivateDestinations })
  portalRoutes(app, database, tokenIssuer)
  consoleRoutes(app, database, tokenIssuer)
  webhookTryoutRoutes(app, database, { allowPrivate: allowPrivateDestinations })
  eventSubscriptionRoutes(app, database, { defaultLanguage })
  deliveryRoutes(app, database, { webhooksMonthlyLimit })
  apiClientRoutes(app, database)
  oauthRoutes(app, database, tokenIssuer)
  return app
}

/**
 * The webhook portal: the page of a tenant's webhook consumer view (its SVIX_SHARED endpoints, their
 * secrets, the deliveries they got), opened from a one-time link.
 *
 * - `GET /webhook/{tenant}/dashboard-access` (webhook.subscription_manage) answers the contract's
 *   `{url, token}`: a link to `/portal#key=…`, valid once for 10 minutes, and a token of the tenant's
 *   webhook scopes for the portal's API calls.
 * - `POST /portal/session` exchanges the link's key, once, for such a token; the page keeps it in memory.
 * - `GET /portal` and `/portal/assets/*` serve the page and its files, with a strict Content-Security-Policy:
 *   everything comes from this origin, nothing inline. The page uses only the public API.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { mintToken, type TokenIssuer } from '../../auth/mint-token.js'
import { SCOPES } from '../../auth/principal.js'
import type { Database } from '../../db/database.js'
import { ApiError } from '../../errors.js'
import { useWebhookErrorFormat, webhookErrorResponses } from '../../webhooks/error-format.js'
import { consumePortalLink, createPortalLink } from '../../webhooks/portal-links.js'
import { webhookErrors } from '../../webhooks/webhook-errors.js'
import { ErrorBody, errorResponses, TenantParam } from './common.js'
import { pageBundle, securedPage } from './page-response.js'

/** What a portal token may do, and for how long. */
const PORTAL_SCOPES = [SCOPES.webhookRead, SCOPES.webhookManage]
const PORTAL_TOKEN_TTL = '1h'

/** The page's files: the portal's own of the bundle the build makes. */
const PAGE_FILES = ['portal.js', 'portal.css', 'favicon.svg']

const DashboardAccess = Type.Object({
  url: Type.String({ description: 'A link to the webhook portal, to be opened once within 10 minutes.' }),
  token: Type.String({ description: `A bearer token of the tenant's webhook scopes, valid for ${PORTAL_TOKEN_TTL}.` }),
})

const Session = Type.Object({ key: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false })
const SessionToken = Type.Object({ tenant: Type.String(), token: Type.String() })

/** The origin the caller reached this service at, for the link. */
function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`
}

export function portalRoutes(app: FastifyInstance, database: Database, tokenIssuer: TokenIssuer | undefined): void {
  const bundle = pageBundle()
  const page = bundle.get('portal.html')
  const portalToken = (tenant: string) =>
    mintToken((tokenIssuer as TokenIssuer).key, { tenant, scopes: PORTAL_SCOPES, ttl: PORTAL_TOKEN_TTL, issuer: tokenIssuer?.issuer, audience: tokenIssuer?.audience })

  app.register(async (scope) => {
    useWebhookErrorFormat(scope)
    scope.get<{ Params: { tenant: string } }>(
      '/webhook/:tenant/dashboard-access',
      {
        config: { scopes: [SCOPES.webhookManage] },
        schema: {
          tags: ['Webhook portal'],
          operationId: 'GET-webhook-access-tenant-svix',
          summary: 'A one-time link to the webhook portal, and a token for its API',
          params: Type.Object({ tenant: TenantParam }),
          // Without a signing key of its own (tokens verified against an external issuer only), the service
          // has no token to give: 404.
          response: { 200: DashboardAccess, ...webhookErrorResponses(...(tokenIssuer ? [] : [404])) },
        },
      },
      async (request) => {
        if (!tokenIssuer) throw webhookErrors.dashboardNotOffered()
        const { tenant } = request.params
        const key = await createPortalLink(database.db, tenant)
        return { url: `${origin(request)}/portal#key=${key}`, token: await portalToken(tenant) }
      },
    )
  })

  app.post<{ Body: { key: string } }>(
    '/portal/session',
    {
      config: { readsDatabase: true },
      schema: {
        // The portal page's own step (a key works once, so no example could be tried): not in the API document.
        hide: true,
        tags: ['Webhook portal'],
        operationId: 'POST-webhook-open-portal-session',
        summary: "Exchange a portal link's key (once) for a token of the tenant's webhook scopes",
        body: Session,
        response: { 200: SessionToken, ...errorResponses(), 401: { ...ErrorBody, description: 'The link has been used, has expired, or never was' } },
      },
    },
    async (request) => {
      const tenant = tokenIssuer ? await consumePortalLink(database.db, request.body.key) : undefined
      if (!tenant) throw new ApiError(401, 'This portal link has been used or has expired: ask for a new one (dashboard-access).')
      return { tenant, token: await portalToken(tenant) }
    },
  )

  app.get('/portal', { schema: { hide: true } }, (_request, reply) => {
    if (!page) throw new ApiError(404, 'The portal is not built: run `npm run build` (npm install does it).')
    return securedPage(reply, 'text/html; charset=utf-8').send(page[1])
  })
  app.get<{ Params: { name: string } }>('/portal/assets/:name', { schema: { hide: true } }, (request, reply) => {
    const asset = PAGE_FILES.includes(request.params.name) ? bundle.get(request.params.name) : undefined
    if (!asset) throw new ApiError(404, `The resource with id ${request.params.name} has not been found.`, undefined, request.params.name)
    return securedPage(reply, asset[0]).send(asset[1])
  })
}

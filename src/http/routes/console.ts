/**
 * The console: the service's own browser app at `/console`, bundled into dist/console by the build
 * (console/src), served under the same strict Content-Security-Policy as the portal. It calls only the
 * public API. `POST /console/session` exchanges a one-time link from `segments console` for an operator's
 * token (see auth/console-link.ts); signing in with API credentials or a token needs no route of its own.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { readConsoleLink } from '../../auth/console-link.js'
import { useConsoleLink } from '../../auth/console-link-use.js'
import { mintToken, type TokenIssuer } from '../../auth/mint-token.js'
import { OPERATOR_SCOPES } from '../../auth/principal.js'
import type { Database } from '../../db/database.js'
import { ApiError } from '../../errors.js'
import { ErrorBody, errorResponses } from './common.js'
import { pageBundle, securedPage } from './page-response.js'

const SESSION_TTL = '1h'

const Session = Type.Object({ key: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false })
const SessionToken = Type.Object({ tenant: Type.String(), token: Type.String() })

export function consoleRoutes(app: FastifyInstance, database: Database, tokenIssuer: TokenIssuer | undefined): void {
  const bundle = pageBundle()
  const page = bundle.get('index.html')

  app.post<{ Body: { key: string } }>(
    '/console/session',
    {
      config: { readsDatabase: true },
      schema: {
        // The console page's own step (a link opens once, so no example could be tried): not in the API document.
        hide: true,
        tags: ['Console'],
        operationId: 'POST-console-open-session',
        summary: "Exchange a console link's key (once) for an operator's token",
        body: Session,
        response: { 200: SessionToken, ...errorResponses(), 401: { ...ErrorBody, description: 'The link has been used, has expired, or never was' } },
      },
    },
    async (request) => {
      const link = tokenIssuer ? await readConsoleLink(tokenIssuer.key, request.body.key) : undefined
      if (!tokenIssuer || !link || !(await useConsoleLink(database.db, link))) {
        throw new ApiError(401, 'This console link has been used or has expired: print a new one with `segments console`.')
      }
      const token = await mintToken(tokenIssuer.key, {
        tenant: link.tenant,
        scopes: [...OPERATOR_SCOPES],
        ttl: SESSION_TTL,
        issuer: tokenIssuer.issuer,
        audience: tokenIssuer.audience,
      })
      return { tenant: link.tenant, token }
    },
  )

  app.get('/console', { schema: { hide: true } }, (_request, reply) => {
    if (!page) throw new ApiError(404, 'The console is not built: run `npm run build` (npm install does it).')
    return securedPage(reply, 'text/html; charset=utf-8').send(page[1])
  })
  app.get<{ Params: { name: string } }>('/console/assets/:name', { schema: { hide: true } }, (request, reply) => {
    const asset = request.params.name.endsWith('.html') ? undefined : bundle.get(request.params.name)
    if (!asset) throw new ApiError(404, `The resource with id ${request.params.name} has not been found.`, undefined, request.params.name)
    return securedPage(reply, asset[0]).send(asset[1])
  })
}

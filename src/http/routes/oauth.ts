/**
 * The service's own authorization server, both routes public:
 * - `POST /oauth/token`: the client credentials grant, answered as the platform's OAuth service answers
 *   it. It takes form bodies only (RFC 6749), of at most 4 KiB, and renders every failure as an RFC 6749
 *   error, never in the API's error format; responses are not to be cached.
 * - `GET /.well-known/jwks.json`: the public half of an asymmetric signing key, for gateways and other
 *   processes that verify the service's tokens. With an HS256 secret there is nothing to publish (whoever
 *   could verify could also sign), so it answers 404, as it does when the service issues no tokens.
 */
import type { FastifyError, FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TokenIssuer } from '../../auth/mint-token.js'
import { grantClientCredentials, type TokenParameters } from '../../clients/client-credentials.js'
import { OAuthError, oauthErrors } from '../../clients/oauth-errors.js'
import type { Database } from '../../db/database.js'
import { ApiError } from '../../errors.js'
import { classifyError } from '../plugins/error-handler.js'
import { errorResponses, header } from './common.js'

const FORM_LIMIT_BYTES = 4_096
const FORM = 'application/x-www-form-urlencoded'

const TokenRequest = Type.Object(
  {
    grant_type: Type.Optional(Type.String({ maxLength: 100, description: 'Always client_credentials' })),
    client_id: Type.Optional(Type.String({ maxLength: 200, description: 'Or in HTTP Basic' })),
    client_secret: Type.Optional(Type.String({ maxLength: 200, description: 'Or in HTTP Basic' })),
    scope: Type.Optional(Type.String({ maxLength: 1_000, description: "Space-separated: narrows the client's scopes; `tenant=…` must name the client's tenant" })),
  },
  {
    additionalProperties: true,
    examples: [{ grant_type: 'client_credentials', client_id: '{client_id}', client_secret: '{client_secret}', scope: 'tenant={tenant} customersegment.segment_read' }],
  },
)

const AccessTokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.String(),
  expires_in: Type.Integer(),
  scope: Type.String({ description: '`tenant=…` and the granted scopes' }),
  session_idle_time: Type.Integer(),
  refresh_token: Type.String(),
  refresh_token_expires_in: Type.Integer(),
})

const OAuthErrorResponse = Type.Object({ error: Type.String(), error_description: Type.String() }, { description: 'RFC 6749 §5.2' })

const Jwks = Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true })) })

/** The form's parameters; RFC 6749 §3.2 forbids giving one twice. */
function parseForm(body: string): Record<string, string> {
  const parameters = new Map<string, string>()
  for (const [name, value] of new URLSearchParams(body)) {
    if (parameters.has(name)) throw oauthErrors.invalidRequest(`The parameter ${name.slice(0, 100)} is given more than once.`)
    parameters.set(name, value)
  }
  return Object.fromEntries(parameters)
}

/** A failure outside the grant (the body, the database) as the OAuth error closest to it. */
function toOAuthError(error: ApiError): OAuthError {
  switch (error.statusCode) {
    case 503:
      return new OAuthError('temporarily_unavailable', error.message, 503)
    case 413:
      return new OAuthError('invalid_request', `The request body is too large: at most ${FORM_LIMIT_BYTES.toLocaleString('en-US')} bytes are accepted.`, 413)
    case 415:
      return oauthErrors.invalidRequest(`Send the parameters as ${FORM}.`)
  }
  return oauthErrors.invalidRequest(error.message)
}

function noKeysToPublish(issuer: TokenIssuer | undefined): ApiError {
  return new ApiError(
    404,
    issuer
      ? 'No keys are published: this service signs its tokens with an HS256 secret, which stays secret. Give it an asymmetric key (AUTH_PRIVATE_KEY_FILE) to publish its public half here.'
      : 'No keys are published: this service issues no tokens; it accepts those of its identity provider (AUTH_JWKS_URL).',
    { type: 'no_published_keys' },
  )
}

export function oauthRoutes(app: FastifyInstance, database: Database, issuer: TokenIssuer | undefined): void {
  app.register(async (scope) => {
    scope.removeContentTypeParser(['application/json', 'application/json-patch+json'])
    scope.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES }, (_request, body, done) => {
      try {
        done(null, parseForm(String(body)))
      } catch (error) {
        done(error as Error, undefined)
      }
    })
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      let failure: OAuthError
      if (error instanceof OAuthError) failure = error
      else {
        const apiError = classifyError(error, request, reply, database.availability)
        if (!apiError) request.log.error({ err: error }, 'unhandled error')
        failure = apiError ? toOAuthError(apiError) : new OAuthError('server_error', 'An unexpected error occurred.', 500)
      }
      if (failure.statusCode === 401) reply.header('www-authenticate', 'Basic realm="oauth", charset="UTF-8"')
      return reply.code(failure.statusCode).header('cache-control', 'no-store').header('pragma', 'no-cache').type('application/json').send(failure.toBody())
    })

    scope.post<{ Body: TokenParameters }>(
      '/oauth/token',
      {
        bodyLimit: FORM_LIMIT_BYTES,
        // A request without a body is one without parameters: its error is about them, not the body.
        preValidation: async (request) => {
          if (request.body === undefined) request.body = {}
        },
        schema: {
          tags: ['OAuth'],
          operationId: 'POST-oauth-request-client-credentials',
          summary: 'Request a service access token (client credentials grant)',
          description:
            'Authenticate with HTTP Basic (client id and secret) or with client_id and client_secret in the form. The token is for the client\'s tenant, with its scopes or those of them named in `scope`. There are no refresh tokens: ask for a new token when one expires.',
          security: [],
          consumes: [FORM],
          body: TokenRequest,
          response: { 200: AccessTokenResponse, 400: OAuthErrorResponse, 401: OAuthErrorResponse, 413: OAuthErrorResponse, 503: OAuthErrorResponse },
        },
      },
      async (request, reply) => {
        const token = await grantClientCredentials(database.db, issuer, request.body, header(request, 'authorization'))
        return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(token)
      },
    )
  })

  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['OAuth'],
        operationId: 'GET-oauth-jwks',
        summary: "The public key of the service's token signing key (404 when it signs with an HS256 secret)",
        security: [],
        response: { 200: Jwks, 404: errorResponses(404)[404] },
      },
    },
    async (_request, reply) => {
      if (issuer?.key.kind !== 'pair') throw noKeysToPublish(issuer)
      return reply.header('cache-control', 'public, max-age=300').send({ keys: [issuer.key.publicJwk] })
    },
  )
}

/**
 * The endpoints of an SVIX_SHARED webhook config: `/webhook/{tenant}/portal/endpoints[/{endpointId}]` — list,
 * create, read, change, delete — with `/secret` to reveal an endpoint's secret and `/secret/rotate` to
 * replace it. Reading needs webhook.subscription_read; anything that writes, or shows a secret,
 * webhook.subscription_manage. Errors take the webhook contract's shape.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { SCOPES } from '../../auth/principal.js'
import type { Database } from '../../db/database.js'
import { useWebhookErrorFormat, webhookErrorResponses } from '../../webhooks/error-format.js'
import {
  changeEndpoint,
  createEndpoint,
  deleteEndpoint,
  Endpoint,
  EndpointChange,
  type EndpointContext,
  EndpointCreation,
  EndpointSecret,
  getEndpoint,
  listEndpoints,
  presentEndpoint,
  rotateSecret,
  SecretRotation,
} from '../../webhooks/portal-endpoints.js'
import { TenantParam } from './common.js'

const manage = { scopes: [SCOPES.webhookManage] }
const read = { scopes: [SCOPES.webhookRead] }
const tags = ['Webhook portal']

const TenantParams = Type.Object({ tenant: TenantParam })
const EndpointParams = Type.Object({ tenant: TenantParam, endpointId: Type.String({ minLength: 1, maxLength: 64 }) })
type Params = { tenant: string; endpointId: string }

export function portalEndpointRoutes(app: FastifyInstance, database: Database, { allowPrivate }: { allowPrivate: boolean }): void {
  const context = (request: FastifyRequest<{ Params: { tenant: string } }>): EndpointContext => ({ db: database.db, tenant: request.params.tenant, allowPrivate })
  app.register(async (scope) => {
    useWebhookErrorFormat(scope)
    const base = '/webhook/:tenant/portal/endpoints'

    scope.get<{ Params: { tenant: string } }>(
      base,
      { config: read, schema: { tags, operationId: 'GET-webhook-list-portal-endpoints', summary: 'List the SVIX_SHARED endpoints', params: TenantParams, response: { 200: Type.Array(Endpoint), ...webhookErrorResponses() } } },
      async (request) => (await listEndpoints(context(request))).map(presentEndpoint),
    )

    scope.post<{ Params: { tenant: string }; Body: EndpointCreation }>(
      base,
      { config: manage, schema: { tags, operationId: 'POST-webhook-create-portal-endpoint', summary: 'Add an SVIX_SHARED endpoint', params: TenantParams, body: EndpointCreation, response: { 201: Endpoint, ...webhookErrorResponses() } } },
      async (request, reply) => reply.code(201).send(presentEndpoint(await createEndpoint(context(request), request.body))),
    )

    scope.get<{ Params: Params }>(
      `${base}/:endpointId`,
      { config: read, schema: { tags, operationId: 'GET-webhook-retrieve-portal-endpoint', summary: 'Read an SVIX_SHARED endpoint', params: EndpointParams, response: { 200: Endpoint, ...webhookErrorResponses(404) } } },
      async (request) => presentEndpoint(await getEndpoint(context(request), request.params.endpointId)),
    )

    scope.patch<{ Params: Params; Body: EndpointChange }>(
      `${base}/:endpointId`,
      { config: manage, schema: { tags, operationId: 'PATCH-webhook-update-portal-endpoint', summary: 'Change an SVIX_SHARED endpoint (the fields sent)', params: EndpointParams, body: EndpointChange, response: { 200: Endpoint, ...webhookErrorResponses(404) } } },
      async (request) => presentEndpoint(await changeEndpoint(context(request), request.params.endpointId, request.body)),
    )

    scope.delete<{ Params: Params }>(
      `${base}/:endpointId`,
      { config: manage, schema: { tags, operationId: 'DELETE-webhook-remove-portal-endpoint', summary: 'Remove an SVIX_SHARED endpoint', params: EndpointParams, response: { 204: Type.Null(), ...webhookErrorResponses(404) } } },
      async (request, reply) => {
        await deleteEndpoint(context(request), request.params.endpointId)
        return reply.code(204).send()
      },
    )

    scope.get<{ Params: Params }>(
      `${base}/:endpointId/secret`,
      { config: manage, schema: { tags, operationId: 'GET-webhook-reveal-portal-endpoint-secret', summary: "Reveal an endpoint's signing secret", params: EndpointParams, response: { 200: EndpointSecret, ...webhookErrorResponses(404) } } },
      async (request) => ({ key: (await getEndpoint(context(request), request.params.endpointId)).secret }),
    )

    scope.post<{ Params: Params; Body: { key?: string } }>(
      `${base}/:endpointId/secret/rotate`,
      {
        config: manage,
        schema: {
          tags, operationId: 'POST-webhook-rotate-portal-endpoint-secret', summary: "Replace an endpoint's secret (the old one still signs for WEBHOOK_SECRET_GRACE_HOURS)",
          params: EndpointParams, body: SecretRotation, response: { 204: Type.Null(), ...webhookErrorResponses(404) },
        },
      },
      async (request, reply) => {
        await rotateSecret(context(request), request.params.endpointId, request.body?.key)
        return reply.code(204).send()
      },
    )
  })
}

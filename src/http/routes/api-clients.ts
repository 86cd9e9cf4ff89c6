/**
 * The API client admin API: `/customer-segment/{tenant}/api-clients[/{clientId}]` — create, list, read,
 * rotate the secret, revoke — with its own scope, `customersegment.client_manage`. A secret is in the
 * response that creates or rotates it, and never again. A caller hands out only scopes it holds itself.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { SCOPES } from '../../auth/principal.js'
import { ClientCreation, ClientId, ClientResponse, ClientRotation, ClientWithSecret } from '../../clients/client-schemas.js'
import { createClient, getClient, grantableBy, listClients, presentClient, revokeClient, rotateClientSecret } from '../../clients/client-service.js'
import type { Database } from '../../db/database.js'
import { errorResponses, missingBodyIsEmpty, TenantParam } from './common.js'

const manage = { scopes: [SCOPES.clientManage] }
const tags = ['API clients']

const TenantParams = Type.Object({ tenant: TenantParam })
const ClientParams = Type.Object({ tenant: TenantParam, clientId: ClientId })

type Params = { tenant: string; clientId: string }

export function apiClientRoutes(app: FastifyInstance, database: Database): void {
  const base = '/customer-segment/:tenant/api-clients'
  const { db } = database

  app.post<{ Params: { tenant: string }; Body: ClientCreation }>(
    base,
    {
      config: manage,
      schema: {
        tags,
        operationId: 'POST-customer-segment-create-api-client', summary: 'Create an API client; the response holds its secret, shown only this once',
        params: TenantParams,
        body: ClientCreation,
        response: { 201: ClientWithSecret, ...errorResponses() },
      },
    },
    async (request, reply) => {
      grantableBy(request.principal.scopes)(request.body.scopes)
      const client = await createClient(db, request.params.tenant, request.body)
      return reply.code(201).header('cache-control', 'no-store').send(client)
    },
  )

  app.get<{ Params: { tenant: string } }>(
    base,
    { config: manage, schema: { tags, operationId: 'GET-customer-segment-list-api-clients', summary: "The tenant's API clients, oldest first (no secrets)", params: TenantParams, response: { 200: Type.Array(ClientResponse), ...errorResponses() } } },
    async (request) => listClients(db, request.params.tenant),
  )

  app.get<{ Params: Params }>(
    `${base}/:clientId`,
    { config: manage, schema: { tags, operationId: 'GET-customer-segment-retrieve-api-client', summary: 'Read an API client (no secret)', params: ClientParams, response: { 200: ClientResponse, ...errorResponses(404) } } },
    async (request) => presentClient(await getClient(db, request.params.tenant, request.params.clientId)),
  )

  app.post<{ Params: Params; Body: ClientRotation }>(
    `${base}/:clientId/rotate`,
    {
      config: manage,
      preValidation: missingBodyIsEmpty,
      schema: {
        tags,
        operationId: 'POST-customer-segment-rotate-api-client-secret', summary: 'Give the client a new secret (shown only this once); the previous one stops working at once, or after graceSeconds',
        params: ClientParams,
        body: ClientRotation,
        response: { 200: ClientWithSecret, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const { tenant, clientId } = request.params
      const client = await rotateClientSecret(db, tenant, clientId, request.body.graceSeconds, grantableBy(request.principal.scopes))
      return reply.header('cache-control', 'no-store').send(client)
    },
  )

  app.delete<{ Params: Params }>(
    `${base}/:clientId`,
    {
      config: manage,
      schema: {
        tags,
        operationId: 'DELETE-customer-segment-revoke-api-client', summary: 'Revoke an API client: its secrets stop working at once (404 when the tenant has no such client)',
        params: ClientParams,
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await revokeClient(db, request.params.tenant, request.params.clientId)
      return reply.code(204).send()
    },
  )
}

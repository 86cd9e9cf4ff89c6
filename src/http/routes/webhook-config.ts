/**
 * The webhook configuration API: `/webhook/{tenant}/config[/{code}]` — create, list, read, replace,
 * patch, delete — for the providers HTTP (`http`) and SVIX_SHARED (`svix_shared`, whose endpoints live
 * under portal-endpoints.ts; `dashboard-access` is in portal.ts). Errors take the webhook contract's shape.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { SCOPES } from '../../auth/principal.js'
import type { Database } from '../../db/database.js'
import type { DestinationProbe } from '../../delivery/destination-probe.js'
import { ConfigCode, ConfigCreation, ConfigPatch, ConfigResponse, ConfigUpdate, CreatedConfig, type PatchOperation } from '../../webhooks/config-schemas.js'
import { type ConfigContext, createConfig, deleteConfig, getConfig, listConfigs, patchConfig, replaceConfig } from '../../webhooks/config-service.js'
import { useWebhookErrorFormat, webhookErrorResponses } from '../../webhooks/error-format.js'
import { presentConfig } from '../../webhooks/present-config.js'
import { webhookErrors } from '../../webhooks/webhook-errors.js'
import { BooleanParam, TenantParam } from './common.js'

const manage = { scopes: [SCOPES.webhookManage] }
const read = { scopes: [SCOPES.webhookRead] }
const tags = ['Webhook configuration']

const TenantParams = Type.Object({ tenant: TenantParam })
const ConfigParams = Type.Object({ tenant: TenantParam, code: ConfigCode })
const ForceQuery = Type.Object({ force: Type.Optional(BooleanParam) })

type Params = { tenant: string; code: string }

/** A dedicated Svix config would fail schema validation on its shape; the client is told the real reason instead. */
async function httpProviderOnly(request: FastifyRequest): Promise<void> {
  const provider = (request.body as { provider?: unknown } | null | undefined)?.provider
  if (provider === 'SVIX') throw webhookErrors.svixNotOffered()
}

export interface WebhookConfigRouteOptions {
  /** Loopback, private and link-local destinations may be configured (DELIVERY_ALLOW_PRIVATE). */
  allowPrivate: boolean
  /** Checks new destinations when a config is written; absent when probing is off. */
  probe?: DestinationProbe
}

export function webhookConfigRoutes(app: FastifyInstance, database: Database, { allowPrivate, probe }: WebhookConfigRouteOptions): void {
  const context = (request: FastifyRequest<{ Params: { tenant: string } }>): ConfigContext => ({
    db: database.db,
    tenant: request.params.tenant,
    allowPrivate,
    probe,
  })
  app.register(async (scope) => {
    useWebhookErrorFormat(scope)
    const base = '/webhook/:tenant/config'

    scope.post<{ Params: { tenant: string }; Body: ConfigCreation }>(
      base,
      {
        config: manage,
        preValidation: httpProviderOnly,
        schema: { tags, operationId: 'POST-webhook-create-config', summary: 'Create the webhook config', params: TenantParams, body: ConfigCreation, response: { 201: CreatedConfig, ...webhookErrorResponses(409) } },
      },
      async (request, reply) => reply.code(201).send({ code: await createConfig(context(request), request.body) }),
    )

    scope.get<{ Params: { tenant: string } }>(
      base,
      { config: read, schema: { tags, operationId: 'GET-webhook-list-configs', summary: 'List webhook configs', params: TenantParams, response: { 200: Type.Array(ConfigResponse), ...webhookErrorResponses() } } },
      async (request) => (await listConfigs(context(request))).map(presentConfig),
    )

    scope.get<{ Params: Params }>(
      `${base}/:code`,
      { config: read, schema: { tags, operationId: 'GET-webhook-retrieve-config', summary: 'Read a webhook config', params: ConfigParams, response: { 200: ConfigResponse, ...webhookErrorResponses(404) } } },
      async (request) => presentConfig(await getConfig(context(request), request.params.code)),
    )

    scope.put<{ Params: Params; Body: ConfigUpdate }>(
      `${base}/:code`,
      {
        config: manage,
        preValidation: httpProviderOnly,
        schema: { tags, operationId: 'PUT-webhook-update-config', summary: 'Replace a webhook config', params: ConfigParams, body: ConfigUpdate, response: { 204: Type.Null(), ...webhookErrorResponses(404) } },
      },
      async (request, reply) => {
        await replaceConfig(context(request), request.params.code, request.body)
        return reply.code(204).send()
      },
    )

    scope.patch<{ Params: Params; Body: PatchOperation[] }>(
      `${base}/:code`,
      {
        config: manage,
        schema: { tags, operationId: 'PATCH-webhook-update-config', summary: 'Patch a webhook config (UPSERT / REMOVE by path)', params: ConfigParams, body: ConfigPatch, response: { 204: Type.Null(), ...webhookErrorResponses(404, 409) } },
      },
      async (request, reply) => {
        await patchConfig(context(request), request.params.code, request.body)
        return reply.code(204).send()
      },
    )

    scope.delete<{ Params: Params; Querystring: { force?: 'true' | 'false' } }>(
      `${base}/:code`,
      {
        config: manage,
        schema: { tags, operationId: 'DELETE-webhook-remove-config', summary: 'Delete a webhook config (an active one needs force=true)', params: ConfigParams, querystring: ForceQuery, response: { 204: Type.Null(), ...webhookErrorResponses() } },
      },
      async (request, reply) => {
        await deleteConfig(context(request), request.params.code, request.query.force === 'true')
        return reply.code(204).send()
      },
    )
  })
}

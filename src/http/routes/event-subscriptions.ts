/**
 * The event subscription API: `/webhook/{tenant}/event-subscriptions` — the event catalogue with the
 * tenant's subscription to each event (GET), and subscribe / unsubscribe / field selection (PATCH, 207
 * with one result per item). Errors take the webhook contract's shape.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { SCOPES } from '../../auth/principal.js'
import type { Database } from '../../db/database.js'
import { localeOf } from '../../i18n/languages.js'
import { useWebhookErrorFormat, webhookErrorResponses } from '../../webhooks/error-format.js'
import { SubscriptionResult, SubscriptionUpdate, type SubscriptionUpdateItem, WebhookSubscription } from '../../webhooks/subscription-schemas.js'
import { listSubscriptions, updateSubscriptions } from '../../webhooks/subscription-service.js'
import { header, TenantParam } from './common.js'

const tags = ['Event subscriptions']
const TenantParams = Type.Object({ tenant: TenantParam })

export function eventSubscriptionRoutes(app: FastifyInstance, database: Database, options: { defaultLanguage: string }): void {
  app.register(async (scope) => {
    useWebhookErrorFormat(scope)
    const path = '/webhook/:tenant/event-subscriptions'

    scope.get<{ Params: { tenant: string } }>(
      path,
      {
        config: { scopes: [SCOPES.webhookRead] },
        schema: {
          tags,
          operationId: 'GET-webhook-list-all-event-subscriptions', summary: 'Read the event catalogue with the subscription to each event',
          description: 'With Accept-Language, each text is a map holding only the best available language (the default language, else English, when none matches).',
          params: TenantParams,
          headers: Type.Object({ 'accept-language': Type.Optional(Type.String()) }),
          response: { 200: Type.Array(WebhookSubscription), ...webhookErrorResponses() },
        },
      },
      async (request) =>
        listSubscriptions({ db: database.db, tenant: request.params.tenant }, localeOf(header(request, 'accept-language'), options.defaultLanguage)),
    )

    scope.patch<{ Params: { tenant: string }; Body: SubscriptionUpdateItem[] }>(
      path,
      {
        config: { scopes: [SCOPES.webhookManage] },
        schema: {
          tags,
          operationId: 'PATCH-webhook-manage-event-subscriptions', summary: 'Subscribe to or unsubscribe from events, and choose their fields',
          description:
            'One result per item, in order: 200, 400 (bad fields), 404 (unknown event type) or 409 (missing or stale metadata.version). Items are applied one by one.',
          params: TenantParams,
          body: SubscriptionUpdate,
          response: { 207: Type.Array(SubscriptionResult), ...webhookErrorResponses() },
        },
      },
      async (request, reply) => reply.code(207).send(await updateSubscriptions({ db: database.db, tenant: request.params.tenant }, request.body)),
    )
  })
}

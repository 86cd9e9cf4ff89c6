/**
 * Trying webhooks out before relying on them, for the console and for anyone with curl:
 * - `POST /webhook/{tenant}/filter-check` evaluates a filter against a sample payload, with the same
 *   parser, dialects and cost bound as delivery routing, and saves nothing;
 * - `POST /webhook/{tenant}/targets/{configCode}/{targetId}/test` sends one signed `webhook.test` request
 *   to a configured target now and answers what the receiver said (see delivery/test-event.ts).
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { SCOPES } from '../../auth/principal.js'
import type { Database } from '../../db/database.js'
import type { TargetRef } from '../../delivery/target-health.js'
import { sendTestEvent } from '../../delivery/test-event.js'
import { errors } from '../../errors.js'
import { Filter } from '../../webhooks/config-schemas.js'
import { checkFilterValue } from '../../webhooks/config-values.js'
import { filterMatches } from '../../webhooks/event-filter.js'
import { errorResponses, TenantParam } from './common.js'

const tags = ['Delivery log']
const Code = Type.String({ minLength: 1, maxLength: 255 })

const FilterCheck = Type.Object(
  {
    filter: Filter,
    payload: Type.Object({}, { additionalProperties: true, description: "An event's payload, as deliveries carry it." }),
  },
  { additionalProperties: false, examples: [{ filter: "$[?(@.status == 'ACTIVE')]", payload: { id: 'gold', status: 'ACTIVE' } }] },
)
const FilterVerdict = Type.Object({
  matched: Type.Boolean({ description: 'Whether an event with this payload would go to an entry with this filter.' }),
  error: Type.Optional(Type.String({ description: 'Why the filter could not be evaluated on this payload (it then counts as not matching).' })),
})
const TestResult = Type.Object({
  webhookId: Type.String({ description: 'The test request\'s `webhook-id`.' }),
  url: Type.String(),
  status: Type.Union([Type.Integer(), Type.Null()], { description: "The receiver's status; null when it did not answer." }),
  durationMs: Type.Number(),
  error: Type.Union([Type.String(), Type.Null()]),
  responseExcerpt: Type.Union([Type.String(), Type.Null()], { description: 'The first 4 KiB of the answer.' }),
})

export function webhookTryoutRoutes(app: FastifyInstance, { db }: Database, options: { allowPrivate: boolean }): void {
  app.post<{ Params: { tenant: string }; Body: { filter: string; payload: Record<string, unknown> } }>(
    '/webhook/:tenant/filter-check',
    {
      // Evaluated in memory: no database, so no 503 while it is away.
      config: { scopes: [SCOPES.webhookRead], readsDatabase: false },
      schema: {
        tags,
        operationId: 'POST-webhook-check-filter',
        summary: 'Try a filter against a sample payload (saves nothing)',
        params: Type.Object({ tenant: TenantParam }),
        body: FilterCheck,
        response: { 200: FilterVerdict, ...errorResponses() },
      },
    },
    async (request) => {
      const filter = checkFilterValue(request.body.filter, 'filter')
      const verdict = filterMatches(filter, request.body.payload)
      return verdict.error === undefined ? { matched: verdict.matched } : { matched: false, error: verdict.error }
    },
  )

  app.post<{ Params: TargetRef }>(
    '/webhook/:tenant/targets/:configCode/:targetId/test',
    {
      config: { scopes: [SCOPES.webhookManage] },
      schema: {
        tags,
        operationId: 'POST-webhook-test-target',
        summary: 'Send a signed test event to a target now',
        description: 'The request is signed and addressed as the target\'s deliveries are, with type `webhook.test`; it is not published and not in the delivery log.',
        params: Type.Object({ tenant: TenantParam, configCode: Code, targetId: Code }),
        response: { 200: TestResult, ...errorResponses(404) },
      },
    },
    async (request) => {
      const result = await sendTestEvent(db, request.params, options)
      if (!result) throw errors.notFound(`${request.params.configCode}/${request.params.targetId}`)
      return result
    },
  )
}

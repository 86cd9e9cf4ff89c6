/**
 * Rules: `GET/PUT/DELETE /customer-segment/{tenant}/segments/{segmentId}/rule`, a segment's rule and its
 * evaluation (rules/segment-rules.ts), and `POST /customer-segment/{tenant}/segments/rule-preview`, what a
 * rule would select in the directory now, without saving anything (rules/rule-preview.ts).
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { SCOPES } from '../../auth/principal.js'
import type { Database } from '../../db/database.js'
import { PREVIEW_SAMPLE_SIZE, previewRule } from '../../rules/rule-preview.js'
import { RULE_LIMITS } from '../../rules/rule-query.js'
import { named } from '../../validation/named-schema.js'
import { MetadataUpdate } from '../../domain.js'
import { deleteRule, getRule, putRule, type RuleInput } from '../../rules/segment-rules.js'
import { errorResponses, SegmentParams, TenantParam } from './common.js'

const PreviewRequest = named('RulePreviewRequest', Type.Object(
  {
    query: Type.String({ maxLength: RULE_LIMITS.length, description: 'The rule, e.g. `tags:wholesale AND attributes.lastOrderAt:>now-30d`' }),
    b2b: Type.Optional(Type.Boolean({ description: 'true: evaluate per customer and each of its legalEntityIds, false (default): per customer' })),
  },
  { additionalProperties: false },
))

const PreviewResponse = named('RulePreview', Type.Object({
  matching: Type.Integer({ description: 'Customers (with b2b: customer and legal entity pairs) the rule selects' }),
  total: Type.Integer({ description: 'Customers (pairs) in the directory' }),
  sample: Type.Array(
    Type.Object({
      id: Type.String(),
      email: Type.Optional(Type.String()),
      firstName: Type.Optional(Type.String()),
      lastName: Type.Optional(Type.String()),
      legalEntityId: Type.Optional(Type.String()),
    }),
    { description: `The first ${PREVIEW_SAMPLE_SIZE} selected, by id` },
  ),
}))

const RuleQuery = Type.String({ maxLength: RULE_LIMITS.length, description: 'The rule, e.g. `tags:wholesale AND attributes.lastOrderAt:>now-30d`' })
const B2b = Type.Boolean({ description: 'true: evaluate per customer and each of its legalEntityIds, making B2B assignments; false (default): per customer, B2C' })

const Evaluation = Type.Object({
  state: Type.Union([Type.Literal('PENDING'), Type.Literal('RUNNING'), Type.Literal('DONE')], {
    description: 'PENDING: queued; RUNNING: walking the directory; DONE: membership follows the rule',
  }),
  evaluated: Type.Integer({ description: 'Directory customers evaluated so far' }),
  total: Type.Integer({ description: 'Directory customers when the evaluation started' }),
  added: Type.Integer({ description: 'Automatic assignments this evaluation added' }),
  removed: Type.Integer({ description: 'Automatic assignments this evaluation removed' }),
  startedAt: Type.Optional(Type.String({ format: 'date-time' })),
  finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
  error: Type.Optional(Type.String({ description: 'Why the last chunk failed; it is tried again after the other rules\' chunks' })),
})

const SegmentRuleResponse = named('SegmentRule', Type.Object({
  query: RuleQuery,
  b2b: B2b,
  relative: Type.Boolean({ description: 'The rule compares with now; it is evaluated again on a schedule (RULES_RELATIVE_INTERVAL_MINUTES)' }),
  evaluation: Evaluation,
  metadata: Type.Object({ version: Type.Integer(), createdAt: Type.String({ format: 'date-time' }), modifiedAt: Type.String({ format: 'date-time' }) }),
}))

const SegmentRuleRequest = named('SegmentRuleRequest', Type.Object(
  {
    query: RuleQuery,
    b2b: Type.Optional(B2b),
    metadata: Type.Optional(MetadataUpdate),
    relative: Type.Optional(Type.Boolean({ description: 'Read-only; ignored' })),
    evaluation: Type.Optional(Type.Unknown({ description: 'Read-only; ignored' })),
  },
  { additionalProperties: false },
))

export function ruleRoutes(app: FastifyInstance, database: Database): void {
  const path = '/customer-segment/:tenant/segments/:segmentId/rule'
  const tags = ['Segments']
  type Params = { tenant: string; segmentId: string }
  app.get<{ Params: Params }>(
    path,
    {
      config: { scopes: [SCOPES.segmentRead, SCOPES.segmentManage] },
      schema: { tags, operationId: 'GET-customer-segment-retrieve-rule', summary: "Read a segment's rule and the progress of its evaluation", params: SegmentParams, response: { 200: SegmentRuleResponse, ...errorResponses(404) } },
    },
    async (request) => getRule(database.db, request.params.tenant, request.params.segmentId),
  )
  app.put<{ Params: Params; Body: RuleInput }>(
    path,
    {
      config: { scopes: [SCOPES.segmentManage], queryParameter: 'query' },
      schema: {
        tags,
        operationId: 'PUT-customer-segment-upsert-rule',
        summary: "Create or change a segment's rule: its membership is evaluated over the directory in the background, then kept current",
        params: SegmentParams,
        body: SegmentRuleRequest,
        response: { 200: SegmentRuleResponse, 201: SegmentRuleResponse, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const { created, rule } = await putRule(database.db, request.params.tenant, request.params.segmentId, request.body)
      return reply.code(created ? 201 : 200).send(rule)
    },
  )
  app.delete<{ Params: Params }>(
    path,
    {
      config: { scopes: [SCOPES.segmentManage] },
      schema: {
        tags,
        operationId: 'DELETE-customer-segment-remove-rule',
        summary: "Remove a segment's rule (204 also when it has none); its automatic assignments are removed in the background",
        params: SegmentParams,
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await deleteRule(database.db, request.params.tenant, request.params.segmentId)
      return reply.code(204).send()
    },
  )
}

export function rulePreviewRoutes(app: FastifyInstance, database: Database): void {
  app.post<{ Params: { tenant: string }; Body: { query: string; b2b?: boolean } }>(
    '/customer-segment/:tenant/segments/rule-preview',
    {
      config: { scopes: [SCOPES.segmentRead, SCOPES.segmentManage], queryParameter: 'query' },
      schema: {
        tags: ['Segments'],
        operationId: 'POST-customer-segment-preview-rule',
        summary: 'Preview a rule: how many directory customers it selects, out of how many, and a sample',
        params: Type.Object({ tenant: TenantParam }),
        body: PreviewRequest,
        response: { 200: PreviewResponse, ...errorResponses() },
      },
    },
    async (request) => previewRule(database.db, request.params.tenant, request.body.query, { b2b: request.body.b2b ?? false, now: new Date() }),
  )
}

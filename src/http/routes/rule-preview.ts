/**
 * `POST /customer-segment/{tenant}/segments/rule-preview`: what a rule would select in the directory now,
 * without saving anything (rules/rule-preview.ts).
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { SCOPES } from '../../auth/principal.js'
import type { Database } from '../../db/database.js'
import { PREVIEW_SAMPLE_SIZE, previewRule } from '../../rules/rule-preview.js'
import { RULE_LIMITS } from '../../rules/rule-query.js'
import { named } from '../../validation/named-schema.js'
import { errorResponses, TenantParam } from './common.js'

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

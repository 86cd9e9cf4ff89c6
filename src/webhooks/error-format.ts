/**
 * The webhook contract's error shape. Its `ErrorMessage` lists `details` as strings, where the rest of
 * the API answers one details object; webhook-service clients parse the list. A preSerialization hook on
 * the webhook route plugins rewrites every error those routes answer (validation, authentication,
 * catalogue) just before it is serialized, so the error handler stays the single place errors are made.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { ErrorBody, ErrorDetails } from '../errors.js'
import { errorResponsesFor } from '../http/routes/common.js'

const WebhookErrorBody = Type.Object({
  code: Type.Integer(),
  status: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Array(Type.String(), { description: 'The problems, each as `field: problem`.' })),
  fault: Type.Optional(Type.Object({}, { additionalProperties: true })),
}, { title: 'WebhookError' })

/** The documented error responses of the webhook routes, for OpenAPI. */
export const webhookErrorResponses = errorResponsesFor(WebhookErrorBody)

function detailLines(details: ErrorDetails): string[] {
  const problem = details.message ?? details.type
  if (details.field && problem) return [`${details.field}: ${problem}`]
  const line = details.field ?? problem
  return line ? [line] : []
}

/** An error body in the webhook contract's shape: `details` as a list of strings, no `resourceId`. */
function toWebhookError(body: ErrorBody & { fault?: unknown }): Record<string, unknown> {
  const { details, resourceId: _resourceId, ...rest } = body
  const lines = details && !Array.isArray(details) ? detailLines(details) : []
  return lines.length > 0 ? { ...rest, details: lines } : rest
}

function isErrorBody(payload: unknown): payload is ErrorBody {
  return typeof payload === 'object' && payload !== null && typeof (payload as ErrorBody).code === 'number' && typeof (payload as ErrorBody).message === 'string'
}

/** Makes every error answered by the routes of `scope` contract-shaped. */
export function useWebhookErrorFormat(scope: FastifyInstance): void {
  scope.addHook('preSerialization', async (_request, reply, payload) => {
    if (reply.statusCode < 400 || !isErrorBody(payload)) return payload
    return toWebhookError(payload)
  })
}

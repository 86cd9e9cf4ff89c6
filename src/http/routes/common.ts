/** Pieces shared by the route modules: path and query parameter schemas, header readers, error responses. */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type TSchema, Type } from 'typebox'
import { ResourceId } from '../../segments/segment-schemas.js'
import { SHAPE_STATUSES, shapeResponse } from '../plugins/documented-errors.js'

export const TenantParam = Type.String({ pattern: '^[a-z][a-z0-9]+$', minLength: 3, maxLength: 16 })

export const ErrorBody = Type.Object({
  code: Type.Integer(),
  status: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Object({}, { additionalProperties: true })),
  resourceId: Type.Optional(Type.String()),
  fault: Type.Optional(Type.Object({}, { additionalProperties: true })),
}, { title: 'Error' })

/**
 * The documented error responses with `body` as their schema, for OpenAPI (the error handler renders
 * them): the statuses every route may answer by its shape, of which the documented-errors plugin keeps
 * those that apply, and `specific`, the ones the route's own logic answers.
 */
export function errorResponsesFor(body: object): (...specific: number[]) => Record<string, object> {
  return (...specific) => Object.fromEntries([...SHAPE_STATUSES, ...specific].map((status) => [status, shapeResponse(status, body)]))
}

/** The documented error responses of a route whose own logic answers `specific` (besides its shape's). */
export const errorResponses = errorResponsesFor(ErrorBody)

export const ListQuery = {
  q: Type.Optional(Type.String({ maxLength: 10_000 })),
  pageNumber: Type.Optional(Type.String()),
  pageSize: Type.Optional(Type.String()),
  sort: Type.Optional(Type.String({ maxLength: 1000 })),
  fields: Type.Optional(Type.String({ maxLength: 1000 })),
}

export const BooleanParam = Type.Union([Type.Literal('true'), Type.Literal('false')])

export const SegmentParams = Type.Object({ tenant: TenantParam, segmentId: ResourceId })

/** Whose view a read is, when an operator asks for one customer's (see readerOf). */
export const ReaderQuery = { customerId: Type.Optional(ResourceId), legalEntityId: Type.Optional(ResourceId) }

/** Request headers of reads that localize: the reader's languages. */
export const AcceptLanguageHeader = {
  'accept-language': Type.Optional(Type.String({ description: 'Languages by preference, with q-values: each localized field then holds its best entry. `*` or none: every entry.' })),
}

/** Request headers of lists that can count. */
export const TotalCountHeader = {
  'x-total-count': Type.Optional(Type.String({ description: '`true` to receive the number of all matches in the X-Total-Count response header.' })),
}

/** A list response: an array of `item`, with the X-Total-Count response header when it was asked for. */
export function listResponse<T extends TSchema>(item: T) {
  return { ...Type.Array(item), headers: { 'X-Total-Count': { type: 'string', description: 'The number of all matches, when the request sent `X-Total-Count: true`.' } } }
}

/** True when the client sent `X-Total-Count: true`. */
export function wantsTotalCount(request: FastifyRequest): boolean {
  return String(request.headers['x-total-count'] ?? '').toLowerCase() === 'true'
}

export function sendTotalCount(reply: FastifyReply, total: number | undefined): void {
  if (total !== undefined) reply.header('X-Total-Count', String(total))
}

export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/**
 * A preValidation hook for upserts whose body the contract leaves optional (assignment PUTs): a request
 * without a body is an upsert of nothing, as `{}`, rather than a validation error.
 */
export async function missingBodyIsEmpty(request: FastifyRequest): Promise<void> {
  if (request.body === undefined) request.body = {}
}

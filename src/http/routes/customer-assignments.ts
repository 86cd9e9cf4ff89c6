/** Customer assignments: `/customer-segment/{tenant}/segments/{segmentId}/customers…` (B2C and B2B). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import { Type } from 'typebox'
import { listCustomerAssignments } from '../../assignments/customer-assignment-query.js'
import {
  CustomerAssignmentResponse,
  CustomerAssignmentUpsert,
  CustomerAssignmentUpsertBulk,
  CustomerKey,
} from '../../assignments/customer-assignment-schemas.js'
import {
  type AssignmentContext,
  type CustomerAssignmentInput,
  deleteCustomerAssignments,
  getCustomerAssignment,
  upsertCustomerAssignments,
} from '../../assignments/customer-assignments.js'
import { requireVisibleSegment } from '../../assignments/visible-segment.js'
import { SCOPES } from '../../auth/principal.js'
import type { Limits } from '../../config.js'
import type { Database } from '../../db/database.js'
import type { DB } from '../../db/schema.js'
import { projectFields } from '../../query/fields.js'
import { type Checker, schemaChecker } from '../../validation/schema-check.js'
import { ResourceId, SearchBody } from '../../segments/segment-schemas.js'
import { readerOf } from '../reader.js'
import { runAssignmentBulk, singleStatus } from './assignment-bulk.js'
import { BulkResult } from '../../segments/segment-schemas.js'
import { errorResponses, ListQuery, listResponse, TotalCountHeader, missingBodyIsEmpty, ReaderQuery, SegmentParams, sendTotalCount, TenantParam, wantsTotalCount } from './common.js'

const tags = ['Customers Assignments']
const manage = { scopes: [SCOPES.segmentManage] }
const read = { scopes: [SCOPES.segmentRead] }
const readOrOwn = { scopes: [SCOPES.segmentRead, SCOPES.segmentReadOwn] }

const B2CParams = Type.Object({ tenant: TenantParam, segmentId: ResourceId, customerId: ResourceId })
const B2BParams = Type.Object({ tenant: TenantParam, segmentId: ResourceId, customerId: ResourceId, legalEntityId: ResourceId })
const FieldsQuery = Type.Object({ fields: ListQuery.fields })

type Params = { tenant: string; segmentId: string; customerId: string; legalEntityId?: string }
type ListRequest = FastifyRequest<{ Params: { tenant: string; segmentId: string }; Querystring: Record<string, string | undefined> }>

export interface CustomerAssignmentRouteOptions {
  strict: boolean
  limits: Limits
  /** Where a customer token's reads go: the read replica when there is one (read-replica.ts). */
  readDb: Kysely<DB>
}

export function customerAssignmentRoutes(app: FastifyInstance, database: Database, options: CustomerAssignmentRouteOptions): void {
  const base = '/customer-segment/:tenant/segments/:segmentId/customers'
  const context = (tenant: string): AssignmentContext => ({ db: database.db, tenant, strict: options.strict, limits: options.limits })

  const list = async (request: ListRequest, reply: FastifyReply, q: string | undefined) => {
    const { tenant, segmentId } = request.params
    // As on every read a customer may make: `customerId` is the operator's to give (a customer gets 403),
    // and a customer's legal entity comes from the token, or from `legalEntityId` when the token has none.
    const reader = readerOf(request, request.query)
    const db = reader.isCustomer ? options.readDb : database.db
    await requireVisibleSegment(db, tenant, segmentId, reader)
    const { items, total } = await listCustomerAssignments(db, tenant, segmentId, {
      q,
      sort: request.query.sort,
      pageNumber: request.query.pageNumber,
      pageSize: request.query.pageSize,
      withTotal: wantsTotalCount(request),
      member: reader.member,
      budget: options.limits,
    })
    sendTotalCount(reply, total)
    return items.map((item) => projectFields(item, request.query.fields))
  }

  const listed = { 200: listResponse(CustomerAssignmentResponse), ...errorResponses(404) }
  const headers = Type.Object(TotalCountHeader)
  app.get(base, { config: readOrOwn, schema: { tags, operationId: 'GET-customer-segment-retrieve-customers', summary: 'List a segment’s customer assignments', params: SegmentParams, querystring: Type.Object({ ...ListQuery, ...ReaderQuery }), headers, response: listed } }, (request, reply) =>
    list(request as ListRequest, reply, (request as ListRequest).query.q),
  )
  app.post(
    `${base}/search`,
    { config: read, schema: { tags, operationId: 'POST-customer-segment-search-customers', summary: 'Search a segment’s customer assignments', params: SegmentParams, querystring: Type.Object({ ...ListQuery, q: Type.Optional(Type.Never()) }), headers, body: SearchBody, response: listed } },
    (request, reply) => list(request as ListRequest, reply, (request.body as { q?: string }).q),
  )

  for (const [path, params, label] of [
    [`${base}/:customerId`, B2CParams, 'B2C'],
    [`${base}/:customerId/:legalEntityId`, B2BParams, 'B2B'],
  ] as const) {
    app.get<{ Params: Params; Querystring: { fields?: string } }>(
      path,
      { config: read, schema: { tags, operationId: label === 'B2C' ? 'GET-customer-segment-retrieve-customer-by-customerId' : 'GET-customer-segment-retrieve-customer', summary: `[${label}] Read a customer assignment`, params, querystring: FieldsQuery, response: { 200: CustomerAssignmentResponse, ...errorResponses(404) } } },
      async (request) => {
        const { tenant, segmentId, customerId, legalEntityId = '' } = request.params
        await requireVisibleSegment(database.db, tenant, segmentId)
        return projectFields(await getCustomerAssignment(database.db, tenant, segmentId, customerId, legalEntityId), request.query.fields)
      },
    )
    app.put<{ Params: Params; Body: CustomerAssignmentUpsert }>(
      path,
      {
        config: manage,
        preValidation: missingBodyIsEmpty,
        schema: { tags, operationId: label === 'B2C' ? 'PUT-customer-segment-update-customer-by-customerId' : 'PUT-customer-segment-update-customer', summary: `[${label}] Upsert a customer assignment`, params, body: CustomerAssignmentUpsert, response: { 201: Type.Null(), 204: Type.Null(), ...errorResponses(404, 409) } },
      },
      async (request, reply) => {
        const { tenant, segmentId, customerId, legalEntityId } = request.params
        const [result] = await upsertCustomerAssignments(context(tenant), segmentId, [{ ...request.body, customerId, legalEntityId }])
        return reply.code(singleStatus(result)).send()
      },
    )
    app.delete<{ Params: Params }>(
      path,
      { config: manage, schema: { tags, operationId: label === 'B2C' ? 'DELETE-customer-segment-remove-customer-by-customerId' : 'DELETE-customer-segment-remove-customer', summary: `[${label}] Remove a customer from a segment (409 for an AUTOMATIC assignment, which the segment's rule manages)`, params, response: { 204: Type.Null(), ...errorResponses(404, 409) } } },
      async (request, reply) => {
        const { tenant, segmentId, customerId, legalEntityId } = request.params
        const [result] = await deleteCustomerAssignments(context(tenant), segmentId, [{ customerId, legalEntityId }])
        if ('error' in result) throw result.error
        return reply.code(204).send()
      },
    )
  }

  const bulkResponse = { 207: Type.Array(BulkResult), ...errorResponses(404) }
  const checkBulkItem = schemaChecker<CustomerAssignmentUpsertBulk>(CustomerAssignmentUpsertBulk)
  // An item names its customer by `customerId`, or, as a read returns it, by `customer.id` (the two must agree).
  const checkUpsert: Checker<CustomerAssignmentInput> = (raw) => {
    const checked = checkBulkItem(raw)
    if (checked.problem) return { problem: checked.problem }
    const { customerId = checked.value.customer?.id, legalEntityId = checked.value.legalEntity?.id, ...rest } = checked.value
    if (customerId === undefined) return { problem: { field: 'customerId', message: "'customerId' is required (or 'customer.id')" } }
    return { value: { ...rest, customerId, legalEntityId } }
  }
  const checkKey = schemaChecker<CustomerKey>(CustomerKey)
  app.put<{ Params: { tenant: string; segmentId: string }; Body: unknown[] }>(
    `${base}/bulk`,
    { config: manage, schema: { tags, operationId: 'PUT-customer-segment-update-customers-bulk', summary: 'Upsert customer assignments in bulk', params: SegmentParams, body: Type.Array(Type.Unknown()), response: bulkResponse } },
    async (request, reply) => {
      const { tenant, segmentId } = request.params
      const results = await runAssignmentBulk(request.body, checkUpsert, (items) => upsertCustomerAssignments(context(tenant), segmentId, items))
      return reply.code(207).send(results)
    },
  )
  app.delete<{ Params: { tenant: string; segmentId: string }; Body: unknown[] }>(
    `${base}/bulk`,
    { config: manage, schema: { tags, operationId: 'DELETE-customer-segment-remove-customers-bulk', summary: 'Remove customers from a segment in bulk', params: SegmentParams, body: Type.Array(Type.Unknown()), response: bulkResponse } },
    async (request, reply) => {
      const { tenant, segmentId } = request.params
      const results = await runAssignmentBulk(request.body, checkKey, (keys) => deleteCustomerAssignments(context(tenant), segmentId, keys))
      return reply.code(207).send(results)
    },
  )
}

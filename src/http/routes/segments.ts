/** The Segments API: `/customer-segment/{tenant}/segments…` — create, read, list, search, upsert, patch, delete, bulk. */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import { Type } from 'typebox'
import { SCOPES } from '../../auth/principal.js'
import type { Limits } from '../../config.js'
import { localeOf, parseContentLanguage, sortLanguages } from '../../i18n/languages.js'
import { schemaChecker } from '../../validation/schema-check.js'
import { presentSegment } from '../../segments/present-segment.js'
import { listSegments } from '../../segments/segment-query.js'
import {
  BulkResult,
  CreatedResponse,
  PatchBody,
  ResourceId,
  SearchBody,
  SegmentCreation,
  SegmentResponse,
  SegmentUpdate,
} from '../../segments/segment-schemas.js'
import {
  createSegment,
  deleteSegment,
  getSegment,
  patchSegment,
  type SegmentContext,
  upsertSegment,
} from '../../segments/segment-service.js'
import { requireVisibleSegment } from '../../assignments/visible-segment.js'
import type { Database } from '../../db/database.js'
import type { DB } from '../../db/schema.js'
import { readerOf } from '../reader.js'
import { bulkEntry, itemChecker, runBulk } from './bulk.js'
import { AcceptLanguageHeader, BooleanParam, errorResponses, listResponse, TotalCountHeader, header, ListQuery, ReaderQuery, SegmentParams, sendTotalCount, TenantParam, wantsTotalCount } from './common.js'

// Bulk items run one by one, each in its own service transaction, so one bad item does not undo the others.
const MAX_BULK = 200
const manage = { scopes: [SCOPES.segmentManage] }
const read = { scopes: [SCOPES.segmentRead, SCOPES.segmentReadOwn] }
const tags = ['Segments']

const TenantParams = Type.Object({ tenant: TenantParam })
const LanguageHeaders = Type.Object({ 'content-language': Type.Optional(Type.String()) })
const ListHeaders = Type.Object({ ...AcceptLanguageHeader, ...TotalCountHeader })
const ReadHeaders = Type.Object(AcceptLanguageHeader)
const ForceDeleteQuery = Type.Object({ forceDelete: Type.Optional(BooleanParam) })

type Params = { tenant: string; segmentId: string }

export interface SegmentRouteOptions {
  limits: Limits
  defaultLanguage: string
  /** Where a customer token's reads go: the read replica when there is one (read-replica.ts). */
  readDb: Kysely<DB>
}

export function segmentRoutes(app: FastifyInstance, database: Database, { limits, defaultLanguage, readDb }: SegmentRouteOptions): void {
  const context = (request: FastifyRequest<{ Params: { tenant: string } }>): SegmentContext => ({
    db: database.db,
    tenant: request.params.tenant,
    language: parseContentLanguage(header(request, 'content-language')),
    limits,
  })
  const locale = (request: FastifyRequest) => localeOf(header(request, 'accept-language'), defaultLanguage)
  const base = '/customer-segment/:tenant/segments'
  const checkCreation = itemChecker(schemaChecker<SegmentCreation>(SegmentCreation))
  const checkUpdate = itemChecker(schemaChecker<SegmentUpdate & { id?: string }>(SegmentUpdate))

  app.post<{ Params: { tenant: string }; Body: SegmentCreation }>(
    base,
    {
      config: manage,
      schema: { tags, operationId: 'POST-customer-segment-create-segment', summary: 'Create a segment', params: TenantParams, headers: LanguageHeaders, body: SegmentCreation, response: { 201: CreatedResponse, ...errorResponses(409) } },
    },
    async (request, reply) => {
      const id = await createSegment(context(request), request.body)
      return reply.code(201).send({ id })
    },
  )

  const list = async (request: FastifyRequest<{ Params: { tenant: string }; Querystring: Record<string, string | undefined> }>, q: string | undefined) => {
    const shownIn = locale(request)
    const reader = readerOf(request, request.query)
    const result = await listSegments(reader.isCustomer ? readDb : database.db, request.params.tenant, {
      q,
      member: reader.member,
      onlyEffective: reader.onlyEffective,
      sort: request.query.sort,
      pageNumber: request.query.pageNumber,
      pageSize: request.query.pageSize,
      withTotal: wantsTotalCount(request),
      // `sort=name` ranks each map's entries as the response shows them (conventions §1.3).
      languages: sortLanguages(shownIn),
      budget: limits,
    })
    return { ...result, items: result.items.map((segment) => presentSegment(segment, shownIn, request.query.fields)) }
  }

  app.get<{ Params: { tenant: string }; Querystring: Record<string, string | undefined> }>(
    base,
    {
      config: read,
      schema: { tags, operationId: 'GET-customer-segment-retrieve-segments', summary: 'List segments', params: TenantParams, querystring: Type.Object({ ...ListQuery, ...ReaderQuery }), headers: ListHeaders, response: { 200: listResponse(SegmentResponse), ...errorResponses() } },
    },
    async (request, reply) => {
      const { items, total } = await list(request, request.query.q)
      sendTotalCount(reply, total)
      return items
    },
  )

  app.post<{ Params: { tenant: string }; Querystring: Record<string, string | undefined>; Body: { q?: string } }>(
    `${base}/search`,
    {
      config: read,
      schema: {
        tags,
        operationId: 'POST-customer-segment-search-segments', summary: 'Search segments',
        params: TenantParams,
        querystring: Type.Object({ ...ListQuery, ...ReaderQuery, q: Type.Optional(Type.Never()) }),
        headers: ListHeaders,
        body: SearchBody,
        response: { 200: listResponse(SegmentResponse), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const { items, total } = await list(request, request.body.q)
      sendTotalCount(reply, total)
      return reply.code(200).send(items)
    },
  )

  app.get<{ Params: Params; Querystring: { fields?: string; legalEntityId?: string } }>(
    `${base}/:segmentId`,
    {
      config: read,
      schema: {
        tags,
        operationId: 'GET-customer-segment-retrieve-segment', summary: 'Read a segment',
        params: SegmentParams,
        querystring: Type.Object({ fields: ListQuery.fields, legalEntityId: ReaderQuery.legalEntityId }),
        headers: ReadHeaders,
        response: { 200: SegmentResponse, ...errorResponses(404) },
      },
    },
    async (request) => {
      const { tenant, segmentId } = request.params
      const reader = readerOf(request, request.query)
      const db = reader.isCustomer ? readDb : database.db
      if (reader.isCustomer) await requireVisibleSegment(db, tenant, segmentId, reader)
      const segment = await getSegment({ db, tenant }, segmentId)
      return presentSegment(segment, locale(request), request.query.fields)
    },
  )

  app.put<{ Params: Params; Body: SegmentUpdate }>(
    `${base}/:segmentId`,
    {
      config: manage,
      schema: { tags, operationId: 'PUT-customer-segment-update-segment', summary: 'Upsert a segment', params: SegmentParams, headers: LanguageHeaders, body: SegmentUpdate, response: { 201: CreatedResponse, 204: Type.Null(), ...errorResponses(409) } },
    },
    async (request, reply) => {
      const result = await upsertSegment(context(request), request.params.segmentId, request.body)
      return result.outcome === 'created' ? reply.code(201).send({ id: result.id }) : reply.code(204).send()
    },
  )

  app.patch<{ Params: Params; Body: PatchBody }>(
    `${base}/:segmentId`,
    {
      config: manage,
      schema: { tags, operationId: 'PATCH-customer-segment-update-segment', summary: 'Patch a segment (RFC 6902)', params: SegmentParams, headers: LanguageHeaders, body: PatchBody, response: { 204: Type.Null(), ...errorResponses(404, 409) } },
    },
    async (request, reply) => {
      await patchSegment(context(request), request.params.segmentId, request.body)
      return reply.code(204).send()
    },
  )

  app.delete<{ Params: Params; Querystring: { forceDelete?: 'true' | 'false' } }>(
    `${base}/:segmentId`,
    {
      config: manage,
      schema: { tags, operationId: 'DELETE-customer-segment-remove-segment', summary: 'Delete a segment', params: SegmentParams, querystring: ForceDeleteQuery, response: { 204: Type.Null(), ...errorResponses() } },
    },
    async (request, reply) => {
      await deleteSegment(context(request), request.params.segmentId, request.query.forceDelete === 'true')
      return reply.code(204).send()
    },
  )

  const bulkResponse = { 207: Type.Array(BulkResult), ...errorResponses() }

  app.post<{ Params: { tenant: string }; Body: unknown[] }>(
    `${base}/bulk`,
    {
      config: manage,
      schema: { tags, operationId: 'POST-customer-segment-create-segments-bulk', summary: 'Create segments in bulk', params: TenantParams, headers: LanguageHeaders, body: Type.Array(Type.Unknown()), response: bulkResponse },
    },
    async (request, reply) => {
      const ctx = context(request)
      const results = await runBulk<SegmentCreation>(
        request.body,
        MAX_BULK,
        async (item, index) => bulkEntry(index, 201, await createSegment(ctx, item)),
        checkCreation,
      )
      return reply.code(207).send(results)
    },
  )

  app.put<{ Params: { tenant: string }; Body: unknown[] }>(
    `${base}/bulk`,
    {
      config: manage,
      schema: { tags, operationId: 'PUT-customer-segment-update-segments-bulk', summary: 'Upsert segments in bulk', params: TenantParams, headers: LanguageHeaders, body: Type.Array(Type.Unknown()), response: bulkResponse },
    },
    async (request, reply) => {
      const ctx = context(request)
      const results = await runBulk<SegmentUpdate>(
        request.body,
        MAX_BULK,
        async (item, index) => {
          const result = item.id === undefined ? { outcome: 'created' as const, id: await createSegment(ctx, item) } : await upsertSegment(ctx, item.id, item)
          return bulkEntry(index, result.outcome === 'created' ? 201 : 204, result.id)
        },
        checkUpdate,
      )
      return reply.code(207).send(results)
    },
  )

  app.delete<{ Params: { tenant: string }; Querystring: { forceDelete?: 'true' | 'false' }; Body: unknown[] }>(
    `${base}/bulk`,
    {
      config: manage,
      schema: { tags, operationId: 'DELETE-customer-segment-remove-segments-bulk', summary: 'Delete segments in bulk', params: TenantParams, querystring: ForceDeleteQuery, body: Type.Array(Type.Unknown()), response: bulkResponse },
    },
    async (request, reply) => {
      const ctx = context(request)
      const force = request.query.forceDelete === 'true'
      const results = await runBulk<string>(
        request.body,
        MAX_BULK,
        async (id, index) => {
          await deleteSegment(ctx, id, force)
          return bulkEntry(index, 204, id)
        },
        itemChecker(schemaChecker<string>(ResourceId)),
      )
      return reply.code(207).send(results)
    },
  )
}

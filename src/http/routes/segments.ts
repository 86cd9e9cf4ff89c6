/** The Segments API: `/customer-segment/{tenant}/segments…` — create, read, list, search, upsert, patch, delete, bulk. */
import { STATUS_CODES } from 'node:http'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { type TSchema, Type } from 'typebox'
import { Compile } from 'typebox/compile'
import { SCOPES } from '../../auth/principal.js'
import { ApiError, errors } from '../../errors.js'
import { parseAcceptLanguage, parseContentLanguage } from '../../i18n/languages.js'
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
import type { Database } from '../../db/database.js'
import { BooleanParam, errorResponses, header, ListQuery, sendTotalCount, TenantParam, wantsTotalCount } from './common.js'

const MAX_BULK = 200
const manage = { scopes: [SCOPES.segmentManage] }
const read = { scopes: [SCOPES.segmentRead] }
const tags = ['Segments']

const TenantParams = Type.Object({ tenant: TenantParam })
const SegmentParams = Type.Object({ tenant: TenantParam, segmentId: ResourceId })
const LanguageHeaders = Type.Object({ 'content-language': Type.Optional(Type.String()) })
const ReadHeaders = Type.Object({
  'accept-language': Type.Optional(Type.String()),
  'x-total-count': Type.Optional(Type.String()),
})
const ForceDeleteQuery = Type.Object({ forceDelete: Type.Optional(BooleanParam) })

type Params = { tenant: string; segmentId: string }

function context(database: Database, request: FastifyRequest<{ Params: { tenant: string } }>): SegmentContext {
  return { db: database.db, tenant: request.params.tenant, language: parseContentLanguage(header(request, 'content-language')) }
}

function bulkEntry(index: number, code: number, id?: string, message?: string): BulkResult {
  const entry: BulkResult = { index, code, status: code === 204 ? 'OK' : (STATUS_CODES[code] ?? 'Error') }
  if (id !== undefined) entry.id = id
  if (message !== undefined) entry.message = message
  return entry
}

function bulkFailure(index: number, error: unknown, id?: string): BulkResult {
  if (!(error instanceof ApiError)) throw error
  return bulkEntry(index, error.statusCode, id, error.message)
}

/** Validates one bulk item with the same schema a single request uses; throws a 400 naming the field. */
function itemChecker<T>(schema: TSchema) {
  const check = Compile(schema)
  return (item: unknown): T => {
    if (check.Check(item)) return item as T
    const [first] = check.Errors(item)
    const extra = (first?.params as { additionalProperties?: string[] })?.additionalProperties?.[0]
    const field = [first?.instancePath.replace(/^\//, '').replaceAll('/', '.'), extra].filter(Boolean).join('.')
    const problem = extra ? `unknown field '${field}'` : `${field ? `'${field}' ` : ''}${first?.message ?? 'is invalid'}`
    throw new ApiError(400, `Validation problem with request body: ${problem}.`, { field: field || undefined, message: problem })
  }
}

/** Runs one operation per item, each in its own transaction, so one bad item does not undo the others. */
async function runBulk<T>(items: unknown[], each: (item: T, index: number) => Promise<BulkResult>, check: (item: unknown) => T) {
  if (items.length > MAX_BULK) throw errors.bulkTooLarge(MAX_BULK, items.length)
  const results: BulkResult[] = []
  for (const [i, raw] of items.entries()) {
    // Results are numbered from 1, as the platform numbers them.
    const index = i + 1
    const claimed = typeof raw === 'string' ? raw : (raw as { id?: unknown } | null)?.id
    const id = typeof claimed === 'string' ? claimed : undefined
    try {
      results.push(await each(check(raw), index))
    } catch (error) {
      results.push(bulkFailure(index, error, id))
    }
  }
  return results
}

export function segmentRoutes(app: FastifyInstance, database: Database): void {
  const base = '/customer-segment/:tenant/segments'
  const checkCreation = itemChecker<SegmentCreation>(SegmentCreation)
  const checkUpdate = itemChecker<SegmentUpdate & { id?: string }>(SegmentUpdate)

  app.post<{ Params: { tenant: string }; Body: SegmentCreation }>(
    base,
    {
      config: manage,
      schema: { tags, summary: 'Create a segment', params: TenantParams, headers: LanguageHeaders, body: SegmentCreation, response: { 201: CreatedResponse, ...errorResponses } },
    },
    async (request, reply) => {
      const id = await createSegment(context(database, request), request.body)
      return reply.code(201).send({ id })
    },
  )

  const list = async (request: FastifyRequest<{ Params: { tenant: string }; Querystring: Record<string, string | undefined> }>, q: string | undefined) => {
    const result = await listSegments(database.db, request.params.tenant, {
      q,
      sort: request.query.sort,
      pageNumber: request.query.pageNumber,
      pageSize: request.query.pageSize,
      withTotal: wantsTotalCount(request),
    })
    const languages = parseAcceptLanguage(header(request, 'accept-language'))
    return { ...result, items: result.items.map((segment) => presentSegment(segment, languages, request.query.fields)) }
  }

  app.get<{ Params: { tenant: string }; Querystring: Record<string, string | undefined> }>(
    base,
    {
      config: read,
      schema: { tags, summary: 'List segments', params: TenantParams, querystring: Type.Object(ListQuery), headers: ReadHeaders, response: { 200: Type.Array(SegmentResponse), ...errorResponses } },
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
        summary: 'Search segments',
        params: TenantParams,
        querystring: Type.Object({ ...ListQuery, q: Type.Optional(Type.Never()) }),
        headers: ReadHeaders,
        body: SearchBody,
        response: { 200: Type.Array(SegmentResponse), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { items, total } = await list(request, request.body.q)
      sendTotalCount(reply, total)
      return reply.code(200).send(items)
    },
  )

  app.get<{ Params: Params; Querystring: { fields?: string } }>(
    `${base}/:segmentId`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Read a segment',
        params: SegmentParams,
        querystring: Type.Object({ fields: ListQuery.fields }),
        headers: ReadHeaders,
        response: { 200: SegmentResponse, ...errorResponses },
      },
    },
    async (request) => {
      const segment = await getSegment({ db: database.db, tenant: request.params.tenant }, request.params.segmentId)
      return presentSegment(segment, parseAcceptLanguage(header(request, 'accept-language')), request.query.fields)
    },
  )

  app.put<{ Params: Params; Body: SegmentUpdate }>(
    `${base}/:segmentId`,
    {
      config: manage,
      schema: { tags, summary: 'Upsert a segment', params: SegmentParams, headers: LanguageHeaders, body: SegmentUpdate, response: { 201: CreatedResponse, 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      const result = await upsertSegment(context(database, request), request.params.segmentId, request.body)
      return result.outcome === 'created' ? reply.code(201).send({ id: result.id }) : reply.code(204).send()
    },
  )

  app.patch<{ Params: Params; Body: PatchBody }>(
    `${base}/:segmentId`,
    {
      config: manage,
      schema: { tags, summary: 'Patch a segment (RFC 6902)', params: SegmentParams, headers: LanguageHeaders, body: PatchBody, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await patchSegment(context(database, request), request.params.segmentId, request.body)
      return reply.code(204).send()
    },
  )

  app.delete<{ Params: Params; Querystring: { forceDelete?: 'true' | 'false' } }>(
    `${base}/:segmentId`,
    {
      config: manage,
      schema: { tags, summary: 'Delete a segment', params: SegmentParams, querystring: ForceDeleteQuery, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await deleteSegment(context(database, request), request.params.segmentId, request.query.forceDelete === 'true')
      return reply.code(204).send()
    },
  )

  const bulkResponse = { 207: Type.Array(BulkResult), ...errorResponses }

  app.post<{ Params: { tenant: string }; Body: unknown[] }>(
    `${base}/bulk`,
    {
      config: manage,
      schema: { tags, summary: 'Create segments in bulk', params: TenantParams, headers: LanguageHeaders, body: Type.Array(Type.Unknown()), response: bulkResponse },
    },
    async (request, reply) => {
      const ctx = context(database, request)
      const results = await runBulk<SegmentCreation>(
        request.body,
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
      schema: { tags, summary: 'Upsert segments in bulk', params: TenantParams, headers: LanguageHeaders, body: Type.Array(Type.Unknown()), response: bulkResponse },
    },
    async (request, reply) => {
      const ctx = context(database, request)
      const results = await runBulk<SegmentUpdate>(
        request.body,
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
      schema: { tags, summary: 'Delete segments in bulk', params: TenantParams, querystring: ForceDeleteQuery, body: Type.Array(Type.Unknown()), response: bulkResponse },
    },
    async (request, reply) => {
      const ctx = context(database, request)
      const force = request.query.forceDelete === 'true'
      const results = await runBulk<string>(
        request.body,
        async (id, index) => {
          await deleteSegment(ctx, id, force)
          return bulkEntry(index, 204, id)
        },
        itemChecker<string>(ResourceId),
      )
      return reply.code(207).send(results)
    },
  )
}

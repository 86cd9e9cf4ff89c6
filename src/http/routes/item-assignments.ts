/**
 * Item assignments and the storefront's item questions: a segment's items
 * (`/segments/{segmentId}/items…`), items across segments (`/segments/items`), `segments/match` and
 * `segments/items/category-trees`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import { Type } from 'typebox'
import { categoryTrees, type CategoryNode } from '../../assignments/category-trees.js'
import type { AssignmentContext } from '../../assignments/customer-assignments.js'
import { type ItemListQuery, listItemAssignments, listItemAssignmentTexts } from '../../assignments/item-assignment-query.js'
import { ItemAssignmentResponse, ItemAssignmentUpsert, ItemAssignmentUpsertBulk } from '../../assignments/item-assignment-schemas.js'
import {
  deleteItemAssignments,
  getItemAssignment,
  type ItemAssignment,
  type ItemAssignmentInput,
  parseItemType,
  upsertItemAssignments,
} from '../../assignments/item-assignments.js'
import { matchProducts } from '../../assignments/match-products.js'
import { requireVisibleSegment } from '../../assignments/visible-segment.js'
import { SCOPES } from '../../auth/principal.js'
import type { Limits } from '../../config.js'
import type { Database } from '../../db/database.js'
import type { DB } from '../../db/schema.js'
import { LanguageMap } from '../../domain.js'
import { type Locale, localeOf, localize, parseContentLanguage } from '../../i18n/languages.js'
import { keepsAll, projectFields } from '../../query/fields.js'
import { type Checker, schemaChecker } from '../../validation/schema-check.js'
import { BulkResult, ResourceId, SearchBody } from '../../segments/segment-schemas.js'
import { readerOf } from '../reader.js'
import { runAssignmentBulk, singleStatus } from './assignment-bulk.js'
import {
  BooleanParam,
  AcceptLanguageHeader,
  errorResponses,
  listResponse,
  TotalCountHeader,
  header,
  ListQuery,
  missingBodyIsEmpty,
  ReaderQuery,
  SegmentParams,
  sendTotalCount,
  TenantParam,
  wantsTotalCount,
} from './common.js'

const tags = ['Items Assignments']
const JSON_UTF8 = 'application/json; charset=utf-8'
const manage = { scopes: [SCOPES.segmentManage] }
const readOrOwn = { scopes: [SCOPES.segmentRead, SCOPES.segmentReadOwn] }

// Content-Language: a specific language makes an inline `item.name` add to the directory's name.
const LanguageHeaders = Type.Object({ 'content-language': Type.Optional(Type.String()) })
const TypeParams = Type.Object({ tenant: TenantParam, segmentId: ResourceId, type: Type.String({ maxLength: 20 }) })
const ItemParams = Type.Object({ tenant: TenantParam, segmentId: ResourceId, type: Type.String({ maxLength: 20 }), itemId: ResourceId })

// The contract's schema names the site `site`, its example `siteCode`; both are taken.
const MatchBody = Type.Object(
  {
    siteCode: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    site: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    items: Type.Array(Type.Object({ id: ResourceId }, { additionalProperties: false }), { maxItems: 1000 }),
    segmentIds: Type.Array(ResourceId, { maxItems: 1000 }),
  },
  { additionalProperties: false, anyOf: [{ required: ['siteCode'] }, { required: ['site'] }] },
)

const CategoryTreeNode = Type.Object(
  {
    id: Type.String(),
    parentId: Type.Optional(Type.String()),
    code: Type.Optional(Type.String()),
    name: Type.Optional(LanguageMap),
    localizedDescription: Type.Optional(LanguageMap),
    localizedSlug: Type.Optional(LanguageMap),
    ecn: Type.Optional(Type.Array(Type.String())),
    validity: Type.Optional(Type.Object({ from: Type.Optional(Type.String()), to: Type.Optional(Type.String()) })),
    position: Type.Optional(Type.Integer()),
    published: Type.Optional(Type.Boolean()),
    isSegmentAssigned: Type.Boolean(),
    subcategories: Type.Array(Type.Object({}, { additionalProperties: true })),
  },
)

type Query = Record<string, string | undefined>
type Params = { tenant: string; segmentId: string; type: string; itemId: string }

function localizeItem(item: ItemAssignment, locale: Locale): ItemAssignment {
  if (!locale.requested || !item.item.name) return item
  return { ...item, item: { ...item.item, name: localize(item.item.name, locale) } }
}

function localizeTree(nodes: CategoryNode[], locale: Locale): CategoryNode[] {
  if (!locale.requested) return nodes
  return nodes.map((node) => {
    const shown: CategoryNode = { ...node, subcategories: localizeTree(node.subcategories, locale) }
    if (node.name) shown.name = localize(node.name, locale)
    if (node.localizedDescription) shown.localizedDescription = localize(node.localizedDescription, locale)
    if (node.localizedSlug) shown.localizedSlug = localize(node.localizedSlug, locale)
    return shown
  })
}

export interface ItemAssignmentRouteOptions {
  strict: boolean
  limits: Limits
  defaultLanguage: string
  /**
   * Where the storefront's reads go, the read replica when there is one (read-replica.ts): items across
   * segments, `match` and category trees whoever asks, and a customer token's reads of a segment's items.
   */
  readDb: Kysely<DB>
}

export function itemAssignmentRoutes(app: FastifyInstance, database: Database, options: ItemAssignmentRouteOptions): void {
  const segments = '/customer-segment/:tenant/segments'
  const base = `${segments}/:segmentId/items`
  const context = (tenant: string, request?: FastifyRequest): AssignmentContext => ({
    db: database.db,
    tenant,
    strict: options.strict,
    limits: options.limits,
    language: request && parseContentLanguage(header(request, 'content-language')),
  })
  const locale = (request: FastifyRequest) => localeOf(header(request, 'accept-language'), options.defaultLanguage)

  const list = async (request: FastifyRequest, reply: FastifyReply, q: string | undefined, segmentId?: string) => {
    const query = request.query as Query
    const { tenant } = request.params as { tenant: string }
    const reader = readerOf(request, query)
    const db = segmentId === undefined || reader.isCustomer ? options.readDb : database.db
    if (segmentId !== undefined) await requireVisibleSegment(db, tenant, segmentId, reader)
    const listQuery: ItemListQuery = {
      q,
      sort: query.sort,
      pageNumber: query.pageNumber,
      pageSize: query.pageSize,
      withTotal: wantsTotalCount(request),
      segmentId,
      siteCode: query.siteCode,
      onlyActive: reader.onlyEffective || query.onlyActive === 'true',
      member: reader.member,
      budget: options.limits,
    }
    const shownIn = locale(request)
    if (keepsAll(query.fields) && !shownIn.requested) {
      // The assignments as they are: the page's JSON comes from the database and goes out as it is.
      const { texts, total } = await listItemAssignmentTexts(db, tenant, listQuery)
      sendTotalCount(reply, total)
      return reply.type(JSON_UTF8).send(`[${texts.join(',')}]`)
    }
    const { items, total } = await listItemAssignments(db, tenant, listQuery)
    sendTotalCount(reply, total)
    return items.map((item) => projectFields(localizeItem(item, shownIn), query.fields))
  }
  const listed = { 200: listResponse(ItemAssignmentResponse), ...errorResponses(404) }
  const listHeaders = Type.Object({ ...AcceptLanguageHeader, ...TotalCountHeader })
  const readHeaders = Type.Object(AcceptLanguageHeader)

  app.get(
    `${segments}/items`,
    {
      config: readOrOwn,
      schema: {
        tags,
        operationId: 'GET-customer-segment-retrieve-segments-items', summary: 'List item assignments across segments',
        params: Type.Object({ tenant: TenantParam }),
        querystring: Type.Object({ ...ListQuery, ...ReaderQuery, siteCode: Type.Optional(Type.String()), onlyActive: Type.Optional(BooleanParam) }),
        headers: listHeaders,
        response: { 200: listResponse(ItemAssignmentResponse), ...errorResponses() },
      },
    },
    (request, reply) => list(request, reply, (request.query as Query).q),
  )

  app.get(
    base,
    { config: readOrOwn, schema: { tags, operationId: 'GET-customer-segment-retrieve-segment-items', summary: 'List a segment’s item assignments', params: SegmentParams, querystring: Type.Object({ ...ListQuery, ...ReaderQuery }), headers: listHeaders, response: listed } },
    (request, reply) => list(request, reply, (request.query as Query).q, (request.params as { segmentId: string }).segmentId),
  )
  app.post(
    `${base}/search`,
    {
      config: readOrOwn,
      schema: { tags, operationId: 'POST-customer-segment-search-items', summary: 'Search a segment’s item assignments', params: SegmentParams, querystring: Type.Object({ ...ListQuery, ...ReaderQuery, q: Type.Optional(Type.Never()) }), headers: listHeaders, body: SearchBody, response: listed },
    },
    (request, reply) => list(request, reply, (request.body as { q?: string }).q, (request.params as { segmentId: string }).segmentId),
  )

  app.get<{ Params: Params; Querystring: Query }>(
    `${base}/:type/:itemId`,
    {
      config: readOrOwn,
      schema: { tags, operationId: 'GET-customer-segment-retrieve-item', summary: 'Read an item assignment', params: ItemParams, querystring: Type.Object({ fields: ListQuery.fields, ...ReaderQuery }), headers: readHeaders, response: { 200: ItemAssignmentResponse, ...errorResponses(404) } },
    },
    async (request) => {
      const { tenant, segmentId, type, itemId } = request.params
      const reader = readerOf(request, request.query)
      const db = reader.isCustomer ? options.readDb : database.db
      await requireVisibleSegment(db, tenant, segmentId, reader)
      const item = await getItemAssignment(db, tenant, segmentId, parseItemType(type), itemId)
      return projectFields(localizeItem(item, locale(request)), request.query.fields)
    },
  )
  app.put<{ Params: Params; Body: ItemAssignmentUpsert }>(
    `${base}/:type/:itemId`,
    {
      config: manage,
      preValidation: missingBodyIsEmpty,
      schema: { tags, operationId: 'PUT-customer-segment-update-item', summary: 'Upsert an item assignment', params: ItemParams, headers: LanguageHeaders, body: ItemAssignmentUpsert, response: { 201: Type.Null(), 204: Type.Null(), ...errorResponses(404, 409) } },
    },
    async (request, reply) => {
      const { tenant, segmentId, type, itemId } = request.params
      const [result] = await upsertItemAssignments(context(tenant, request), segmentId, parseItemType(type), [{ ...request.body, itemId }])
      return reply.code(singleStatus(result)).send()
    },
  )
  app.delete<{ Params: Params }>(
    `${base}/:type/:itemId`,
    { config: manage, schema: { tags, operationId: 'DELETE-customer-segment-remove-item', summary: 'Remove an item assignment', params: ItemParams, response: { 204: Type.Null(), ...errorResponses(404) } } },
    async (request, reply) => {
      const { tenant, segmentId, type, itemId } = request.params
      await deleteItemAssignments(context(tenant), segmentId, parseItemType(type), [itemId])
      return reply.code(204).send()
    },
  )

  const bulkResponse = { 207: Type.Array(BulkResult), ...errorResponses(404) }
  const checkBulkItem = schemaChecker<ItemAssignmentUpsertBulk>(ItemAssignmentUpsertBulk)
  // An item names its item by `id`, or, as a read returns it, by `item.id` (the two must agree).
  const checkUpsert: Checker<ItemAssignmentInput> = (raw) => {
    const checked = checkBulkItem(raw)
    if (checked.problem) return { problem: checked.problem }
    const { id: itemId = checked.value.item?.id, ...rest } = checked.value
    if (itemId === undefined) return { problem: { field: 'id', message: "'id' is required (or 'item.id')" } }
    return { value: { ...rest, itemId } }
  }
  const checkId = schemaChecker<string>(ResourceId)
  app.put<{ Params: Omit<Params, 'itemId'>; Body: unknown[] }>(
    `${base}/:type/bulk`,
    { config: manage, schema: { tags, operationId: 'PUT-customer-segment-update-items-bulk', summary: 'Upsert item assignments in bulk', params: TypeParams, headers: LanguageHeaders, body: Type.Array(Type.Unknown()), response: bulkResponse } },
    async (request, reply) => {
      const { tenant, segmentId } = request.params
      const type = parseItemType(request.params.type)
      const results = await runAssignmentBulk(request.body, checkUpsert, (items) =>
        upsertItemAssignments(context(tenant, request), segmentId, type, items),
      )
      return reply.code(207).send(results)
    },
  )
  app.delete<{ Params: Omit<Params, 'itemId'>; Body: unknown[] }>(
    `${base}/:type/bulk`,
    { config: manage, schema: { tags, operationId: 'DELETE-customer-segment-remove-items-bulk', summary: 'Remove item assignments in bulk', params: TypeParams, body: Type.Array(Type.Unknown()), response: bulkResponse } },
    async (request, reply) => {
      const { tenant, segmentId } = request.params
      const type = parseItemType(request.params.type)
      const results = await runAssignmentBulk(request.body, checkId, (ids) => deleteItemAssignments(context(tenant), segmentId, type, ids))
      return reply.code(207).send(results)
    },
  )

  app.post<{ Params: { tenant: string }; Querystring: Query; Body: { siteCode?: string; site?: string; items: { id: string }[]; segmentIds: string[] } }>(
    `${segments}/match`,
    {
      config: { scopes: [SCOPES.segmentManage, SCOPES.segmentRead, SCOPES.segmentReadOwn] },
      schema: {
        tags: ['Segments'],
        operationId: 'POST-customer-segment-check-match', summary: 'Which products belong to segments, directly or through a category',
        params: Type.Object({ tenant: TenantParam }),
        querystring: Type.Object(ReaderQuery),
        body: MatchBody,
        response: { 200: Type.Array(Type.Object({ id: Type.String() })), ...errorResponses() },
      },
    },
    async (request) => {
      const reader = readerOf(request, request.query, [SCOPES.segmentManage, SCOPES.segmentRead])
      const ids = await matchProducts(options.readDb, request.params.tenant, {
        siteCode: (request.body.siteCode ?? request.body.site) as string,
        productIds: request.body.items.map((item) => item.id),
        segmentIds: request.body.segmentIds,
        member: reader.member,
      })
      return ids.map((id) => ({ id }))
    },
  )

  app.get<{ Params: { tenant: string }; Querystring: Query }>(
    `${segments}/items/category-trees`,
    {
      config: readOrOwn,
      schema: {
        tags,
        operationId: 'GET-customer-segment-retrieve-category-trees', summary: 'Category trees of the categories assigned to effective segments',
        params: Type.Object({ tenant: TenantParam }),
        querystring: Type.Object({ ...ReaderQuery, siteCode: Type.Optional(Type.String()) }),
        headers: readHeaders,
        response: { 200: Type.Array(CategoryTreeNode), ...errorResponses() },
      },
    },
    async (request) => {
      const reader = readerOf(request, request.query)
      const trees = await categoryTrees(options.readDb, request.params.tenant, { siteCode: request.query.siteCode, member: reader.member })
      return localizeTree(trees, locale(request))
    },
  )
}

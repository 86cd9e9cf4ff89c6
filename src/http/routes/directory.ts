/**
 * The Directory API: `/customer-segment/{tenant}/directory/{kind}` — bulk upsert, read and delete of the
 * enrichment entries (customers, legal entities, products, categories), one set of routes per kind.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { SCOPES } from '../../auth/principal.js'
import type { Database } from '../../db/database.js'
import { directoryKinds } from '../../directory/directory-kinds.js'
import { getEntry } from '../../directory/directory-store.js'
import { removeEntry, writeEntries } from '../../directory/directory-writes.js'
import { entryChecker } from '../../directory/entry-check.js'
import { errors } from '../../errors.js'
import { BulkResult, ResourceId } from '../../segments/segment-schemas.js'
import { bulkEntry, itemChecker, runBulk } from './bulk.js'
import { errorResponses, TenantParam } from './common.js'

// Directory feeds are bulk syncs from another system, so a request carries more than a segment bulk does.
const MAX_ENTRIES = 1000
const manage = { scopes: [SCOPES.segmentManage] }
const tags = ['Directory']

const TenantParams = Type.Object({ tenant: TenantParam })
const EntryParams = Type.Object({ tenant: TenantParam, id: ResourceId })

type Params = { tenant: string; id: string }

export function directoryRoutes(app: FastifyInstance, database: Database): void {
  for (const kind of directoryKinds) {
    const base = `/customer-segment/:tenant/directory/${kind.name}`
    const check = itemChecker(entryChecker(kind))

    app.put<{ Params: { tenant: string }; Body: unknown[] }>(
      base,
      {
        config: manage,
        schema: {
          tags,
          operationId: `PUT-customer-segment-upsert-directory-${kind.name}`, summary: `Upsert ${kind.name} (each entry replaces the stored one)`,
          params: TenantParams,
          body: Type.Array(Type.Unknown(), { description: `Up to ${MAX_ENTRIES} entries, each as in GET ${kind.name}/{id}` }),
          response: { 207: Type.Array(BulkResult), ...errorResponses() },
        },
      },
      async (request, reply) => {
        const accepted: { id: string }[] = []
        const results = await runBulk<{ id: string }>(
          request.body,
          MAX_ENTRIES,
          async (entry, index) => {
            accepted.push(entry)
            return bulkEntry(index, 204, entry.id)
          },
          check,
        )
        // One transaction for the whole batch: the valid entries land together, with the rule membership they
        // change, or, on a failure, nothing does.
        await writeEntries(database.db, request.params.tenant, kind, accepted)
        return reply.code(207).send(results)
      },
    )

    app.get<{ Params: Params }>(
      `${base}/:id`,
      {
        config: manage,
        schema: { tags, operationId: `GET-customer-segment-retrieve-directory-${kind.name}`, summary: `Read one of the ${kind.name}`, params: EntryParams, response: { 200: kind.schema, ...errorResponses(404) } },
      },
      async (request) => {
        const entry = await getEntry(database.db, request.params.tenant, kind, request.params.id)
        if (!entry) throw errors.notFound(request.params.id)
        return entry
      },
    )

    app.delete<{ Params: Params }>(
      `${base}/:id`,
      {
        config: manage,
        schema: { tags, operationId: `DELETE-customer-segment-remove-directory-${kind.name}`, summary: `Delete one of the ${kind.name} (204 also when absent)`, params: EntryParams, response: { 204: Type.Null(), ...errorResponses() } },
      },
      async (request, reply) => {
        await removeEntry(database.db, request.params.tenant, kind, request.params.id)
        return reply.code(204).send()
      },
    )
  }
}

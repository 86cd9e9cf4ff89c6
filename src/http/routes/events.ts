/**
 * The event log: `GET /webhook/{tenant}/events`, the tenant's committed events, oldest first, each with
 * its deliveries; `GET /webhook/{tenant}/events/{eventId}`, one of them.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { SCOPES } from '../../auth/principal.js'
import type { Limits } from '../../config.js'
import type { Database } from '../../db/database.js'
import type { DeliveryState } from '../../db/schema.js'
import { DeliveryStateSchema, DeliverySummary } from '../../delivery/log/log-schemas.js'
import { errors } from '../../errors.js'
import { eventTypes } from '../../events/catalogue.js'
import { getEvent, listEvents } from '../../events/event-log.js'
import { storableInstant } from '../../query/iso-date.js'
import { parsePaging } from '../../query/paging.js'
import { errorResponses, TenantParam } from './common.js'
import { named } from '../../validation/named-schema.js'

const EventQuery = Type.Object({
  type: Type.Optional(Type.Union(eventTypes.map((type) => Type.Literal(type)))),
  since: Type.Optional(Type.String({ description: 'An RFC 3339 time (events published at or after it), or a sequence number (events after it).' })),
  deliveryState: Type.Optional({ ...DeliveryStateSchema, description: 'Only events with at least one delivery in this state.' }),
  pageNumber: Type.Optional(Type.String()),
  pageSize: Type.Optional(Type.String()),
})

const LoggedEvent = named('Event', Type.Object({
  id: Type.String({ format: 'uuid' }),
  type: Type.String(),
  time: Type.String({ format: 'date-time' }),
  sequence: Type.Integer(),
  subject: Type.String(),
  payload: Type.Object({}, { additionalProperties: true }),
  deliveries: Type.Array(DeliverySummary, { description: 'One per target the event went to (or was resent to), oldest first.' }),
}))

function parseSince(since: string | undefined): { sinceTime?: Date; afterSequence?: number } {
  if (since === undefined || since === '') return {}
  if (/^\d{1,15}$/.test(since)) return { afterSequence: Number(since) }
  if (!/^\d{4}-\d{2}-\d{2}/.test(since) || !storableInstant(since)) {
    throw errors.invalidParameter('since', 'use an RFC 3339 time such as 2026-01-31T10:00:00Z, or a sequence number')
  }
  return { sinceTime: new Date(since) }
}

export function eventRoutes(app: FastifyInstance, database: Database, limits: Limits): void {
  app.get<{ Params: { tenant: string }; Querystring: { type?: string; since?: string; deliveryState?: DeliveryState; pageNumber?: string; pageSize?: string } }>(
    '/webhook/:tenant/events',
    {
      config: { scopes: [SCOPES.webhookRead] },
      schema: {
        tags: ['Events'],
        operationId: 'GET-webhook-list-events', summary: 'Read the event log',
        params: Type.Object({ tenant: TenantParam }),
        querystring: EventQuery,
        response: { 200: Type.Array(LoggedEvent), ...errorResponses() },
      },
    },
    async (request) => {
      const { limit, offset } = parsePaging(request.query)
      return listEvents(database.db, {
        tenant: request.params.tenant,
        type: request.query.type,
        ...parseSince(request.query.since),
        deliveryState: request.query.deliveryState,
        limit,
        offset,
        budget: limits,
      })
    },
  )

  app.get<{ Params: { tenant: string; eventId: string } }>(
    '/webhook/:tenant/events/:eventId',
    {
      config: { scopes: [SCOPES.webhookRead] },
      schema: {
        tags: ['Events'],
        operationId: 'GET-webhook-retrieve-event', summary: 'Read one event with its deliveries',
        params: Type.Object({ tenant: TenantParam, eventId: Type.String({ format: 'uuid' }) }),
        response: { 200: LoggedEvent, ...errorResponses(404) },
      },
    },
    async (request) => {
      const event = await getEvent(database.db, request.params.tenant, request.params.eventId)
      if (!event) throw errors.notFound(request.params.eventId)
      return event
    },
  )
}

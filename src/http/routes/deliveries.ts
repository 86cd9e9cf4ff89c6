/**
 * The delivery log and recovery API under `/webhook/{tenant}`: attempts of a delivery, the targets with
 * their state, resending one event, recovering a target's failures, re-enabling a target, and the
 * monthly statistics of the webhook contract.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { SCOPES } from '../../auth/principal.js'
import type { Database } from '../../db/database.js'
import { listAttempts } from '../../delivery/log/attempt-log.js'
import { DeliveryStateSchema, DeliverySummary, LoggedAttempt, TargetOverview, WebhookStatistics } from '../../delivery/log/log-schemas.js'
import {
  deliveredPerMonth,
  monthCount,
  parseYearMonth,
  type YearMonth,
  yearMonthOf,
} from '../../delivery/log/monthly-statistics.js'
import { resendDeliveries } from '../../delivery/log/resend-deliveries.js'
import { resendEvent } from '../../delivery/log/resend-event.js'
import { enableTarget, recoverTarget } from '../../delivery/log/target-recovery.js'
import { listTargets } from '../../delivery/log/targets.js'
import type { TargetRef } from '../../delivery/target-health.js'
import type { DeliveryState } from '../../db/schema.js'
import { errors } from '../../errors.js'
import { eventTypes } from '../../events/catalogue.js'
import { storableInstant } from '../../query/iso-date.js'
import { HTTP_CODE } from '../../webhooks/stored-config.js'
import { useWebhookErrorFormat, webhookErrorResponses } from '../../webhooks/error-format.js'
import { errorResponses, TenantParam } from './common.js'

export interface DeliveryRouteOptions {
  /** Successful deliveries a tenant may receive per month, reported by the statistics; absent: no limit. */
  webhooksMonthlyLimit?: number
}

/** The longest statistics range, in months. */
const MAX_MONTHS = 120

const read = { scopes: [SCOPES.webhookRead] }
const manage = { scopes: [SCOPES.webhookManage] }
const tags = ['Delivery log']

const Code = Type.String({ minLength: 1, maxLength: 255 })
const TargetParams = Type.Object({ tenant: TenantParam, configCode: Code, targetId: Code })
const Since = Type.String({ format: 'date-time', description: 'An RFC 3339 time, e.g. 2026-01-31T10:00:00Z.' })

function yearMonthParam(name: string, text: string | undefined): YearMonth | undefined {
  if (text === undefined || text === '') return undefined
  const month = parseYearMonth(text)
  if (!month) throw errors.invalidParameter(name, 'use a month as YYYY-MM, e.g. 2026-01')
  return month
}

/** Neither month: the current one. Only `from`: up to the current month. Only `to`: that month alone. */
function statisticsRange(query: { fromYearMonth?: string; toYearMonth?: string }, now: Date): { from: YearMonth; to: YearMonth } {
  const from = yearMonthParam('fromYearMonth', query.fromYearMonth)
  const to = yearMonthParam('toYearMonth', query.toYearMonth) ?? yearMonthOf(now)
  const range = { from: from ?? to, to }
  const months = monthCount(range.from, range.to)
  if (months < 1) throw errors.invalidParameter('fromYearMonth', 'must not be after toYearMonth')
  if (months > MAX_MONTHS) throw errors.invalidParameter('fromYearMonth', `the range spans at most ${MAX_MONTHS} months`)
  return range
}

function timeParam(name: string, value: string): Date {
  if (!storableInstant(value)) throw errors.invalidParameter(name, 'use an RFC 3339 time such as 2026-01-31T10:00:00Z')
  return new Date(value)
}

interface ResendBody {
  configCode?: string
  targetId?: string
  state?: DeliveryState
  eventType?: string
  since: string
  until?: string
}

const ResendBody = Type.Object(
  {
    configCode: Type.Optional({ ...Code, description: 'Only deliveries of this config (any when absent).' }),
    targetId: Type.Optional({ ...Code, description: 'Only deliveries to this target (any when absent).' }),
    state: Type.Optional({ ...DeliveryStateSchema, description: 'Only deliveries in this state (any when absent).' }),
    eventType: Type.Optional(Type.Union(eventTypes.map((type) => Type.Literal(type)), { description: 'Only events of this type.' })),
    since: { ...Since, description: 'Only events published at or after this time.' },
    until: Type.Optional({ ...Since, description: 'Only events published before this time.' }),
  },
  { additionalProperties: false },
)

export function deliveryRoutes(app: FastifyInstance, database: Database, options: DeliveryRouteOptions = {}): void {
  const { db } = database

  app.get<{ Params: { tenant: string; deliveryId: string } }>(
    '/webhook/:tenant/deliveries/:deliveryId/attempts',
    {
      config: read,
      schema: {
        tags,
        operationId: 'GET-webhook-list-delivery-attempts', summary: "Read a delivery's attempts, oldest first",
        params: Type.Object({ tenant: TenantParam, deliveryId: Type.String({ pattern: '^[1-9][0-9]{0,14}$' }) }),
        response: { 200: Type.Array(LoggedAttempt), ...errorResponses(404) },
      },
    },
    async (request) => {
      const attempts = await listAttempts(db, request.params.tenant, Number(request.params.deliveryId))
      if (!attempts) throw errors.notFound(request.params.deliveryId)
      return attempts
    },
  )

  app.get<{ Params: { tenant: string } }>(
    '/webhook/:tenant/targets',
    {
      config: read,
      schema: {
        tags,
        operationId: 'GET-webhook-list-targets', summary: 'List the delivery targets with their state and backlog',
        params: Type.Object({ tenant: TenantParam }),
        response: { 200: Type.Array(TargetOverview), ...errorResponses() },
      },
    },
    async (request) => listTargets(db, request.params.tenant),
  )

  app.post<{ Params: { tenant: string; eventId: string }; Body: { configCode?: string; targetId: string } }>(
    '/webhook/:tenant/events/:eventId/resend',
    {
      config: manage,
      schema: {
        tags,
        operationId: 'POST-webhook-resend-event', summary: 'Resend one event to one target now',
        description:
          'The delivery for that target becomes pending and due now, with a fresh retry schedule; one is made when the event never had one. 409 while the target is disabled or inactive.',
        params: Type.Object({ tenant: TenantParam, eventId: Type.String({ format: 'uuid' }) }),
        body: Type.Object(
          { configCode: Type.Optional({ ...Code, description: `Defaults to \`${HTTP_CODE}\`.` }), targetId: Code },
          { additionalProperties: false },
        ),
        response: { 202: DeliverySummary, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const { tenant, eventId } = request.params
      const { configCode = HTTP_CODE, targetId } = request.body
      return reply.code(202).send(await resendEvent(db, { tenant, eventId, configCode, targetId }))
    },
  )

  app.post<{ Params: TargetRef; Body: { since: string } }>(
    '/webhook/:tenant/targets/:configCode/:targetId/recover',
    {
      config: manage,
      schema: {
        tags,
        operationId: 'POST-webhook-recover-target', summary: "Send again what a target has not received since a time",
        description:
          'Every delivery of the target created at or after `since` that has not arrived (failed, or waiting for a retry) becomes pending and due now, with a fresh retry schedule. Delivered ones and ones being sent are left alone.',
        params: TargetParams,
        body: Type.Object({ since: Since }, { additionalProperties: false }),
        response: { 202: Type.Object({ recovered: Type.Integer() }), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const recovered = await recoverTarget(db, request.params, timeParam('since', request.body.since))
      return reply.code(202).send({ recovered })
    },
  )

  app.post<{ Params: { tenant: string }; Body: ResendBody }>(
    '/webhook/:tenant/deliveries/resend',
    {
      config: manage,
      schema: {
        tags,
        operationId: 'POST-webhook-resend-deliveries', summary: 'Resend the deliveries a filter chooses',
        description:
          'Every delivery of the tenant matching all the given filters becomes pending and due now, with a fresh retry schedule, in one statement. Deliveries being sent right now and deliveries to a disabled target are left alone. Answers how many were resent.',
        params: Type.Object({ tenant: TenantParam }),
        body: ResendBody,
        response: { 202: Type.Object({ resent: Type.Integer() }), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const { since, until, ...filter } = request.body
      const from = timeParam('since', since)
      const to = until === undefined ? undefined : timeParam('until', until)
      if (to && to <= from) throw errors.invalidParameter('until', 'must be after since')
      const resent = await resendDeliveries(db, { tenant: request.params.tenant, ...filter, since: from, until: to })
      return reply.code(202).send({ resent })
    },
  )

  app.post<{ Params: TargetRef }>(
    '/webhook/:tenant/targets/:configCode/:targetId/enable',
    {
      config: manage,
      schema: {
        tags,
        operationId: 'POST-webhook-enable-target', summary: 'Re-enable a disabled target',
        description: 'Clears the disabled state and the failure clock. Failed deliveries stay failed; recover them to retry.',
        params: TargetParams,
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await enableTarget(db, request.params)
      return reply.code(204).send()
    },
  )

  // A route of the webhook contract, so its errors take the contract's shape.
  app.register(async (scope) => {
    useWebhookErrorFormat(scope)
    scope.get<{ Params: { tenant: string }; Querystring: { fromYearMonth?: string; toYearMonth?: string } }>(
      '/webhook/:tenant/statistics',
      {
        config: read,
        schema: {
          tags,
          operationId: 'GET-webhook-retrieve-statistics', summary: 'Successful deliveries per month',
          description:
            'Months are UTC calendar months, `YYYY-MM`. Without `toYearMonth`, up to the current month; without `fromYearMonth`, only `toYearMonth`.',
          params: Type.Object({ tenant: TenantParam }),
          querystring: Type.Object({
            fromYearMonth: Type.Optional(Type.String({ description: 'First month, YYYY-MM.' })),
            toYearMonth: Type.Optional(Type.String({ description: 'Last month, YYYY-MM.' })),
          }),
          response: { 200: WebhookStatistics, ...webhookErrorResponses() },
        },
      },
      async (request) => {
        const { from, to } = statisticsRange(request.query, new Date())
        const monthStatistics = await deliveredPerMonth(db, request.params.tenant, from, to)
        const limit = options.webhooksMonthlyLimit
        return limit === undefined ? { monthStatistics } : { monthStatistics, webhooksLimit: limit }
      },
    )
  })
}

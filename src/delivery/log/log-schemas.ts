/** The delivery log as the API shows it: one TypeBox description per shape (validation, types, OpenAPI). */
import { type Static, type TSchema, Type } from 'typebox'
import { named } from '../../validation/named-schema.js'

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const Time = Type.String({ format: 'date-time' })

export const DeliveryStateSchema = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')])

export const DeliverySummary = named('Delivery', Type.Object({
  id: Type.Integer({ description: 'The delivery id, for its attempt log.' }),
  configCode: Type.String(),
  targetId: Type.String({ description: "`default` for the config's own destinationUrl, else the eventsConfiguration entry id." }),
  state: DeliveryStateSchema,
  attempts: Type.Integer(),
  lastStatus: Nullable(Type.Integer({ description: 'The HTTP status of the last attempt.' })),
  lastError: Nullable(Type.String()),
  nextAttemptAt: Nullable({ ...Time, description: 'When a pending delivery is tried next; null once it has finished.' }),
  finishedAt: Nullable(Time),
}))
export type DeliverySummary = Static<typeof DeliverySummary>

export const LoggedAttempt = named('DeliveryAttempt', Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  startedAt: Time,
  durationMs: Nullable(Type.Integer({ description: 'Null when the outcome is unknown: the worker making the attempt was lost (its lease ran out).' })),
  status: Nullable(Type.Integer()),
  responseExcerpt: Nullable(Type.String({ description: 'The first 4 KiB of the response body.' })),
  error: Nullable(Type.String()),
  requestHeaders: Nullable(Type.Record(Type.String(), Type.String(), {
    description: 'The headers the request was sent with; configured header values read `(configured value)`. Null when not known (an attempt whose worker was lost, or one made before this was logged).',
  })),
}))
export type LoggedAttempt = Static<typeof LoggedAttempt>

export const TargetOverview = named('DeliveryTarget', Type.Object({
  configCode: Type.String(),
  targetId: Type.String(),
  name: Type.Optional(Type.String()),
  eventType: Nullable(Type.String({ description: "The entry's event type; null for the config's own destination." })),
  url: Nullable(Type.String({ description: 'Where deliveries go now (a password in it is masked).' })),
  active: Type.Boolean({ description: 'The config and the entry are active and there is a URL.' }),
  configured: Type.Boolean({ description: 'False for a target that left the config but still has deliveries.' }),
  disabled: Type.Boolean({ description: 'The engine stopped delivering (410 Gone, or 5 days of failures).' }),
  disabledAt: Nullable(Time),
  disabledReason: Nullable(Type.String()),
  failingSince: Nullable({ ...Time, description: 'Start of the current run of failures.' }),
  pendingDeliveries: Type.Integer(),
  failedDeliveries: Type.Integer(),
}))
export type TargetOverview = Static<typeof TargetOverview>

export const MonthStatistics = Type.Object({
  statisticsMonth: Type.String({ pattern: '^\\d{4}-\\d{2}$' }),
  succesfullySentWebhooks: Type.Integer({ description: 'Deliveries that succeeded in the month (UTC). The name is spelled as the contract spells it.' }),
})
export type MonthStatistics = Static<typeof MonthStatistics>

export const WebhookStatistics = named('WebhookStatistics', Type.Object({
  monthStatistics: Type.Array(MonthStatistics, { description: 'Newest month first; every month of the range.' }),
  webhooksLimit: Type.Optional(Type.Integer({ description: 'Successful deliveries allowed per month; absent when unlimited.' })),
}))

/** Event subscriptions as the API reads and writes them: the catalogue with each event's state, and the update items. */
import { type Static, Type } from 'typebox'
import { named } from '../validation/named-schema.js'

const closed = { additionalProperties: false } as const

const LocalizedText = Type.Record(Type.String(), Type.String(), { description: 'Language code → text.' })

const WebhookEvent = Type.Object({
  type: Type.String(),
  name: LocalizedText,
  description: LocalizedText,
  group: LocalizedText,
  eventSchema: Type.Record(Type.String(), Type.String(), { description: 'Top-level payload field → its kind (String, LocalizedString, Map, Object, …).' }),
})

const SubscriptionState = Type.Union([Type.Literal('SUBSCRIBED'), Type.Literal('UNSUBSCRIBED'), Type.Literal('NONE')])

export const WebhookSubscription = named('EventSubscription', Type.Object({
  event: WebhookEvent,
  subscription: SubscriptionState,
  excludedFields: Type.Array(Type.String(), { description: 'Top-level payload fields left out of deliveries.' }),
  metadata: Type.Object(
    {
      version: Type.Optional(Type.Integer({ minimum: 1 })),
      createdAt: Type.Optional(Type.String({ format: 'date-time' })),
      modifiedAt: Type.Optional(Type.String({ format: 'date-time' })),
    },
    { description: 'Empty for an event type that was never subscribed.' },
  ),
}))
export type WebhookSubscription = Static<typeof WebhookSubscription>

const fieldNames = (description: string) => Type.Array(Type.String({ maxLength: 255 }), { maxItems: 100, description })

export const SubscriptionUpdateItem = named('EventSubscriptionChange', Type.Object(
  {
    eventType: Type.String({ minLength: 1, maxLength: 255, description: 'An event type of the catalogue, in any case.' }),
    action: Type.Optional(Type.Union([Type.Literal('SUBSCRIBE'), Type.Literal('UNSUBSCRIBE')])),
    metadata: Type.Optional(
      Type.Object(
        { version: Type.Optional(Type.Integer({ minimum: 1 })) },
        { ...closed, description: 'The latest version read; for an event type never subscribed, none or 1.' },
      ),
    ),
    fieldsToUnsubscribe: Type.Optional(fieldNames('Top-level payload fields to leave out of deliveries.')),
    fieldsToSubscribe: Type.Optional(fieldNames('Fields left out before, to deliver again.')),
  },
  closed,
))
export type SubscriptionUpdateItem = Static<typeof SubscriptionUpdateItem>

export const SubscriptionUpdate = Type.Array(SubscriptionUpdateItem, { maxItems: 200 })

export const SubscriptionResult = named('EventSubscriptionResult', Type.Object({
  eventType: Type.String(),
  code: Type.Integer(),
  status: Type.String(),
  message: Type.Optional(Type.String()),
}))
export type SubscriptionResult = Static<typeof SubscriptionResult>

/**
 * The event catalogue: the nine `customer-segment.*` event types and the JSON Schema of each payload.
 * Payloads carry exactly these keys; an optional key is omitted when unset. These schemas are exported
 * to `schemas/events/*.json`, published in the OpenAPI `webhooks` section, and checked before an event
 * enters the outbox.
 */
import { type Static, type TObject, Type } from 'typebox'
import { LanguageMap, Metadata, Mixins, SegmentStatus, Validity } from '../domain.js'

const closed = { additionalProperties: false } as const

const SegmentPayload = {
  id: Type.String(),
  name: LanguageMap,
  description: Type.Optional(LanguageMap),
  validity: Type.Optional(Validity),
  status: SegmentStatus,
  siteCode: Type.String(),
  metadata: Metadata,
  tenant: Type.String(),
}

const CustomerAssignmentPayload = {
  segmentId: Type.String(),
  assignmentType: Type.Union([Type.Literal('MANUAL'), Type.Literal('AUTOMATIC')]),
  customer: Type.Object(
    {
      id: Type.String(),
      email: Type.Optional(Type.String()),
      firstName: Type.Optional(Type.String()),
      lastName: Type.Optional(Type.String()),
    },
    closed,
  ),
  legalEntity: Type.Optional(Type.Object({ id: Type.String(), name: Type.Optional(Type.String()) }, closed)),
  mixins: Type.Optional(Mixins),
  metadata: Metadata,
  tenant: Type.String(),
}

const ItemType = Type.Union([Type.Literal('PRODUCT'), Type.Literal('CATEGORY')])

const ItemAssignmentPayload = {
  segmentId: Type.String(),
  type: ItemType,
  item: Type.Object(
    { id: Type.String(), code: Type.Optional(Type.String()), name: Type.Optional(LanguageMap) },
    closed,
  ),
  mixins: Type.Optional(Mixins),
  metadata: Metadata,
  tenant: Type.String(),
}

function eventSchema<P extends Record<string, any>>(type: string, title: string, properties: P) {
  return Type.Object(properties, {
    ...closed,
    $id: `urn:customer-segment-service:event:${type}`,
    title,
    description: `Payload of the ${type} webhook event.`,
  })
}

export const eventPayloadSchemas = {
  'customer-segment.segment-created': eventSchema('customer-segment.segment-created', 'Segment created', SegmentPayload),
  'customer-segment.segment-updated': eventSchema('customer-segment.segment-updated', 'Segment updated', {
    ...SegmentPayload,
    mixins: Type.Optional(Mixins),
    previousStatus: SegmentStatus,
  }),
  'customer-segment.segment-deleted': eventSchema('customer-segment.segment-deleted', 'Segment deleted', {
    id: Type.String(),
    tenant: Type.String(),
  }),
  'customer-segment.customer-assignment-created': eventSchema(
    'customer-segment.customer-assignment-created',
    'Customer assignment created',
    CustomerAssignmentPayload,
  ),
  'customer-segment.customer-assignment-updated': eventSchema(
    'customer-segment.customer-assignment-updated',
    'Customer assignment updated',
    CustomerAssignmentPayload,
  ),
  'customer-segment.customer-assignment-deleted': eventSchema(
    'customer-segment.customer-assignment-deleted',
    'Customer assignment deleted',
    {
      customerId: Type.String(),
      legalEntityId: Type.Optional(Type.String()),
      segmentId: Type.String(),
      assignmentType: Type.Optional(Type.Union([Type.Literal('MANUAL'), Type.Literal('AUTOMATIC')], { description: 'What the removed assignment was: AUTOMATIC ones are made and removed by the segment\'s rule' })),
      tenant: Type.String(),
    },
  ),
  'customer-segment.item-assignment-created': eventSchema(
    'customer-segment.item-assignment-created',
    'Item assignment created',
    ItemAssignmentPayload,
  ),
  'customer-segment.item-assignment-updated': eventSchema(
    'customer-segment.item-assignment-updated',
    'Item assignment updated',
    ItemAssignmentPayload,
  ),
  'customer-segment.item-assignment-deleted': eventSchema(
    'customer-segment.item-assignment-deleted',
    'Item assignment deleted',
    { itemId: Type.String(), segmentId: Type.String(), type: ItemType, tenant: Type.String() },
  ),
} satisfies Record<string, TObject>

export type EventType = keyof typeof eventPayloadSchemas
export type EventPayload<T extends EventType> = Static<(typeof eventPayloadSchemas)[T]>
export const eventTypes = Object.keys(eventPayloadSchemas) as EventType[]

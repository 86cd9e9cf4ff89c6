/** Customer assignments as the API takes and gives them. */
import { type Static, Type } from 'typebox'
import { Metadata, Mixins } from '../domain.js'
import { ResourceId } from '../segments/segment-schemas.js'
import { AssignmentContent } from './assignment-state.js'
import { named } from '../validation/named-schema.js'
import { customerProfile } from '../directory/directory-schemas.js'
import { Attributes } from '../directory/entry-attributes.js'

const Text = Type.String({ maxLength: 1000 })

/** Directory details that may ride along on an upsert; they update the directory (merged key by key: sent `tags` or `attributes` replace the stored ones). */
const InlineCustomer = Type.Object(
  { id: Type.Optional(ResourceId), email: Type.Optional(Text), firstName: Type.Optional(Text), lastName: Type.Optional(Text), ...customerProfile },
  { additionalProperties: false },
)
const InlineLegalEntity = Type.Object(
  { id: Type.Optional(ResourceId), name: Type.Optional(Text), attributes: Type.Optional(Attributes) },
  { additionalProperties: false },
)

const AssignmentType = Type.Union([Type.Literal('MANUAL'), Type.Literal('AUTOMATIC')])

/**
 * An upsert takes what a read returns: the ids of `customer` and `legalEntity` must be the assignment's,
 * `assignmentType` is ignored (assignments made through the API are MANUAL).
 */
const upsertFields = {
  ...AssignmentContent,
  customer: Type.Optional(InlineCustomer),
  legalEntity: Type.Optional(InlineLegalEntity),
  assignmentType: Type.Optional(AssignmentType),
}

export const CustomerAssignmentUpsert = named('CustomerAssignmentUpdate', Type.Object(upsertFields, { additionalProperties: false }))
export type CustomerAssignmentUpsert = Static<typeof CustomerAssignmentUpsert>

/** The keys are `customerId` and `legalEntityId`, or, in an item as a read returns it, `customer.id` and `legalEntity.id`. */
export const CustomerAssignmentUpsertBulk = Type.Object(
  { customerId: Type.Optional(ResourceId), legalEntityId: Type.Optional(ResourceId), ...upsertFields },
  { additionalProperties: false },
)
export type CustomerAssignmentUpsertBulk = Static<typeof CustomerAssignmentUpsertBulk>

export const CustomerKey = Type.Object(
  { customerId: ResourceId, legalEntityId: Type.Optional(ResourceId) },
  { additionalProperties: false },
)
export type CustomerKey = Static<typeof CustomerKey>

// Every key is optional, ids included: `fields=customer.email` leaves `customer` without its id.
export const CustomerAssignmentResponse = named('CustomerAssignment', Type.Object({
  customer: Type.Optional(
    Type.Object({
      id: Type.Optional(Type.String()),
      email: Type.Optional(Type.String()),
      firstName: Type.Optional(Type.String()),
      lastName: Type.Optional(Type.String()),
    }),
  ),
  legalEntity: Type.Optional(Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) })),
  assignmentType: Type.Optional(AssignmentType),
  mixins: Type.Optional(Mixins),
  metadata: Type.Optional(Type.Partial(Metadata)),
}))

/** Item (product or category) assignments as the API takes and gives them. */
import { type Static, Type } from 'typebox'
import { LanguageMap, Metadata, Mixins } from '../domain.js'
import { ResourceId } from '../segments/segment-schemas.js'
import { AssignmentContent } from './assignment-state.js'
import { named } from '../validation/named-schema.js'

export const ITEM_TYPES = ['PRODUCT', 'CATEGORY'] as const
export type ItemType = (typeof ITEM_TYPES)[number]

/** Directory details that may ride along on an upsert; they update the directory (merged). */
const InlineItem = Type.Object(
  { id: Type.Optional(ResourceId), code: Type.Optional(Type.String({ maxLength: 1000 })), name: Type.Optional(LanguageMap) },
  { additionalProperties: false },
)

const ItemTypeSchema = Type.Union(ITEM_TYPES.map((t) => Type.Literal(t)))

/** An upsert takes what a read returns: `segmentId`, `type` and `item.id`, when sent, must be the assignment's. */
const upsertFields = {
  segmentId: Type.Optional(ResourceId),
  type: Type.Optional(ItemTypeSchema),
  ...AssignmentContent,
  item: Type.Optional(InlineItem),
}

export const ItemAssignmentUpsert = named('ItemAssignmentUpdate', Type.Object(upsertFields, { additionalProperties: false }))
export type ItemAssignmentUpsert = Static<typeof ItemAssignmentUpsert>

/** The key is `id`, or, in an item as a read returns it, `item.id`. */
export const ItemAssignmentUpsertBulk = Type.Object({ id: Type.Optional(ResourceId), ...upsertFields }, { additionalProperties: false })
export type ItemAssignmentUpsertBulk = Static<typeof ItemAssignmentUpsertBulk>

// Every key is optional, the item id included: `fields=item.code` leaves `item` without its id.
export const ItemAssignmentResponse = named('ItemAssignment', Type.Object({
  segmentId: Type.Optional(Type.String()),
  item: Type.Optional(
    Type.Object({ id: Type.Optional(Type.String()), code: Type.Optional(Type.String()), name: Type.Optional(LanguageMap) }),
  ),
  type: Type.Optional(ItemTypeSchema),
  mixins: Type.Optional(Mixins),
  metadata: Type.Optional(Type.Partial(Metadata)),
}))

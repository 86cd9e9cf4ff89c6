/**
 * The directory's entries as the API and the importer take and give them: customers, legal entities,
 * products (with the categories they are in) and categories (with their parent).
 */
import { type Static, Type } from 'typebox'
import { LanguageMap, Validity } from '../domain.js'
import { ResourceId } from '../segments/segment-schemas.js'
import { named } from '../validation/named-schema.js'
import { Attributes } from './entry-attributes.js'

const Text = Type.String({ maxLength: 1000 })
const closed = { additionalProperties: false } as const

/** What a customer is besides its name: what rules select by. Shared with inline details on assignments. */
export const customerProfile = {
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 })),
  attributes: Type.Optional(Attributes),
  legalEntityIds: Type.Optional(Type.Array(ResourceId, { maxItems: 100, uniqueItems: true, description: 'The legal entities the customer buys for' })),
}

export const DirectoryCustomer = named('DirectoryCustomer', Type.Object(
  { id: ResourceId, email: Type.Optional(Text), firstName: Type.Optional(Text), lastName: Type.Optional(Text), ...customerProfile },
  closed,
))
export type DirectoryCustomer = Static<typeof DirectoryCustomer>

export const DirectoryLegalEntity = named('DirectoryLegalEntity', Type.Object({ id: ResourceId, name: Type.Optional(Text), attributes: Type.Optional(Attributes) }, closed))
export type DirectoryLegalEntity = Static<typeof DirectoryLegalEntity>

export const DirectoryProduct = named('DirectoryProduct', Type.Object(
  {
    id: ResourceId,
    code: Type.Optional(Text),
    name: Type.Optional(LanguageMap),
    categoryIds: Type.Optional(Type.Array(ResourceId, { maxItems: 1000 })),
  },
  closed,
))
export type DirectoryProduct = Static<typeof DirectoryProduct>

export const DirectoryCategory = named('DirectoryCategory', Type.Object(
  {
    id: ResourceId,
    parentId: Type.Optional(ResourceId),
    code: Type.Optional(Text),
    name: Type.Optional(LanguageMap),
    description: Type.Optional(LanguageMap),
    slug: Type.Optional(LanguageMap),
    ecn: Type.Optional(Type.Array(Text, { maxItems: 1000 })),
    validity: Type.Optional(Validity),
    position: Type.Optional(Type.Integer({ minimum: -2147483648, maximum: 2147483647 })),
    published: Type.Optional(Type.Boolean()),
  },
  closed,
))
export type DirectoryCategory = Static<typeof DirectoryCategory>

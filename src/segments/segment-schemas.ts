/** The segment resource as the API reads and writes it: one TypeBox description per shape. */
import { type Static, Type } from 'typebox'
import { LanguageMap, Metadata, MetadataUpdate, MixinSchemas, Mixins, SegmentStatus, Validity } from '../domain.js'
import { named } from '../validation/named-schema.js'

/**
 * Ids are kept exactly as given; they must be addressable as one path segment. Control characters are
 * refused too: PostgreSQL text cannot hold U+0000, and the others are never meant.
 */
export const ResourceId = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^/?#%\\s\\u0000-\\u001f\\u007f]+$' })

/** A map, or a plain string in the language named by Content-Language. */
const LocalizedInput = Type.Union([
  Type.String(),
  Type.Unsafe<LanguageMap>({ ...LanguageMap, minProperties: 1 }),
])

const content = {
  name: LocalizedInput,
  description: Type.Optional(LocalizedInput),
  validity: Type.Optional(Validity),
  status: Type.Optional(SegmentStatus),
  siteCode: Type.String({ minLength: 1, maxLength: 255 }),
  mixins: Type.Optional(Mixins),
}

export const SegmentCreation = named('SegmentCreation', Type.Object(
  {
    id: Type.Optional(ResourceId),
    ...content,
    metadata: Type.Optional(Type.Object({ mixins: Type.Optional(MixinSchemas) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
))
export type SegmentCreation = Static<typeof SegmentCreation>

/**
 * PUT body, and what a read returns: `id`, if sent, must equal the path id; the dates in `metadata` are
 * ignored.
 */
export const SegmentUpdate = named('SegmentUpdate', Type.Object(
  { id: Type.Optional(ResourceId), ...content, metadata: Type.Optional(MetadataUpdate) },
  { additionalProperties: false },
))
export type SegmentUpdate = Static<typeof SegmentUpdate>

export const SegmentResponse = named('Segment', Type.Object(
  {
    id: Type.String(),
    name: Type.Optional(LanguageMap),
    description: Type.Optional(LanguageMap),
    validity: Type.Optional(Validity),
    status: Type.Optional(SegmentStatus),
    siteCode: Type.Optional(Type.String()),
    mixins: Type.Optional(Mixins),
    metadata: Type.Optional(Type.Partial(Metadata)),
  },
))

/** A stored segment in API shape, with language maps (before Accept-Language and `fields`). */
export interface Segment {
  id: string
  name: LanguageMap
  description?: LanguageMap
  validity?: Validity
  status: SegmentStatus
  siteCode: string
  mixins?: Mixins
  metadata: Metadata
}

export const SearchBody = named('SearchQuery', Type.Object(
  { q: Type.Optional(Type.String({ maxLength: 10_000 })) },
  { additionalProperties: false },
))

export const PatchOperation = named('JsonPatchOperation', Type.Object(
  {
    op: Type.Union(['add', 'remove', 'replace', 'test', 'move', 'copy'].map((op) => Type.Literal(op))),
    path: Type.String(),
    from: Type.Optional(Type.String()),
    value: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
))
export const PatchBody = Type.Array(PatchOperation, { minItems: 1, maxItems: 1000 })
export type PatchBody = Static<typeof PatchBody>

export const CreatedResponse = named('Created', Type.Object({ id: Type.String() }))

export const BulkResult = named('BulkResult', Type.Object(
  {
    index: Type.Integer(),
    id: Type.Optional(Type.String()),
    code: Type.Integer(),
    status: Type.String(),
    message: Type.Optional(Type.String()),
  },
))
export type BulkResult = Static<typeof BulkResult>

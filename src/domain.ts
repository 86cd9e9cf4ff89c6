/**
 * Glossary — the names used everywhere in this code base:
 * - tenant: one customer of the platform; every row and every route is scoped to one tenant.
 * - segment: a named group of customers on one site, with a status and a validity window.
 * - effective segment: ACTIVE and now inside its validity (`from` inclusive, `to` exclusive).
 * - customer assignment: a customer (B2C) or a customer in a legal entity (B2B) placed in a segment.
 * - item assignment: a product or a category placed in a segment.
 * - directory entry: enrichment data about customers, legal entities, products and categories.
 * - event: a committed change, written to the outbox in the change's own transaction.
 * - subject: the resource an event is about (`segments/{id}`, …); event sequences increase per subject.
 * - target: a webhook destination an event is delivered to.
 * - delivery: one event on its way to one target; attempt: one HTTP try of a delivery.
 *
 * This module holds the schemas shared by resources and events.
 */
import { type Static, Type } from 'typebox'

/** Language code → text, e.g. `{ "en": "Golden Segment" }`. */
export const LanguageMap = Type.Unsafe<Record<string, string>>({
  type: 'object',
  patternProperties: { '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$': { type: 'string' } },
  additionalProperties: false,
})
export type LanguageMap = Static<typeof LanguageMap>

export const SegmentStatus = Type.Union([Type.Literal('ACTIVE'), Type.Literal('INACTIVE')])
export type SegmentStatus = Static<typeof SegmentStatus>

export const Validity = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
)
export type Validity = Static<typeof Validity>

/** Custom attributes, grouped by mixin name. */
export const Mixins = Type.Record(Type.String(), Type.Unknown())
export type Mixins = Static<typeof Mixins>

/** Mixin name → URL of the JSON Schema describing it. */
export const MixinSchemas = Type.Record(Type.String(), Type.String())

export const Metadata = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    createdAt: Type.String({ format: 'date-time' }),
    modifiedAt: Type.String({ format: 'date-time' }),
    mixins: Type.Optional(MixinSchemas),
  },
  { additionalProperties: false },
)
export type Metadata = Static<typeof Metadata>

/**
 * `metadata` as an upsert takes it: `version`, when sent, must be the stored one (409 otherwise). The dates
 * a read returns are taken so that what was read can be written back, and ignored: the service keeps them.
 */
export const MetadataUpdate = Type.Object(
  {
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    createdAt: Type.Optional(Type.String({ format: 'date-time' })),
    modifiedAt: Type.Optional(Type.String({ format: 'date-time' })),
    mixins: Type.Optional(MixinSchemas),
  },
  { additionalProperties: false },
)

/**
 * The webhook configuration as the API reads and writes it: one TypeBox description per shape, used for
 * request validation, PATCH value checks, response serialization and OpenAPI. The providers are HTTP and
 * SVIX_SHARED (whose configuration is empty). Secrets are write-only: reads answer `secretKeyExists`, and writes accept it back so that a
 * config read and sent again keeps its secrets.
 */
import { type Static, Type } from 'typebox'
import { named } from '../validation/named-schema.js'

const closed = { additionalProperties: false } as const

export const MAX_HEADERS = 10
export const MAX_ENTRIES = 100

export const ConfigCode = Type.String({ minLength: 1, maxLength: 64, description: "The config's code: `http` for provider HTTP, `svix_shared` for SVIX_SHARED." })

const Provider = Type.Union([Type.Literal('HTTP'), Type.Literal('SVIX_SHARED')], {
  description: "HTTP (code `http`), or SVIX_SHARED (code `svix_shared`, an empty configuration: its endpoints are kept under /webhook/{tenant}/portal/endpoints). SVIX is refused with 400.",
})

export const Url = Type.String({ minLength: 1, maxLength: 2048, description: 'An absolute http or https URL. It is not called on write.' })

export const SecretKey = Type.String({
  minLength: 1,
  maxLength: 1024,
  description: 'Write-only: signs deliveries (`emporix-event-signature`, `webhook-signature`). Reads answer `secretKeyExists`.',
})

const SecretKeyExists = Type.Boolean({
  description: 'As read back: `false` removes the stored secret, `true` keeps it. Omitting both this and `secretKey` keeps the stored secret.',
})

export const HeaderMap = Type.Record(Type.String(), Type.Object({ value: Type.String({ maxLength: 8192 }) }, closed), {
  maxProperties: MAX_HEADERS,
  description: `Extra request headers, \`{ "<name>": { "value": "<v>" } }\`, at most ${MAX_HEADERS}.`,
})

export const Filter = Type.String({
  maxLength: 4096,
  description: "An RFC 9535 JsonPath filter over the payload, e.g. `$[?(@.status == 'ACTIVE')]`; empty matches every event.",
})

export const ExcludedFields = Type.Union([Type.Array(Type.String({ maxLength: 255 }), { maxItems: 100 }), Type.Null()], {
  description: 'Top-level payload fields left out of deliveries to this entry. `null` or absent inherits the subscription; `[]` excludes nothing.',
})

export const EntryName = Type.String({ maxLength: 255, description: 'A label; it has no effect on delivery.' })

const EntryActive = Type.Boolean({ description: 'Defaults to true; an inactive entry receives nothing.' })

const entryProperties = {
  id: Type.Optional(Type.String({ maxLength: 255, description: 'Server-generated. Leave it out to create an entry; send it back to keep one.' })),
  name: Type.Optional(EntryName),
  eventType: Type.String({ minLength: 1, maxLength: 255, description: 'One of the event types of the catalogue, in any case.' }),
  destinationUrl: Type.Optional(Url),
  secretKey: Type.Optional(SecretKey),
  secretKeyExists: Type.Optional(SecretKeyExists),
  headers: Type.Optional(HeaderMap),
  filter: Type.Optional(Filter),
  excludedFields: Type.Optional(ExcludedFields),
  active: Type.Optional(EntryActive),
}

/** An eventsConfiguration entry in a create, update or list replacement. */
export const EntryInput = Type.Object(entryProperties, closed)
export type EntryInput = Static<typeof EntryInput>

/** An entry written at its own PATCH path: its event type may come from the path or the stored entry. */
export const EntryPatchInput = Type.Object({ ...entryProperties, eventType: Type.Optional(entryProperties.eventType) }, closed)
export type EntryPatchInput = Static<typeof EntryPatchInput>

export const EntriesInput = Type.Array(EntryInput, { maxItems: MAX_ENTRIES })

export const HttpConfigInput = Type.Object(
  {
    destinationUrl: Type.Optional(Url),
    secretKey: Type.Optional(SecretKey),
    secretKeyExists: Type.Optional(SecretKeyExists),
    headers: Type.Optional(HeaderMap),
    eventsConfiguration: Type.Optional(EntriesInput),
  },
  closed,
)
export type HttpConfigInput = Static<typeof HttpConfigInput>

const configProperties = {
  provider: Provider,
  active: Type.Optional(Type.Boolean({ description: 'Defaults to true; an inactive config delivers nothing.' })),
  configuration: Type.Optional(HttpConfigInput),
}

export const ConfigCreation = named('WebhookConfigCreation', Type.Object({ code: ConfigCode, ...configProperties }, closed))
export type ConfigCreation = Static<typeof ConfigCreation>

/** PUT body: the whole config. `code`, if sent, must equal the path code. */
export const ConfigUpdate = named('WebhookConfigUpdate', Type.Object({ code: Type.Optional(ConfigCode), ...configProperties }, closed))
export type ConfigUpdate = Static<typeof ConfigUpdate>

export const PatchOperation = named('WebhookConfigPatchOperation', Type.Object(
  {
    op: Type.Union([Type.Literal('UPSERT'), Type.Literal('REMOVE')]),
    path: Type.String({ minLength: 1, maxLength: 1024 }),
    value: Type.Optional(Type.Unknown()),
  },
  closed,
))
export type PatchOperation = Static<typeof PatchOperation>

export const ConfigPatch = Type.Array(PatchOperation, { minItems: 1, maxItems: 100 })

export const CreatedConfig = named('CreatedWebhookConfig', Type.Object({ code: Type.String() }))

const EntryResponse = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  eventType: Type.String(),
  destinationUrl: Type.Optional(Type.String()),
  secretKeyExists: Type.Boolean(),
  headers: Type.Optional(HeaderMap),
  filter: Type.Optional(Type.String()),
  excludedFields: Type.Union([Type.Array(Type.String()), Type.Null()]),
  active: Type.Boolean(),
})

const HttpConfigurationResponse = Type.Object({
  destinationUrl: Type.Optional(Type.String()),
  secretKeyExists: Type.Boolean(),
  headers: Type.Optional(HeaderMap),
  eventsConfiguration: Type.Array(EntryResponse),
})

const EmptyConfiguration = Type.Object({}, { additionalProperties: false, description: 'SVIX_SHARED: empty; the endpoints are under /webhook/{tenant}/portal/endpoints.' })

export const ConfigResponse = named('WebhookConfig', Type.Object({
  code: Type.String(),
  provider: Type.String(),
  active: Type.Boolean(),
  configuration: Type.Union([HttpConfigurationResponse, EmptyConfiguration]),
}))
export type ConfigResponse = Static<typeof ConfigResponse>

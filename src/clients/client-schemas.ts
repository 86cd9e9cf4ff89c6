/** The API client resource as the admin API reads and writes it. */
import { type Static, Type } from 'typebox'
import { SCOPES } from '../auth/principal.js'
import { named } from '../validation/named-schema.js'

/**
 * The scopes a client may hold: all but a customer's own read, which needs the customer's identity in
 * the token (customer tokens come from the storefront's identity provider).
 */
export const GRANTABLE_SCOPES: readonly string[] = [SCOPES.segmentManage, SCOPES.segmentRead, SCOPES.webhookManage, SCOPES.webhookRead, SCOPES.clientManage]

/** A tenant's clients at most: listing them is one page, and creating more is a 400. */
export const MAX_CLIENTS = 100
export const MAX_NAME_LENGTH = 100
/** The longest grace period of a rotated secret: a week. */
export const MAX_GRACE_SECONDS = 604_800

export const ClientId = Type.String({ pattern: '^[0-9a-f]{32}$', description: '32 lowercase hex characters' })

const ClientScope = Type.Unsafe<string>({ type: 'string', enum: [...GRANTABLE_SCOPES] })

export const ClientCreation = named('ApiClientCreation', Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_NAME_LENGTH, description: 'What the client is for, for people reading the list' })),
    scopes: Type.Array(ClientScope, { minItems: 1, maxItems: GRANTABLE_SCOPES.length, uniqueItems: true }),
  },
  { additionalProperties: false, examples: [{ name: 'ERP sync', scopes: [SCOPES.segmentManage, SCOPES.segmentRead] }] },
))
export type ClientCreation = Static<typeof ClientCreation>

export const ClientRotation = named('ApiClientRotation', Type.Object(
  {
    graceSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_GRACE_SECONDS, description: 'How long the previous secret keeps working (default 0: it stops at once)' }),
    ),
  },
  { additionalProperties: false },
))
export type ClientRotation = Static<typeof ClientRotation>

export const ClientResponse = named('ApiClient', Type.Object({
  clientId: ClientId,
  name: Type.Optional(Type.String()),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Optional(Type.String({ format: 'date-time', description: 'The last token request, to within a minute' })),
  secretRotatedAt: Type.Optional(Type.String({ format: 'date-time' })),
  previousSecretExpiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'Until then the previous secret works too' })),
}))
export type ClientResponse = Static<typeof ClientResponse>

/** A client with its secret: answered once, when the client is created or its secret rotated. */
export const ClientWithSecret = named('ApiClientWithSecret', Type.Object({
  ...ClientResponse.properties,
  clientSecret: Type.String({ description: 'Shown only now; only its hash is stored' }),
}))
export type ClientWithSecret = Static<typeof ClientWithSecret>

/**
 * The endpoints of an SVIX_SHARED webhook config: where the platform's default provider delivers, kept
 * by this service as the hosted provider keeps them (URL, description, event types, a `whsec_` secret with
 * reveal and rotation, a disabled flag). Each endpoint is a delivery target of config `svix_shared`;
 * deliveries to it carry the Standard Webhooks signature under both the `webhook-*` and the `svix-*`
 * header names, so receivers written for that provider verify them unchanged.
 */
import { randomBytes } from 'node:crypto'
import { type Kysely, type Selectable, sql } from 'kysely'
import { type Static, Type } from 'typebox'
import { v7 as uuidv7 } from 'uuid'
import type { DB, PortalEndpointTable } from '../db/schema.js'
import { ApiError, errors } from '../errors.js'
import { named } from '../validation/named-schema.js'
import { checkDestination, checkEventType, checkUrl } from './config-values.js'
import { maskUrl } from './credentials.js'
import { Url } from './config-schemas.js'
import { history } from './secret-rotation.js'

/** Endpoints per tenant. */
export const MAX_ENDPOINTS = 50
/** Event types one endpoint names. */
const MAX_EVENT_TYPES = 100

const closed = { additionalProperties: false } as const

/** `whsec_` and the base64 of 24 to 64 random bytes, as the hosted provider issues them. */
const SECRET = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/

const Secret = Type.String({ maxLength: 100, description: 'A Standard Webhooks secret: `whsec_` and base64 of 24 to 64 bytes. Generated when left out.' })
const EventTypes = Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: MAX_EVENT_TYPES }), Type.Null()], {
  description: 'The subscribed event types this endpoint receives; null or absent: all of them.',
})
const Description = Type.String({ maxLength: 1024 })

export const EndpointCreation = named('PortalEndpointCreation', Type.Object(
  { url: Url, description: Type.Optional(Description), eventTypes: Type.Optional(EventTypes), disabled: Type.Optional(Type.Boolean()), secret: Type.Optional(Secret) },
  closed,
))
export type EndpointCreation = Static<typeof EndpointCreation>

export const EndpointChange = named('PortalEndpointChange', Type.Object(
  { url: Type.Optional(Url), description: Type.Optional(Description), eventTypes: Type.Optional(EventTypes), disabled: Type.Optional(Type.Boolean()) },
  { ...closed, minProperties: 1 },
))
export type EndpointChange = Static<typeof EndpointChange>

export const Endpoint = named('PortalEndpoint', Type.Object({
  id: Type.String(),
  url: Type.String({ description: 'Passwords in the URL are masked.' }),
  description: Type.String(),
  eventTypes: Type.Union([Type.Array(Type.String()), Type.Null()]),
  disabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  modifiedAt: Type.String({ format: 'date-time' }),
}))
export type Endpoint = Static<typeof Endpoint>

export const EndpointSecret = named('PortalEndpointSecret', Type.Object({ key: Type.String({ description: 'The current `whsec_` secret.' }) }))

export const SecretRotation = Type.Object({ key: Type.Optional(Secret) }, closed)

export interface EndpointContext {
  db: Kysely<DB>
  tenant: string
  /** Loopback, private and link-local destinations are allowed (DELIVERY_ALLOW_PRIVATE). */
  allowPrivate: boolean
}

type Row = Selectable<PortalEndpointTable>

export const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`

function checkSecret(secret: string, field: string): string {
  if (!SECRET.test(secret)) throw errors.invalidParameter(field, "a secret is 'whsec_' followed by the base64 of 24 to 64 bytes")
  const bytes = Buffer.from(secret.slice('whsec_'.length), 'base64').length
  if (bytes < 24 || bytes > 64) throw errors.invalidParameter(field, `the secret holds ${bytes} bytes; it needs 24 to 64`)
  return secret
}

function checkEventTypes(types: string[] | null | undefined): string[] | null {
  if (types === undefined || types === null) return null
  return [...new Set(types.map((type, index) => checkEventType(type, `eventTypes.${index}`)))]
}

const endpointNotFound = (id: string) => new ApiError(404, `The portal endpoint '${id}' has not been found.`, undefined, id)

export function presentEndpoint(row: Row): Endpoint {
  return {
    id: row.id,
    url: maskUrl(row.url),
    description: row.description,
    eventTypes: row.event_types,
    disabled: row.disabled,
    createdAt: row.created_at.toISOString(),
    modifiedAt: row.modified_at.toISOString(),
  }
}

export async function listEndpoints(ctx: EndpointContext): Promise<Row[]> {
  return ctx.db.selectFrom('portal_endpoint').selectAll().where('tenant', '=', ctx.tenant).orderBy('id').execute()
}

export async function getEndpoint(ctx: EndpointContext, id: string): Promise<Row> {
  const row = await ctx.db.selectFrom('portal_endpoint').selectAll().where('tenant', '=', ctx.tenant).where('id', '=', id).executeTakeFirst()
  if (!row) throw endpointNotFound(id)
  return row
}

export async function createEndpoint(ctx: EndpointContext, input: EndpointCreation): Promise<Row> {
  const now = new Date()
  const values = {
    tenant: ctx.tenant,
    id: `ep_${uuidv7()}`,
    url: checkDestination(checkUrl(input.url, 'url'), 'url', ctx.allowPrivate),
    description: input.description ?? '',
    event_types: checkEventTypes(input.eventTypes),
    secret: input.secret === undefined ? newSecret() : checkSecret(input.secret, 'secret'),
    previous_secrets: '[]',
    disabled: input.disabled ?? false,
    created_at: now,
    modified_at: now,
  }
  return ctx.db.transaction().execute(async (tx) => {
    // One creation at a time per tenant, so two cannot both pass the count.
    await sql`select pg_advisory_xact_lock(hashtextextended(${`portal-endpoints:${ctx.tenant}`}, 0))`.execute(tx)
    const { count } = await tx
      .selectFrom('portal_endpoint')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('tenant', '=', ctx.tenant)
      .executeTakeFirstOrThrow()
    if (Number(count) >= MAX_ENDPOINTS) throw errors.invalidParameter('url', `a tenant has at most ${MAX_ENDPOINTS} portal endpoints`)
    return tx.insertInto('portal_endpoint').values(values).returningAll().executeTakeFirstOrThrow()
  })
}

export async function changeEndpoint(ctx: EndpointContext, id: string, change: EndpointChange): Promise<Row> {
  const set: { url?: string; description?: string; event_types?: string[] | null; disabled?: boolean } = {}
  if (change.url !== undefined) set.url = checkDestination(checkUrl(change.url, 'url'), 'url', ctx.allowPrivate)
  if (change.description !== undefined) set.description = change.description
  if (change.eventTypes !== undefined) set.event_types = checkEventTypes(change.eventTypes)
  if (change.disabled !== undefined) set.disabled = change.disabled
  const row = await ctx.db
    .updateTable('portal_endpoint')
    .set({ ...set, modified_at: new Date() })
    .where('tenant', '=', ctx.tenant)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
  if (!row) throw endpointNotFound(id)
  return row
}

export async function deleteEndpoint(ctx: EndpointContext, id: string): Promise<void> {
  const deleted = await ctx.db.deleteFrom('portal_endpoint').where('tenant', '=', ctx.tenant).where('id', '=', id).executeTakeFirst()
  if (Number(deleted.numDeletedRows) === 0) throw endpointNotFound(id)
}

/** Replaces the secret (with `key`, or a new one); the replaced one still signs during the grace period. */
export async function rotateSecret(ctx: EndpointContext, id: string, key: string | undefined): Promise<void> {
  const secret = key === undefined ? newSecret() : checkSecret(key, 'key')
  await ctx.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('portal_endpoint').selectAll().where('tenant', '=', ctx.tenant).where('id', '=', id).forUpdate().executeTakeFirst()
    if (!row) throw endpointNotFound(id)
    if (row.secret === secret) return
    const previous = history({ key: row.secret, previous: row.previous_secrets }, secret, new Date()) ?? []
    await tx
      .updateTable('portal_endpoint')
      .set({ secret, previous_secrets: JSON.stringify(previous), modified_at: new Date() })
      .where('tenant', '=', ctx.tenant)
      .where('id', '=', id)
      .execute()
  })
}

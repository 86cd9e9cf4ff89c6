/**
 * API client rules: at most MAX_CLIENTS per tenant, secrets generated here and shown once, rotation with
 * an optional grace period for the previous secret, revocation that deletes the client (its secret stops
 * working at once; tokens it already got live out their short lifetime). Every operation is scoped to one
 * tenant: another tenant's client is not found.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { ApiError, errors } from '../errors.js'
import { countClients, deleteClient, insertClient, lockTenantClients, selectClient, selectClients, updateSecret, type ClientRow } from './client-rows.js'
import { type ClientCreation, type ClientResponse, type ClientWithSecret, MAX_CLIENTS } from './client-schemas.js'
import { hashSecret, newClientId, newClientSecret } from './client-secret.js'

export function presentClient(row: ClientRow, now = new Date()): ClientResponse {
  const client: ClientResponse = { clientId: row.id, scopes: row.scopes, createdAt: row.created_at.toISOString() }
  if (row.name !== null) client.name = row.name
  if (row.last_used_at) client.lastUsedAt = row.last_used_at.toISOString()
  if (row.secret_rotated_at) client.secretRotatedAt = row.secret_rotated_at.toISOString()
  if (row.previous_secret_expires_at && row.previous_secret_expires_at > now) client.previousSecretExpiresAt = row.previous_secret_expires_at.toISOString()
  return client
}

const clientNotFound = (id: string) => new ApiError(404, `The API client ${id} has not been found.`, undefined, id)

export async function createClient(db: Kysely<DB>, tenant: string, input: ClientCreation): Promise<ClientWithSecret> {
  const secret = newClientSecret()
  const row: ClientRow = {
    id: newClientId(),
    tenant,
    name: input.name ?? null,
    scopes: [...new Set(input.scopes)],
    secret_hash: hashSecret(secret),
    previous_secret_hash: null,
    previous_secret_expires_at: null,
    created_at: new Date(),
    secret_rotated_at: null,
    last_used_at: null,
  }
  await db.transaction().execute(async (tx) => {
    await lockTenantClients(tx, tenant)
    if ((await countClients(tx, tenant)) >= MAX_CLIENTS) {
      throw new ApiError(400, `A tenant has at most ${MAX_CLIENTS} API clients; revoke one it no longer needs first.`, { type: 'too_many_clients' })
    }
    await insertClient(tx, row)
  })
  return { ...presentClient(row), clientSecret: secret }
}

export async function listClients(db: Kysely<DB>, tenant: string): Promise<ClientResponse[]> {
  const now = new Date()
  return (await selectClients(db, tenant)).map((row) => presentClient(row, now))
}

export async function getClient(db: Kysely<DB>, tenant: string, id: string): Promise<ClientRow> {
  const row = await selectClient(db, tenant, id)
  if (!row) throw clientNotFound(id)
  return row
}

/**
 * A new secret for the client. With `graceSeconds` the secret it had until now keeps working that long
 * (a rotation during a grace period ends the older one); without, it stops at once. `mayHold` says
 * whether the caller may obtain a secret for the client's scopes.
 */
export async function rotateClientSecret(
  db: Kysely<DB>,
  tenant: string,
  id: string,
  graceSeconds = 0,
  mayHold: (scopes: readonly string[]) => void = () => {},
): Promise<ClientWithSecret> {
  const secret = newClientSecret()
  const now = new Date()
  const row = await db.transaction().execute(async (tx) => {
    const current = await selectClient(tx, tenant, id, true)
    if (!current) throw clientNotFound(id)
    mayHold(current.scopes)
    return updateSecret(tx, tenant, id, {
      secretHash: hashSecret(secret),
      previousHash: graceSeconds > 0 ? current.secret_hash : null,
      previousExpiresAt: graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null,
      at: now,
    })
  })
  if (!row) throw clientNotFound(id)
  return { ...presentClient(row, now), clientSecret: secret }
}

export async function revokeClient(db: Kysely<DB>, tenant: string, id: string): Promise<void> {
  if (!(await deleteClient(db, tenant, id))) throw clientNotFound(id)
}

/** Refuses to hand out a secret with a scope the caller does not hold itself (no escalation through clients). */
export function grantableBy(held: ReadonlySet<string>) {
  return (scopes: readonly string[]): void => {
    const missing = scopes.filter((scope) => !held.has(scope))
    if (missing.length > 0) {
      throw errors.forbidden(`a client's scopes must be held by the token that creates it or rotates its secret; the token lacks ${missing.join(', ')}`, 'missing_scope')
    }
  }
}

/**
 * `segments clients create|list|rotate|revoke --tenant T`: API clients managed straight in the database
 * (pending migrations are applied first), for operators and deployment scripts. A secret is printed once,
 * when it is made; `--json` prints machine-readable output. A refusal (an unknown client, too many
 * clients) is one line on stderr and exit code 1.
 */
import type { Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { DB } from '../db/schema.js'
import { ApiError } from '../errors.js'
import { createLogger } from '../process/logger.js'
import { migrateStore, openStore } from '../process/open-store.js'
import type { ClientResponse } from './client-schemas.js'
import { createClient, listClients, revokeClient, rotateClientSecret } from './client-service.js'

export type ClientsAction =
  | { action: 'create'; scopes: string[]; name?: string }
  | { action: 'list' }
  | { action: 'rotate'; clientId: string; graceSeconds: number }
  | { action: 'revoke'; clientId: string }

function print(json: boolean, value: unknown, text: string): void {
  console.log(json ? JSON.stringify(value, null, 2) : text)
}

function describe(client: ClientResponse): string {
  const name = client.name ? ` "${client.name}"` : ''
  const used = client.lastUsedAt ? `last used ${client.lastUsedAt}` : 'never used'
  return `${client.clientId}${name}  ${client.scopes.join(' ')}  created ${client.createdAt}, ${used}`
}

async function run(db: Kysely<DB>, tenant: string, request: ClientsAction, json: boolean): Promise<void> {
  switch (request.action) {
    case 'create': {
      const client = await createClient(db, tenant, { scopes: request.scopes, name: request.name })
      print(
        json,
        { clientId: client.clientId, clientSecret: client.clientSecret },
        `Created API client ${describe(client)}\nclient_id:     ${client.clientId}\nclient_secret: ${client.clientSecret}\nThe secret is shown only now; store it safely.`,
      )
      return
    }
    case 'list': {
      const clients = await listClients(db, tenant)
      print(json, clients, clients.length === 0 ? `Tenant ${tenant} has no API clients.` : clients.map(describe).join('\n'))
      return
    }
    case 'rotate': {
      const client = await rotateClientSecret(db, tenant, request.clientId, request.graceSeconds)
      const previous = client.previousSecretExpiresAt ? `works until ${client.previousSecretExpiresAt}` : 'no longer works'
      print(
        json,
        { clientId: client.clientId, clientSecret: client.clientSecret },
        `New secret of API client ${client.clientId}; the previous one ${previous}.\nclient_secret: ${client.clientSecret}\nThe secret is shown only now; store it safely.`,
      )
      return
    }
    case 'revoke':
      await revokeClient(db, tenant, request.clientId)
      print(json, { clientId: request.clientId, revoked: true }, `Revoked API client ${request.clientId}: its secret no longer works.`)
  }
}

/** Resolves with the exit code. */
export async function runClientsCommand(config: Config, tenant: string, request: ClientsAction, json: boolean): Promise<number> {
  const database = await openStore(config, createLogger(config))
  try {
    await migrateStore(database, config)
    await run(database.db, tenant, request, json)
    return 0
  } catch (error) {
    if (!(error instanceof ApiError)) throw error
    const unknown = error.statusCode === 404 && 'clientId' in request
    console.error(unknown ? `Tenant ${tenant} has no API client ${request.clientId}.` : error.message)
    return 1
  } finally {
    await database.close()
  }
}

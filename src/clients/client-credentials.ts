/**
 * The client credentials grant (RFC 6749 §4.4) behind POST /oauth/token: the client authenticates with
 * HTTP Basic or with `client_id` and `client_secret` in the form, may narrow its scopes with `scope`
 * (`tenant=…` entries must name its own tenant), and gets a JWT for its tenant signed with the service's
 * key, answered in the shape of the platform's OAuth service. Failures are OAuth errors. A failed
 * authentication costs the same whether the client is unknown or the secret wrong; secrets are 256 random
 * bits, so trying secrets is pointless and is not rate-limited here.
 */
import type { Kysely } from 'kysely'
import { mintToken, type TokenIssuer } from '../auth/mint-token.js'
import type { DB } from '../db/schema.js'
import { type ClientRow, selectClientForSignIn, touchClient } from './client-rows.js'
import { CLIENT_ID_PATTERN, secretMatches } from './client-secret.js'
import { oauthErrors } from './oauth-errors.js'

/** A client's last use is recorded at most this often, so that token requests are not each a write. */
const LAST_USED_PRECISION_MS = 60_000

export interface TokenParameters {
  grant_type?: string
  client_id?: string
  client_secret?: string
  scope?: string
}

/** The platform's AccessToken. There are no refresh tokens: a client asks for a new token when one expires. */
export interface AccessToken {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  /** `tenant=…` and the granted scopes, space-separated. */
  scope: string
  /** Minutes a token may go unused: its whole lifetime, as tokens are not sessions. */
  session_idle_time: number
  refresh_token: ''
  refresh_token_expires_in: 0
}

interface Credentials {
  id: string
  secret: string
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replaceAll('+', ' '))
}

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before they are base64-encoded. */
function basicCredentials(header: string): Credentials {
  const match = /^Basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header)
  if (!match) throw oauthErrors.invalidClient('Authenticate with HTTP Basic (client id and secret), or send client_id and client_secret in the form.')
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) throw oauthErrors.invalidClient('The Basic credentials must be client_id:client_secret.')
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) }
  } catch {
    throw oauthErrors.invalidClient('The Basic credentials are not properly form-encoded.')
  }
}

function credentialsOf(parameters: TokenParameters, authorization: string | undefined): Credentials {
  if (authorization !== undefined) {
    if (parameters.client_secret !== undefined) throw oauthErrors.invalidRequest('Authenticate with one method: HTTP Basic or client_secret in the form, not both.')
    const basic = basicCredentials(authorization)
    if (parameters.client_id !== undefined && parameters.client_id !== basic.id) throw oauthErrors.invalidRequest('client_id in the form differs from the one in HTTP Basic.')
    return basic
  }
  const { client_id: id, client_secret: secret } = parameters
  if (id === undefined || secret === undefined) throw oauthErrors.invalidClient('Authenticate with HTTP Basic, or send client_id and client_secret in the form.')
  return { id, secret }
}

async function authenticate(db: Kysely<DB>, { id, secret }: Credentials, now: Date): Promise<ClientRow> {
  // An id that cannot be one is not looked up (nor can it put a NUL into a statement), but still costs a comparison.
  const row = CLIENT_ID_PATTERN.test(id) ? await selectClientForSignIn(db, id) : undefined
  const previous = row?.previous_secret_expires_at && row.previous_secret_expires_at > now ? row.previous_secret_hash : null
  const matched = secretMatches(secret, [row?.secret_hash, previous])
  if (!row || !matched) throw oauthErrors.invalidClient()
  return row
}

/** The scopes to grant: the client's, or those of them it asks for. */
function grantedScopes(client: ClientRow, requested: string | undefined): string[] {
  if (requested === undefined) return client.scopes
  const asked = requested.split(' ').filter(Boolean)
  for (const entry of asked) {
    if (entry.startsWith('tenant=') && entry !== `tenant=${client.tenant}`) {
      throw oauthErrors.invalidScope(`The client's tokens are for its own tenant only; it cannot ask for ${entry.slice(0, 100)}.`)
    }
  }
  const wanted = asked.filter((entry) => !entry.startsWith('tenant='))
  if (wanted.length === 0) return client.scopes
  const refused = [...new Set(wanted.filter((scope) => !client.scopes.includes(scope)))]
  if (refused.length > 0) {
    const listed = refused.slice(0, 5).map((scope) => scope.slice(0, 100)).join(', ')
    throw oauthErrors.invalidScope(`The client does not hold ${refused.length === 1 ? 'the scope' : 'the scopes'} ${listed}${refused.length > 5 ? ', …' : ''}.`)
  }
  return client.scopes.filter((scope) => wanted.includes(scope))
}

export async function grantClientCredentials(
  db: Kysely<DB>,
  issuer: TokenIssuer | undefined,
  parameters: TokenParameters,
  authorization: string | undefined,
): Promise<AccessToken> {
  if (!issuer) throw oauthErrors.noIssuer()
  const grantType = parameters.grant_type
  if (grantType === undefined) throw oauthErrors.invalidRequest('grant_type is required: client_credentials.')
  if (grantType !== 'client_credentials') throw oauthErrors.unsupportedGrantType(grantType)
  const now = new Date()
  const client = await authenticate(db, credentialsOf(parameters, authorization), now)
  const scopes = grantedScopes(client, parameters.scope)
  const accessToken = await mintToken(issuer.key, {
    tenant: client.tenant,
    scopes,
    clientId: client.id,
    ttl: `${issuer.ttlSeconds}s`,
    issuer: issuer.issuer,
    audience: issuer.audience,
  })
  if (!client.last_used_at || now.getTime() - client.last_used_at.getTime() >= LAST_USED_PRECISION_MS) {
    await touchClient(db, client.id, now, LAST_USED_PRECISION_MS)
  }
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: issuer.ttlSeconds,
    scope: [`tenant=${client.tenant}`, ...scopes].join(' '),
    session_idle_time: Math.floor(issuer.ttlSeconds / 60),
    refresh_token: '',
    refresh_token_expires_in: 0,
  }
}

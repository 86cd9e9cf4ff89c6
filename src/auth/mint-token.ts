/**
 * Mints tokens with the service's own key, for `segments token`, /oauth/token, tests and benchmarks.
 * Tokens of an asymmetric key name it (`kid`), so a verifier holding several keys finds the right one.
 */
import { randomUUID } from 'node:crypto'
import { SignJWT } from 'jose'
import { sharedSecret, type SigningKey } from './signing-key.js'

export interface TokenRequest {
  tenant: string
  scopes: string[]
  customerId?: string
  legalEntityId?: string
  /** The API client the token is issued to (`client_id` and `sub`). */
  clientId?: string
  /** A jose time span such as `1h`, `30m`, `7d`. */
  ttl?: string
  issuer?: string
  audience?: string
}

/** `key` may be the raw bytes of an HS256 secret. */
export async function mintToken(key: SigningKey | Uint8Array, request: TokenRequest): Promise<string> {
  const signing = key instanceof Uint8Array ? sharedSecret(key, 'a secret') : key
  const claims: Record<string, string> = { tenant: request.tenant, scope: request.scopes.join(' ') }
  if (request.customerId) claims.customerId = request.customerId
  if (request.legalEntityId) claims.legalEntityId = request.legalEntityId
  if (request.clientId) claims.client_id = request.clientId
  const header = signing.kind === 'pair' ? { alg: signing.alg, typ: 'JWT', kid: signing.kid } : { alg: 'HS256', typ: 'JWT' }
  const jwt = new SignJWT(claims).setProtectedHeader(header).setIssuedAt().setExpirationTime(request.ttl ?? '1h')
  if (request.clientId) jwt.setSubject(request.clientId).setJti(randomUUID())
  if (request.issuer) jwt.setIssuer(request.issuer)
  if (request.audience) jwt.setAudience(request.audience)
  return jwt.sign(signing.kind === 'pair' ? signing.privateKey : signing.secret)
}

/** How /oauth/token mints: with the service's key, for this long, with the configured issuer and audience. */
export interface TokenIssuer {
  readonly key: SigningKey
  readonly ttlSeconds: number
  readonly issuer?: string
  readonly audience?: string
}

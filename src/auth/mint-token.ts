/**
 * Mints tokens with the service's own key, for `segments token`, tests and benchmarks.
 * Tokens of an asymmetric key name it (`kid`), so a verifier holding several keys finds the right one.
 */
import { SignJWT } from 'jose'
import { sharedSecret, type SigningKey } from './signing-key.js'

export interface TokenRequest {
  tenant: string
  scopes: string[]
  customerId?: string
  legalEntityId?: string
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
  const header = signing.kind === 'pair' ? { alg: signing.alg, typ: 'JWT', kid: signing.kid } : { alg: 'HS256', typ: 'JWT' }
  const jwt = new SignJWT(claims).setProtectedHeader(header).setIssuedAt().setExpirationTime(request.ttl ?? '1h')
  if (request.issuer) jwt.setIssuer(request.issuer)
  if (request.audience) jwt.setAudience(request.audience)
  return jwt.sign(signing.kind === 'pair' ? signing.privateKey : signing.secret)
}


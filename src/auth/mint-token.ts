/** Mints HS256 tokens with the server's own secret, for `segments token`, tests and benchmarks. */
import { SignJWT } from 'jose'

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

export async function mintToken(secret: Uint8Array, request: TokenRequest): Promise<string> {
  const claims: Record<string, string> = { tenant: request.tenant, scope: request.scopes.join(' ') }
  if (request.customerId) claims.customerId = request.customerId
  if (request.legalEntityId) claims.legalEntityId = request.legalEntityId
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setExpirationTime(request.ttl ?? '1h')
  if (request.issuer) jwt.setIssuer(request.issuer)
  if (request.audience) jwt.setAudience(request.audience)
  return jwt.sign(secret)
}

/**
 * Verifies bearer tokens: those signed with the service's own key (HS256 secret or asymmetric key pair),
 * and those of an identity provider, with any asymmetric algorithm against its JWKS (keys cached by jose).
 * With both, a token naming the service's key (`kid`) is checked with it, any other against the JWKS.
 * Issuer and audience are checked when configured.
 */
import { createRemoteJWKSet, type CryptoKey, errors as joseErrors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose'
import type { Config } from '../config.js'
import type { Principal } from './principal.js'
import { sharedSecret, type SigningKey } from './signing-key.js'

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError'
}

export type TokenVerifier = (token: string) => Promise<Principal>

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']

function toPrincipal(payload: JWTPayload): Principal {
  const { tenant, scope, customerId, legalEntityId } = payload as Record<string, unknown>
  if (typeof tenant !== 'string' || tenant === '') throw new InvalidTokenError('The token has no tenant claim')
  if (scope !== undefined && typeof scope !== 'string') throw new InvalidTokenError('The scope claim must be a string')
  const principal: Principal = { tenant, scopes: new Set((scope ?? '').split(' ').filter(Boolean)) }
  if (typeof customerId === 'string' && customerId) principal.customerId = customerId
  if (typeof legalEntityId === 'string' && legalEntityId) principal.legalEntityId = legalEntityId
  return principal
}

/** How long a verified token is taken on trust before it is checked again (never past its expiry). */
const TRUST_MS = 60_000
const CACHE_SIZE = 10_000

/**
 * Remembers verified tokens: checking a signature costs more than the rest of a simple read. Only
 * successes are kept, each until the token expires or TRUST_MS has passed, the oldest evicted first.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, { principal: Principal; until: number }>()
  constructor(readonly size = CACHE_SIZE) {}

  get(token: string, now = Date.now()): Principal | undefined {
    const entry = this.#entries.get(token)
    if (!entry) return undefined
    if (now < entry.until) return entry.principal
    this.#entries.delete(token)
    return undefined
  }

  set(token: string, principal: Principal, expiresAt: number, now = Date.now()): void {
    if (this.#entries.size >= this.size) this.#entries.delete(this.#entries.keys().next().value as string)
    this.#entries.set(token, { principal, until: Math.min(expiresAt, now + TRUST_MS) })
  }
}

interface VerificationKeys {
  algorithms: string[]
  key: CryptoKey | JWTVerifyGetKey
}

async function verificationKeys(jwksUrl: string | undefined, own: SigningKey | undefined): Promise<VerificationKeys> {
  const remote = jwksUrl ? createRemoteJWKSet(new URL(jwksUrl)) : undefined
  if (own?.kind === 'shared') {
    // The HMAC key is imported once; handing jose the raw bytes would import it again on every request.
    return { algorithms: ['HS256'], key: await crypto.subtle.importKey('raw', own.secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']) }
  }
  if (own && remote) {
    return { algorithms: ASYMMETRIC, key: (header, token) => (header.kid === own.kid ? own.publicKey : remote(header, token)) }
  }
  if (own) return { algorithms: [own.alg], key: own.publicKey }
  return { algorithms: ASYMMETRIC, key: remote as JWTVerifyGetKey }
}

/** `own` is the service's signing key (raw bytes: an HS256 secret); undefined when it verifies only against AUTH_JWKS_URL. */
export function createTokenVerifier(config: Config, own: SigningKey | Uint8Array | undefined): TokenVerifier {
  const { auth } = config
  const ownKey = own instanceof Uint8Array ? sharedSecret(own, 'a secret') : own
  if (!ownKey && !auth.jwksUrl) throw new Error('No key to verify tokens with')
  const keys = verificationKeys(auth.jwksUrl, ownKey)
  const options = { issuer: auth.issuer, audience: auth.audience, clockTolerance: 5, requiredClaims: ['exp'] }
  const cache = new VerifiedTokenCache()
  return async (token) => {
    const cached = cache.get(token)
    if (cached) return cached
    try {
      const { algorithms, key } = await keys
      const { payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], { ...options, algorithms })
      const principal = toPrincipal(payload)
      cache.set(token, principal, (payload.exp as number) * 1000)
      return principal
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error
      if (error instanceof joseErrors.JWTExpired) throw new InvalidTokenError('The access token has expired')
      if (error instanceof joseErrors.JOSEError) throw new InvalidTokenError('Invalid access token')
      throw error
    }
  }
}

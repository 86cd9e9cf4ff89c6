/**
 * Verifies bearer tokens: HS256 with the shared secret, or any asymmetric algorithm against a JWKS
 * (keys cached by jose). Issuer and audience are checked when configured.
 */
import { createRemoteJWKSet, errors as joseErrors, type JWTPayload, jwtVerify } from 'jose'
import type { Config } from '../config.js'
import type { Principal } from './principal.js'

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

export function createTokenVerifier(config: Config, secret: Uint8Array | undefined): TokenVerifier {
  const { auth } = config
  const options = {
    issuer: auth.issuer,
    audience: auth.audience,
    clockTolerance: 5,
    algorithms: auth.kind === 'jwks' ? ASYMMETRIC : ['HS256'],
    requiredClaims: ['exp'],
  }
  const key = auth.kind === 'jwks' ? createRemoteJWKSet(new URL(auth.jwksUrl)) : secret
  if (!key) throw new Error('No key to verify tokens with')
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], options)
      return toPrincipal(payload)
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error
      if (error instanceof joseErrors.JWTExpired) throw new InvalidTokenError('The access token has expired')
      if (error instanceof joseErrors.JOSEError) throw new InvalidTokenError('Invalid access token')
      throw error
    }
  }
}

/**
 * One-time sign-in links into the console, for `segments console --tenant T`: a short-lived JWT signed
 * with the service's own key, typed `console-link+jwt` and carrying no scopes (as a bearer token it can do
 * nothing), exchanged once at `POST /console/session` for an operator's token. The CLI needs the signing
 * key, not the database (an embedded database is locked by the running service); the service remembers
 * each link's `jti` until it expires, so a link opens once.
 */
import { randomUUID } from 'node:crypto'
import { jwtVerify, SignJWT } from 'jose'
import type { SigningKey } from './signing-key.js'

const LINK_TYPE = 'console-link+jwt'
export const CONSOLE_LINK_TTL_SECONDS = 10 * 60

export interface ConsoleLink {
  tenant: string
  jti: string
  expiresAt: Date
}

export function mintConsoleLink(key: SigningKey, tenant: string, now = new Date()): Promise<string> {
  const header = key.kind === 'pair' ? { alg: key.alg, typ: LINK_TYPE, kid: key.kid } : { alg: 'HS256', typ: LINK_TYPE }
  const issuedAt = Math.floor(now.getTime() / 1000)
  return new SignJWT({ tenant })
    .setProtectedHeader(header)
    .setJti(randomUUID())
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + CONSOLE_LINK_TTL_SECONDS)
    .sign(key.kind === 'pair' ? key.privateKey : key.secret)
}

/** The link's claims when it is a link this service signed and it has not expired; undefined otherwise. */
export async function readConsoleLink(key: SigningKey, link: string): Promise<ConsoleLink | undefined> {
  try {
    const { payload } = await jwtVerify(link, key.kind === 'pair' ? key.publicKey : key.secret, { typ: LINK_TYPE, algorithms: [key.alg] })
    if (typeof payload.tenant !== 'string' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return undefined
    return { tenant: payload.tenant, jti: payload.jti, expiresAt: new Date(payload.exp * 1000) }
  } catch {
    return undefined
  }
}

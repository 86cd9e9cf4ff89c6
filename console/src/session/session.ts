/**
 * A signed-in console: the tenant and scopes of an operator's bearer token, read from its claims (the
 * service verifies the token on every call; the console only decides what to show). A customer's token is
 * refused: the console is for the people who run segments. The session lives in this tab's sessionStorage,
 * so a reload keeps it and closing the tab ends it.
 */
import { decodeJwt } from 'jose'
import { apiClient, type Api, type Schemas } from '../api/client'

/** The scopes the console looks at; checked against the API document's list of scopes. */
export const SCOPES = {
  segmentManage: 'customersegment.segment_manage',
  segmentRead: 'customersegment.segment_read',
  segmentReadOwn: 'customersegment.segment_read_own',
  webhookManage: 'webhook.subscription_manage',
  webhookRead: 'webhook.subscription_read',
} as const satisfies Record<string, Schemas['ApiClientCreation']['scopes'][number] | 'customersegment.segment_read_own'>

export interface Session {
  readonly tenant: string
  readonly token: string
  readonly scopes: ReadonlySet<string>
  /** Milliseconds since the epoch. */
  readonly expiresAt: number
  readonly api: Api
  can(scope: string): boolean
}

const STORAGE_KEY = 'segments-console-token'

interface Claims {
  tenant?: unknown
  scope?: unknown
  exp?: unknown
  customerId?: unknown
}

function claimsOf(token: string): Claims | undefined {
  try {
    return decodeJwt(token) as Claims
  } catch {
    return undefined
  }
}

/** A session for `token`, or why the console cannot use it. */
export function openSession(token: string, onExpired: () => void): Session | string {
  const trimmed = token.trim().replace(/^Bearer\s+/i, '')
  const claims = claimsOf(trimmed)
  if (!claims) return 'This is not a token the service issues (a JWT).'
  if (typeof claims.tenant !== 'string' || claims.tenant === '') return 'The token names no tenant.'
  const scopes = new Set(typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [])
  if (claims.customerId !== undefined || (scopes.size > 0 && [...scopes].every((scope) => scope === SCOPES.segmentReadOwn))) {
    return "This is a customer's token: the console needs an operator's token or API credentials."
  }
  const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : Number.POSITIVE_INFINITY
  if (expiresAt <= Date.now()) return 'The token has expired.'
  return {
    tenant: claims.tenant,
    token: trimmed,
    scopes,
    expiresAt,
    api: apiClient(trimmed, onExpired),
    can: (scope) => scopes.has(scope),
  }
}

export function storedToken(): string | undefined {
  return sessionStorage.getItem(STORAGE_KEY) ?? undefined
}

export function storeToken(token: string | undefined): void {
  if (token === undefined) sessionStorage.removeItem(STORAGE_KEY)
  else sessionStorage.setItem(STORAGE_KEY, token)
}

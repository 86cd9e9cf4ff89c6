/**
 * The token endpoint's errors, in the shape of RFC 6749 §5.2: `{error, error_description}`, 400 but for a
 * client that failed to authenticate (401, with the `WWW-Authenticate` challenge of HTTP Basic).
 */

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'temporarily_unavailable'
  | 'server_error'

export interface OAuthErrorBody {
  error: OAuthErrorCode
  error_description: string
}

export class OAuthError extends Error {
  override name = 'OAuthError'
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly statusCode = 400,
  ) {
    super(description)
  }

  toBody(): OAuthErrorBody {
    return { error: this.error, error_description: this.description }
  }
}

export const oauthErrors = {
  invalidRequest: (description: string) => new OAuthError('invalid_request', description),
  /** One message for an unknown client and a wrong secret: which of the two failed is not for the caller to learn. */
  invalidClient: (description = 'Client authentication failed: unknown client or wrong secret.') => new OAuthError('invalid_client', description, 401),
  unsupportedGrantType: (grantType: string) =>
    new OAuthError('unsupported_grant_type', `The grant type '${grantType.slice(0, 100)}' is not supported; use client_credentials.`),
  invalidScope: (description: string) => new OAuthError('invalid_scope', description),
  noIssuer: () =>
    new OAuthError(
      'unsupported_grant_type',
      'This service issues no tokens: it accepts those of its identity provider (AUTH_JWKS_URL). Get a token there, or give the service a key of its own (AUTH_PRIVATE_KEY_FILE).',
    ),
} as const

/**
 * The error catalogue: every error the API answers with is an entry here (HTTP status + message).
 * The HTTP error handler renders `ApiError`s as `{code, status, message, details?, resourceId?}`;
 * anything else is logged with its stack and answered as an opaque 500.
 */
import { STATUS_CODES } from 'node:http'
import { problemList } from './validation/problems.js'

export interface ErrorDetails {
  field?: string
  type?: string
  message?: string
  moreInfo?: string
}

export interface ErrorBody {
  code: number
  status: string
  message: string
  details?: ErrorDetails
  resourceId?: string
}

export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: ErrorDetails,
    readonly resourceId?: string,
  ) {
    super(message)
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.statusCode, status: STATUS_CODES[this.statusCode] ?? 'Error', message: this.message }
    if (this.details) body.details = this.details
    if (this.resourceId !== undefined) body.resourceId = this.resourceId
    return body
  }
}

/** The platform's sentence, then why: which of tenant or scope failed, never anything about the data. */
function forbidden(reason: string, type = 'forbidden'): ApiError {
  return new ApiError(403, `The access to the requested resource has been forbidden by the server: ${reason}.`, { type, message: reason })
}

/** The catalogue. Each entry builds an ApiError; messages follow the platform's wording where it has one. */
export const errors = {
  /** Every problem of a body in the message; the first in `details`. */
  validation: (problems: readonly { field: string; type: string; message: string }[]) => {
    const [first] = problems
    const listed = problems.length > 0 ? `: ${problemList(problems)}` : ''
    return new ApiError(400, `Validation problem with request body${listed}.`, first && { field: first.field || undefined, type: first.type, message: first.message })
  },
  invalidParameter: (field: string, message: string) =>
    new ApiError(400, `Invalid value of '${field}': ${message}`, { field, type: 'invalid_parameter', message }),
  invalidQuery: (message: string, parameter = 'q') =>
    new ApiError(400, `Invalid ${parameter}: ${message}`, { field: parameter, type: 'invalid_query', message }),
  invalidItem: (message: string, field?: string) => new ApiError(400, `Validation problem with request body: ${message}.`, { field, message }),
  bulkTooLarge: (max: number, got: number) =>
    new ApiError(400, `A bulk request takes at most ${max} items; this one has ${got}.`, { type: 'bulk_too_large' }),
  invalidPatch: (message: string, field?: string) =>
    new ApiError(400, `Invalid patch: ${message}`, { field, type: 'invalid_patch', message }),
  readOnlyPath: (path: string) =>
    new ApiError(400, `The path '${path}' is read-only.`, { field: path, type: 'read_only', message: 'read-only field' }),
  segmentHasAssignments: (id: string) =>
    new ApiError(
      400,
      `The segment ${id} has assignments; set forceDelete=true to delete it with its assignments.`,
      { type: 'segment_has_assignments' },
      id,
    ),
  unknownReference: (kind: string, id: string) =>
    new ApiError(400, `Unknown ${kind} '${id}': the directory does not know it.`, { field: kind, type: 'unknown_reference' }, id),
  malformedJson: (message: string) => new ApiError(400, `Malformed JSON body: ${message}`, { type: 'malformed_json' }),
  unauthorized: (reason = 'Invalid access token') => new ApiError(401, reason),
  forbidden,
  wrongTenant: () => forbidden('the token is for another tenant', 'wrong_tenant'),
  missingScope: (needed: readonly string[]) =>
    forbidden(
      needed.length === 1 ? `the token lacks the scope ${needed[0]}` : `the token lacks a scope this operation needs (one of ${needed.join(', ')})`,
      'missing_scope',
    ),
  notFound: (id: string) => new ApiError(404, `The resource with id ${id} has not been found.`, undefined, id),
  routeNotFound: (method: string, url: string) => new ApiError(404, `No route ${method} ${url}.`),
  alreadyExists: (id: string) => new ApiError(409, 'The resource already exists.', undefined, id),
  managedByRule: (id: string, segmentId: string) =>
    new ApiError(
      409,
      `The assignment ${id} is AUTOMATIC: the rule of segment ${segmentId} manages it. Change the rule or the customer's directory entry, or PUT the assignment to make it MANUAL.`,
      { type: 'managed_by_rule' },
      id,
    ),
  noRule: (segmentId: string) => new ApiError(404, `The segment ${segmentId} has no rule.`, { type: 'no_rule' }, segmentId),
  versionConflict: (id: string) => new ApiError(409, 'The resource you are attempting to access has changed.', undefined, id),
  targetDisabled: (target: string, reason: string | null) =>
    new ApiError(409, `The target ${target} is disabled${reason ? ` (${reason})` : ''}; re-enable it first.`, { type: 'target_disabled' }, target),
  targetInactive: (target: string) =>
    new ApiError(409, `The target ${target} takes no deliveries: its config or entry is inactive, or it has no destination URL.`, { type: 'target_inactive' }, target),
  deliveryInFlight: (id: number) =>
    new ApiError(409, `Delivery ${id} is being sent right now; try again once this attempt has finished.`, { type: 'delivery_in_flight' }, String(id)),
  payloadTooLarge: (limit?: number) =>
    new ApiError(413, limit === undefined ? 'The request body is too large.' : `The request body is too large: at most ${limit.toLocaleString('en-US')} bytes are accepted.`, {
      type: 'too_large',
    }),
  documentTooLarge: (what: string, bytes: number, limit: number) =>
    new ApiError(
      413,
      `The ${what} would take ${bytes.toLocaleString('en-US')} bytes as stored; at most ${limit.toLocaleString('en-US')} are allowed (mixins included).`,
      { type: 'too_large' },
    ),
  tooManyPatchOperations: (count: number, limit: number) =>
    new ApiError(400, `A patch takes at most ${limit} operations; this one has ${count}.`, { type: 'invalid_patch', message: 'too many operations' }),
  unsupportedMediaType: (type: string) => new ApiError(415, `Unsupported content type '${type}'; send application/json.`),
  rateLimited: (limit: number, retryAfterSeconds: number) =>
    new ApiError(429, `Too many requests for this tenant: at most ${limit} per second; try again in ${retryAfterSeconds} s.`, { type: 'rate_limited' }),
  unavailable: (message: string) => new ApiError(503, message),
  databaseUnavailable: () => new ApiError(503, 'The database is not reachable right now; try again shortly.', { type: 'database_unavailable' }),
  databaseTooSlow: () => new ApiError(503, 'The database took too long to answer; try again shortly.', { type: 'database_timeout' }),
  databaseConflict: () => new ApiError(503, 'The database cancelled the statement in a race with concurrent work; try again shortly.', { type: 'database_conflict' }),
} as const

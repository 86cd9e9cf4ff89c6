/**
 * Renders every failure in the one error format. Catalogue errors, schema validation errors, query
 * errors and Fastify's own 4xx errors become `{code, status, message, details?}`. A database that
 * cannot be reached, or that took too long, is a 503 with `Retry-After`, reported to the availability
 * tracker (which logs an outage once) rather than logged per request. A statement that lost a race (a
 * serialization failure or deadlock, or a replica's query cancelled by a conflict with replay) is a 503
 * with `Retry-After` too, and no outage: the database is there. Anything else is logged with its stack
 * and answered as an opaque 500.
 */
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type DatabaseAvailability, isRetryableConflict } from '../../db/availability.js'
import { ApiError, errors } from '../../errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The request field holding the route's query, named when the database refuses one of its regexes (default `q`). */
    queryParameter?: string
  }
}
import { QueryError } from '../../query/query-error.js'
import { problemsOf, reasonOf, type SchemaError } from '../../validation/problems.js'

const INVALID_REGULAR_EXPRESSION = '2201B'
const QUERY_CANCELED = '57014'
/** Seconds a client is asked to wait before retrying while the database is away. */
const RETRY_AFTER_SECONDS = 5

function fromValidation(error: FastifyError): ApiError {
  const problems = problemsOf((error.validation ?? []) as unknown as SchemaError[])
  const context = error.validationContext ?? 'body'
  if (context === 'body') return errors.validation(problems)
  const [first] = problems
  return errors.invalidParameter(first?.field || context, first ? reasonOf(first) : 'is invalid')
}

function fromFastify(error: FastifyError, request: FastifyRequest): ApiError | undefined {
  const contentType = request.headers['content-type']
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.malformedJson(error.message)
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge(request.routeOptions.bodyLimit)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      // Fastify's message is only "Unsupported Media Type"; the client needs to see what it sent.
      return errors.unsupportedMediaType(contentType ?? '(none)')
  }
  if (error instanceof SyntaxError) return errors.malformedJson(error.message)
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new ApiError(error.statusCode, error.message)
  return undefined
}

function toApiError(error: FastifyError, request: FastifyRequest): ApiError | undefined {
  if (error instanceof ApiError) return error
  if (error instanceof QueryError) {
    return errors.invalidQuery(error.message, error.parameter)
  }
  if (error.validation) return fromValidation(error)
  // PostgreSQL's message reads "invalid regular expression: …" already.
  if ((error as { code?: unknown }).code === INVALID_REGULAR_EXPRESSION) {
    return errors.invalidQuery(error.message, request.routeOptions.config?.queryParameter)
  }
  return fromFastify(error, request)
}

/**
 * For the router's own failures (`frameworkErrors`: a malformed percent-encoding, an over-long path
 * parameter), which happen before any route and so never reach the error handler.
 */
export function renderFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const apiError = new ApiError(error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400, error.message)
  reply.code(apiError.statusCode).type('application/json').send(apiError.toBody())
}

/** Who judges whether a failed database call means the database is away (the availability it failed on). */
export type FailureReport = Pick<DatabaseAvailability, 'report'>

function fromDatabase(error: FastifyError, availability: FailureReport): ApiError | undefined {
  if (availability.report(error)) return errors.databaseUnavailable()
  if ((error as { code?: unknown }).code === QUERY_CANCELED) return errors.databaseTooSlow()
  if (isRetryableConflict(error)) return errors.databaseConflict()
  return undefined
}

/** What the HTTP parser's failures mean to a client: status and message. */
function clientFailure(code: string | undefined, headerLimit: number): [number, string] {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'The request did not arrive in time: send the headers and body without pausing.']
    case 'HPE_HEADER_OVERFLOW':
      return [431, `The request line and headers are too large: at most ${headerLimit.toLocaleString('en-US')} bytes are accepted.`]
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return [400, 'The request is not valid HTTP/1.1: it has both Content-Length and Transfer-Encoding, or Content-Length twice.']
    case 'HPE_INVALID_URL':
      return [400, 'The request is not valid HTTP/1.1: its target contains a character that is not allowed; percent-encode it.']
  }
  return [400, `The request is not valid HTTP/1.1${code ? ` (${code})` : ''}; it could not be parsed.`]
}

/**
 * For failures of the HTTP parser itself (malformed requests, headers too large, a request that does not
 * arrive in time), which happen before Fastify sees a request: answered in the error format, and the
 * connection closed, as Node does.
 */
export function renderClientError(error: Error & { code?: string }, socket: Socket, headerLimit: number): void {
  // A reset connection is gone; there is no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  if (socket.writable) {
    const [status, message] = clientFailure(error.code, headerLimit)
    const body = JSON.stringify(new ApiError(status, message).toBody())
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy(error)
}

/**
 * What a failure means to the client, as a catalogue error (a 503 also sets `Retry-After`); undefined
 * for a failure that is a bug. For routes that render errors in a shape of their own.
 */
export function classifyError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, availability: FailureReport): ApiError | undefined {
  const apiError = toApiError(error, request) ?? fromDatabase(error, availability)
  if (apiError?.statusCode === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS))
  return apiError
}

export function registerErrorHandler(app: FastifyInstance, availability: FailureReport): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = classifyError(error, request, reply, availability)
    if (!apiError) {
      request.log.error({ err: error }, 'unhandled error')
      return reply.code(500).type('application/json').send({ code: 500, status: 'Internal Server Error', message: 'An unexpected error occurred.' })
    }
    if (apiError.statusCode === 401) {
      // Platform clients read the gateway's fault shape; others read the common format. Both are here.
      reply.header('www-authenticate', 'Bearer')
      const fault = { faultstring: apiError.message, detail: { errorcode: 'oauth.v2.InvalidAccessToken' } }
      return reply.code(401).type('application/json').send({ ...apiError.toBody(), fault })
    }
    return reply.code(apiError.statusCode).type('application/json').send(apiError.toBody())
  })
  app.setNotFoundHandler((request, reply) => {
    const error = errors.routeNotFound(request.method, request.url.split('?')[0])
    return reply.code(404).type('application/json').send(error.toBody())
  })
}

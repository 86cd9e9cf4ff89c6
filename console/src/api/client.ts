/**
 * The console's one way to the API: a client typed by the service's own OpenAPI document (schema.d.ts,
 * generated and checked by a test), sending the session's bearer token and asking for every language. `ok` unwraps an answer or throws
 * the API's own message, so every action can show what the service said.
 */
import createClient, { type Client } from 'openapi-fetch'
import type { components, paths } from './schema'

export type Schemas = components['schemas']
export type Api = Client<paths>

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

export function apiClient(token: string, onUnauthorized: () => void): Api {
  const client = createClient<paths>({ baseUrl: location.origin })
  client.use({
    onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${token}`)
      // Every language of a localized field: the browser's own Accept-Language would narrow each map to
      // one entry, and writing a form back would then drop the others.
      if (!request.headers.has('accept-language')) request.headers.set('accept-language', '*')
      return request
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized()
      return response
    },
  })
  return client
}

/** The API's message for an error body of either format (details as an object or as a list of lines). */
export function errorMessage(status: number, body: unknown): string {
  const error = (body ?? {}) as { message?: unknown; details?: unknown }
  const message = typeof error.message === 'string' ? error.message : `The service answered ${status}.`
  const details = error.details
  if (Array.isArray(details) && details.length > 0) return `${message} (${details.join('; ')})`
  if (details && typeof details === 'object') {
    const { field, message: problem } = details as { field?: string; message?: string }
    if (field && problem) return `${message} (${field}: ${problem})`
  }
  return message
}

interface Answer<T> {
  data?: T
  error?: unknown
  response: Response
}

/** The answer's data, or an ApiError with the API's message. */
export async function ok<T>(request: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>
  try {
    answer = await request
  } catch {
    throw new ApiError(0, 'The service cannot be reached.')
  }
  if (!answer.response.ok) throw new ApiError(answer.response.status, errorMessage(answer.response.status, answer.error))
  return answer.data as T
}

/** The X-Total-Count of a list answered with it. */
export function totalOf(response: Response): number | undefined {
  const total = response.headers.get('x-total-count')
  return total === null ? undefined : Number(total)
}

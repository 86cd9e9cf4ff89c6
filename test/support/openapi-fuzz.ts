/**
 * Requests for property-based tests, drawn from the service's own OpenAPI document: every operation, its
 * path, query and header parameters and its JSON body, filled mostly with values their schemas accept
 * (so that requests get past validation and exercise the service) and often with hostile ones: wrong
 * types, unknown fields, NUL and lone surrogates, long and deeply nested values, ids that exist and ids
 * that do not, tokens of other tenants, customers or none.
 */
import fc from 'fast-check'
import type { InjectOptions } from 'fastify'

export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  patternProperties?: Record<string, JsonSchema>
  items?: JsonSchema
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  enum?: unknown[]
  const?: unknown
  pattern?: string
  format?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  minItems?: number
  maxItems?: number
}

interface Parameter {
  in: 'path' | 'query' | 'header'
  name: string
  schema?: JsonSchema
}

export interface Operation {
  method: string
  path: string
  parameters: Parameter[]
  body?: JsonSchema
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>
  components?: { schemas?: Record<string, JsonSchema> }
}

/** `schema` with every `#/components/schemas/…` reference replaced by what it names. */
function dereference(schema: unknown, components: Record<string, JsonSchema>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => dereference(item, components))
  if (schema === null || typeof schema !== 'object') return schema
  const ref = (schema as { $ref?: unknown }).$ref
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    return dereference(components[ref.slice('#/components/schemas/'.length)], components)
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, dereference(value, components)]))
}

/** Every operation of the document. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const components = document.components?.schemas ?? {}
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      parameters: operation.parameters ?? [],
      body: dereference(operation.requestBody?.content['application/json']?.schema, components) as JsonSchema | undefined,
    })),
  )
}

/** Text a store or a parser may choke on. */
export const hostileText = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '%00', '../..', '__proto__', 'constructor', '😀', '\u202e', "'; drop table segment; --"),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 256, max: 20_000 }).map((length) => 'y'.repeat(length)),
)

/** A JSON value nested `depth` deep. */
const nested = fc.integer({ min: 1, max: 200 }).map((depth) => {
  let value: unknown = 'leaf'
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { k: value } : [value]
  return value
})

/** Any value, hostile included. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: hostileText },
  { weight: 1, arbitrary: nested },
  { weight: 1, arbitrary: fc.constantFrom(null, true, -0, 1e308, -1e308, 2 ** 53 + 1, 0.1, [], {}) },
)

/** Values `schema` accepts, mostly, and anything else sometimes. */
export function fromSchema(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 8, arbitrary: accepted(schema, depth) }, { weight: 1, arbitrary: hostileValue })
}

function accepted(schema: JsonSchema | undefined, depth: number): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.jsonValue({ maxDepth: 2 })
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  const union = schema.anyOf ?? schema.oneOf
  if (union) return fc.oneof(...union.map((branch) => accepted(branch, depth + 1)))
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'string':
      return stringFor(schema)
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000_000 })
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true })
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array':
      return fc.array(fromSchema(schema.items, depth + 1), { minLength: Math.min(schema.minItems ?? 0, 3), maxLength: Math.min(schema.maxItems ?? 4, 4) })
    case 'object':
      return objectFor(schema, depth)
  }
  return fc.jsonValue({ maxDepth: 2 })
}

function stringFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }).map((d) => d.toISOString())
  if (schema.format === 'uuid') return fc.uuid()
  if (schema.pattern) {
    // Some patterns are only meant to be checked, not drawn from; those get plain words.
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length <= (schema.maxLength ?? 64))
    } catch {
      return fc.string({ minLength: 1, maxLength: 12 })
    }
  }
  return fc.string({ minLength: Math.min(schema.minLength ?? 0, 12), maxLength: Math.min(schema.maxLength ?? 24, 24) })
}

function objectFor(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {}
  const record = fc.record(
    Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, fromSchema(property, depth + 1)])),
    { requiredKeys: (schema.required ?? []).filter((key) => key in properties) },
  )
  const extraSchema = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : Object.values(schema.patternProperties ?? {})[0]
  const extra = extraSchema
    ? fc.dictionary(fc.constantFrom('en', 'de', 'fr', 'a', 'b'), accepted(extraSchema, depth + 1), { maxKeys: 3 })
    : fc.oneof({ weight: 6, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(hostileText.filter((k) => k.length < 40), hostileValue, { maxKeys: 2 }) })
  return fc.tuple(record, extra).map(([known, more]) => ({ ...more, ...known }))
}

/** `text` percent-encoded; an unpaired surrogate becomes the bytes a careless client would send for it. */
function percentEncoded(text: string): string {
  return text
    .split(/(\p{Cs})/u)
    .map((part) => (/^\p{Cs}$/u.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('')
}

export interface RequestContext {
  tenant: string
  /** Ids that exist, per path parameter name, so that requests reach stored resources. */
  known: Record<string, readonly string[]>
  tokens: { operator: string; customer: string; foreign: string }
}

/** A request for `operation`, as `app.inject` options. */
export function requestFor(operation: Operation, context: RequestContext): fc.Arbitrary<InjectOptions> {
  const param = (parameter: Parameter): fc.Arbitrary<unknown> => {
    if (parameter.name === 'tenant') return fc.oneof({ weight: 12, arbitrary: fc.constant(context.tenant) }, { weight: 1, arbitrary: hostileText })
    const known = context.known[parameter.name] ?? []
    return known.length > 0
      ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 2, arbitrary: fromSchema(parameter.schema) }, { weight: 1, arbitrary: hostileText })
      : fromSchema(parameter.schema)
  }
  const pathParameters = operation.parameters.filter((p) => p.in === 'path')
  const queryParameters = operation.parameters.filter((p) => p.in === 'query')
  const headerParameters = operation.parameters.filter((p) => p.in === 'header')
  return fc
    .record({
      path: fc.tuple(...pathParameters.map(param)),
      query: fc.tuple(...queryParameters.map((p) => fc.option(param(p), { freq: 2 }))),
      headers: fc.tuple(...headerParameters.map((p) => fc.option(fromSchema(p.schema), { freq: 2 }))),
      body: operation.body ? fc.option(fromSchema(operation.body), { freq: 12 }) : fc.constant(null),
      contentType: fc.oneof({ weight: 12, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/json; charset=latin1', '') }),
      token: fc.oneof(
        { weight: 12, arbitrary: fc.constant(context.tokens.operator) },
        { weight: 1, arbitrary: fc.constantFrom(context.tokens.customer, context.tokens.foreign, '', 'not.a.token') },
      ),
    })
    .map(({ path, query, headers, body, contentType, token }) => {
      let url = operation.path
      pathParameters.forEach((parameter, i) => {
        url = url.replace(`{${parameter.name}}`, percentEncoded(typeof path[i] === 'string' ? (path[i] as string) : String(JSON.stringify(path[i]))))
      })
      const search = new URLSearchParams()
      queryParameters.forEach((parameter, i) => {
        if (query[i] !== null) search.set(parameter.name, typeof query[i] === 'string' ? (query[i] as string) : JSON.stringify(query[i]))
      })
      const requestHeaders: Record<string, string> = {}
      headerParameters.forEach((parameter, i) => {
        const value = headers[i]
        // Header values are Latin-1 text; a value HTTP cannot carry would not reach the service at all.
        if (value !== null && /^[\t\x20-\x7e]*$/.test(String(value))) requestHeaders[parameter.name] = String(value)
      })
      if (token) requestHeaders.authorization = `Bearer ${token}`
      const options: InjectOptions = { method: operation.method as InjectOptions['method'], url: search.size > 0 ? `${url}?${search}` : url, headers: requestHeaders }
      if (body !== null) {
        if (contentType) requestHeaders['content-type'] = contentType
        options.payload = JSON.stringify(body)
      }
      return options
    })
}

/**
 * Turns schema validation errors (AJV's for requests, TypeBox's for bulk items and patched documents;
 * both report `{keyword, instancePath, params, message}`) into problems a person can act on: one per
 * field, naming the allowed values of an enumeration (`'status' must be ACTIVE or INACTIVE`, not "must be
 * equal to constant"), saying "is required" once, and leaving out the noise of the alternatives of a union
 * that were not meant.
 */

export interface SchemaError {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  message?: string
}

export interface Problem {
  /** Dotted path of the field (`validity.from`, `3.customerId`); empty for the value as a whole. */
  field: string
  /** The schema keyword that failed (`required`, `type`, `enum`, …). */
  type: string
  /** The problem, field included: `'email' must be string`. */
  message: string
}

/** The problem without its field: `must be string` (for messages that name the field already). */
export function reasonOf(problem: Problem): string {
  const prefix = `'${problem.field}' `
  return problem.message.startsWith(prefix) ? problem.message.slice(prefix.length) : problem.message
}

const dotted = (pointer: string) =>
  pointer
    .replace(/^\//, '')
    .split('/')
    .filter(Boolean)
    .map((key) => key.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.')

const join = (parent: string, key: string) => (parent ? `${parent}.${key}` : key)

const quoted = (field: string) => (field ? `'${field}' ` : '')

function listOf(values: unknown[]): string {
  const shown = values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
  return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`
}

const FORMATS: Record<string, string> = {
  'date-time': 'an RFC 3339 date-time such as 2026-01-31T10:00:00Z',
  uuid: 'a UUID',
  uri: 'an absolute URI',
  email: 'an email address',
}

/** The problem one error describes (not for `anyOf`, which needs its branches). */
function describe(error: SchemaError): Problem {
  const field = dotted(error.instancePath)
  const { params } = error
  switch (error.keyword) {
    case 'required': {
      const missing = join(field, String(params.missingProperty))
      return { field: missing, type: 'required', message: `'${missing}' is required` }
    }
    case 'additionalProperties': {
      const unknown = join(field, String(params.additionalProperty))
      return { field: unknown, type: 'unknown_field', message: `unknown field '${unknown}'` }
    }
    case 'const':
      return { field, type: 'const', message: `${quoted(field)}must be ${listOf([params.allowedValue])}` }
    case 'enum':
      return { field, type: 'enum', message: `${quoted(field)}must be ${listOf(params.allowedValues as unknown[])}` }
    case 'format': {
      const format = String(params.format)
      return { field, type: 'format', message: `${quoted(field)}must be ${FORMATS[format] ?? `in the format ${format}`}` }
    }
  }
  return { field, type: error.keyword, message: `${quoted(field)}${error.message ?? 'is invalid'}` }
}

/** One problem for a failed union at `field`, from the errors of its branches (at or below `pointer`). */
function describeUnion(pointer: string, branches: SchemaError[]): Problem {
  const field = dotted(pointer)
  const here = branches.filter((error) => error.instancePath === pointer)
  if (here.length > 0 && here.length === branches.length && here.every((error) => error.keyword === 'const')) {
    return { field, type: 'enum', message: `${quoted(field)}must be ${listOf(here.map((error) => error.params.allowedValue))}` }
  }
  // A branch that got past the value's own type is the one the client meant: its deepest error says why.
  const deeper = branches.filter((error) => error.instancePath !== pointer && error.keyword !== 'anyOf')
  if (deeper.length > 0) return describe(deeper.reduce((a, b) => (b.instancePath.length > a.instancePath.length ? b : a)))
  const types = [...new Set(here.filter((error) => error.keyword === 'type').map((error) => String(error.params.type)))]
  if (types.length > 0) return { field, type: 'type', message: `${quoted(field)}must be ${listOf(types)}` }
  return { field, type: 'anyOf', message: `${quoted(field)}does not match any of the accepted shapes` }
}

/** Errors naming several properties at once (TypeBox reports them together) as one error each. */
function oneFieldEach(errors: readonly SchemaError[]): SchemaError[] {
  return errors.flatMap((error) => {
    const missing = error.params.requiredProperties
    if (error.keyword === 'required' && Array.isArray(missing)) return missing.map((property) => ({ ...error, params: { missingProperty: property } }))
    const unknown = error.params.additionalProperties
    if (error.keyword === 'additionalProperties' && Array.isArray(unknown)) {
      return unknown.map((property) => ({ ...error, params: { additionalProperty: property } }))
    }
    return [error]
  })
}

/** Every problem of a value, in the order first met, each field once. */
export function problemsOf(reported: readonly SchemaError[]): Problem[] {
  const errors = oneFieldEach(reported)
  const unions = errors.filter((error) => error.keyword === 'anyOf').map((error) => error.instancePath)
  // The innermost union claims the errors of its branches (errors at or below its path).
  const unionOf = (error: SchemaError) =>
    unions
      .filter((pointer) => error.instancePath === pointer || error.instancePath.startsWith(`${pointer}/`))
      .reduce<string | undefined>((inner, pointer) => (inner === undefined || pointer.length > inner.length ? pointer : inner), undefined)
  const problems: Problem[] = []
  const seen = new Set<string>()
  const add = (problem: Problem) => {
    const key = `${problem.field}\u0000${problem.message}`
    if (!seen.has(key)) {
      seen.add(key)
      problems.push(problem)
    }
  }
  const described = new Set<string>()
  for (const error of errors) {
    const union = unionOf(error)
    if (union === undefined) {
      add(describe(error))
      continue
    }
    if (described.has(union)) continue
    described.add(union)
    add(describeUnion(union, errors.filter((other) => unionOf(other) === union && other.keyword !== 'anyOf')))
  }
  return problems
}

/** At most this many problems are spelled out in a message; the rest are counted. */
const SHOWN = 10

/** `problems` as one sentence's worth of text: `'a' is required; 'b' must be string`. */
export function problemList(problems: readonly Problem[]): string {
  const shown = problems.slice(0, SHOWN).map((problem) => problem.message)
  const more = problems.length - shown.length
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ')
}

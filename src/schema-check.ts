/**
 * Checks values against a TypeBox schema outside Fastify's request validation (bulk items, imported
 * rows), naming the first problem the way request validation names it: `'email' must be string`.
 */
import type { TSchema } from 'typebox'
import { Compile } from 'typebox/compile'

export interface SchemaProblem {
  /** Dotted path of the offending field (`validity.from`); absent when the value as a whole is wrong. */
  field?: string
  /** The problem, field included: `'email' must be string`, `unknown field 'colour'`. */
  message: string
}

export type Checked<T> = { value: T; problem?: undefined } | { value?: undefined; problem: SchemaProblem }
export type Checker<T> = (value: unknown) => Checked<T>

export function schemaChecker<T>(schema: TSchema): Checker<T> {
  const compiled = Compile(schema)
  return (value) => {
    if (compiled.Check(value)) return { value: value as T }
    const [first] = compiled.Errors(value)
    return { problem: describe(first) }
  }
}

type TypeBoxError = { keyword: string; schemaPath: string; instancePath: string; params: object; message: string } | undefined

function describe(error: TypeBoxError): SchemaProblem {
  const path = (error?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.')
  // TypeBox reports a key that `additionalProperties: false` refuses as a failed `false` schema at that key.
  if (error?.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties')) {
    return { field: path, message: `unknown field '${path}'` }
  }
  const missing = error?.keyword === 'required' ? (error.params as { requiredProperties?: string[] }).requiredProperties?.[0] : undefined
  if (missing !== undefined) {
    const field = [path, missing].filter(Boolean).join('.')
    return { field, message: `'${field}' is required` }
  }
  const message = error?.message ?? 'is invalid'
  return path ? { field: path, message: `'${path}' ${message}` } : { message }
}

/**
 * Checks values against a TypeBox schema outside Fastify's request validation (bulk items, imported
 * rows, patched documents), naming the problems the way request validation names them:
 * `'email' must be string`, `'status' must be ACTIVE or INACTIVE`.
 */
import type { TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import { type Problem, problemList, problemsOf, type SchemaError } from './problems.js'

export interface SchemaProblem {
  /** Dotted path of the (first) offending field (`validity.from`); absent when the value as a whole is wrong. */
  field?: string
  /** Every problem, fields included: `'email' must be string; unknown field 'colour'`. */
  message: string
}

export type Checked<T> = { value: T; problem?: undefined } | { value?: undefined; problem: SchemaProblem }
export type Checker<T> = (value: unknown) => Checked<T>

/**
 * TypeBox reports a key that `additionalProperties: false` refuses twice: as `additionalProperties` on the
 * object, and as a failed `false` schema at the key. The second adds nothing.
 */
const restated = (error: SchemaError & { schemaPath?: string }) => error.keyword === 'boolean' && error.schemaPath?.endsWith('/additionalProperties') === true

export function schemaChecker<T>(schema: TSchema): Checker<T> {
  const compiled = Compile(schema)
  return (value) => {
    if (compiled.Check(value)) return { value: value as T }
    const errors = (compiled.Errors(value) as unknown as (SchemaError & { schemaPath?: string })[]).filter((error) => !restated(error))
    const problems: Problem[] = problemsOf(errors)
    const [first] = problems
    return { problem: first?.field ? { field: first.field, message: problemList(problems) } : { message: problemList(problems) || 'is invalid' } }
  }
}

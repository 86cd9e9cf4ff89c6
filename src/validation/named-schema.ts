/**
 * A schema's name in the API document: the OpenAPI plugin turns every schema titled this way into a
 * named component (`#/components/schemas/<name>`), so that generated clients get one type per shape.
 * Validation ignores the title.
 */
import type { TSchema } from 'typebox'

export function named<T extends TSchema>(name: string, schema: T): T {
  return Object.assign(schema, { title: name })
}

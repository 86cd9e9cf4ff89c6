import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Type } from 'typebox'
import { schemaChecker } from './schema-check.js'

const Person = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    email: Type.Optional(Type.String()),
    address: Type.Optional(Type.Object({ city: Type.String() }, { additionalProperties: false })),
    tags: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
)
const check = schemaChecker<{ id: string }>(Person)

describe('schemaChecker', () => {
  test('passes a valid value through', () => {
    const value = { id: 'a', address: { city: 'Berlin' } }
    assert.deepEqual(check(value), { value })
  })

  test('names the field at fault, dotted, in the message', () => {
    const cases: [unknown, string | undefined, string][] = [
      [{ id: 'a', email: 5 }, 'email', "'email' must be string"],
      [{ id: 'a', tags: ['x', 3] }, 'tags.1', "'tags.1' must be string"],
      [{ id: 'a', colour: 'red' }, 'colour', "unknown field 'colour'"],
      [{ id: 'a', address: { city: 'B', zip: '1' } }, 'address.zip', "unknown field 'address.zip'"],
      [{ email: 'x' }, 'id', "'id' is required"],
      [{ id: 'a', address: {} }, 'address.city', "'address.city' is required"],
      [{ id: '' }, 'id', "'id' must not have fewer than 1 characters"],
    ]
    for (const [value, field, message] of cases) assert.deepEqual(check(value), { problem: { field, message } }, JSON.stringify(value))
  })

  test('describes a value wrong as a whole without a field', () => {
    assert.deepEqual(check('a'), { problem: { message: 'must be object' } })
    assert.deepEqual(check(null), { problem: { message: 'must be object' } })
  })
})

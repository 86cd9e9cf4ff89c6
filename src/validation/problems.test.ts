import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { problemList, problemsOf, reasonOf, type SchemaError } from './problems.js'

const error = (keyword: string, instancePath: string, params: Record<string, unknown> = {}, message?: string): SchemaError => ({
  keyword,
  instancePath,
  params,
  message,
})

describe('validation problems', () => {
  it('names the values of an enumeration instead of its branches', () => {
    const problems = problemsOf([error('const', '/status', { allowedValue: 'ACTIVE' }), error('const', '/status', { allowedValue: 'INACTIVE' }), error('anyOf', '/status')])
    assert.deepEqual(problems, [{ field: 'status', type: 'enum', message: "'status' must be ACTIVE or INACTIVE" }])
    assert.equal(reasonOf(problems[0]), 'must be ACTIVE or INACTIVE')
  })

  it('reports the branch of a union that got furthest', () => {
    // `name` is a string or a map of strings; a map with a number in it:
    const problems = problemsOf([
      error('type', '/name', { type: 'string' }, 'must be string'),
      error('type', '/name/en', { type: 'string' }, 'must be string'),
      error('anyOf', '/name'),
    ])
    assert.deepEqual(problems, [{ field: 'name.en', type: 'type', message: "'name.en' must be string" }])
    const neither = problemsOf([error('type', '/name', { type: 'string' }, 'must be string'), error('type', '/name', { type: 'object' }, 'must be object'), error('anyOf', '/name')])
    assert.equal(neither[0].message, "'name' must be string or object")
  })

  it('says required and unknown once per field, also when one error names several', () => {
    const problems = problemsOf([
      error('required', '', { requiredProperties: ['name', 'siteCode'] }),
      error('required', '/validity', { missingProperty: 'from' }),
      error('additionalProperties', '', { additionalProperties: ['colour', 'size'] }),
      error('additionalProperties', '', { additionalProperty: 'colour' }),
    ])
    assert.deepEqual(
      problems.map((p) => p.message),
      ["'name' is required", "'siteCode' is required", "'validity.from' is required", "unknown field 'colour'", "unknown field 'size'"],
    )
  })

  it('describes formats in words and lists at most ten problems', () => {
    assert.equal(problemsOf([error('format', '/validity/from', { format: 'date-time' })])[0].message, "'validity.from' must be an RFC 3339 date-time such as 2026-01-31T10:00:00Z")
    const many = problemsOf(Array.from({ length: 13 }, (_, i) => error('type', `/${i}`, { type: 'string' }, 'must be string')))
    assert.match(problemList(many), /^'0' must be string; .*'9' must be string; and 3 more$/)
  })
})

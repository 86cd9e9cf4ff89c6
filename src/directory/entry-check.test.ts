import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { categories, customers } from './directory-kinds.js'
import { entryChecker } from './entry-check.js'

describe('entryChecker', () => {
  const checkCustomer = entryChecker(customers)
  const checkCategory = entryChecker(categories)

  test('takes an entry its kind describes', () => {
    const entry = { id: 'k1', validity: { from: '0001-01-01T00:00:00Z', to: '9999-12-31T23:59:59.999Z' } }
    assert.deepEqual(checkCategory(entry), { value: entry })
  })

  test("refuses what the kind's schema refuses, naming the field", () => {
    assert.deepEqual(checkCustomer({ id: 'c1', email: 5 }), { problem: { field: 'email', message: "'email' must be string" } })
  })

  test('refuses text the store cannot hold', () => {
    const { problem } = checkCustomer({ id: 'c1', lastName: 'a\u0000b' })
    assert.equal(problem?.field, 'lastName')
    assert.match(problem?.message ?? '', /^'lastName' .*U\+0000/)
  })

  test('refuses validity instants PostgreSQL cannot keep', () => {
    for (const [bound, text] of [
      ['from', '2016-12-31T23:59:60Z'],
      ['to', '0000-01-01T00:00:00Z'],
      ['to', '9999-12-31T23:30:00-01:00'],
    ]) {
      const { problem } = checkCategory({ id: 'k1', validity: { [bound]: text } })
      assert.equal(problem?.field, `validity.${bound}`, text)
    }
  })
})

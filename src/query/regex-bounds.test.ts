import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { QueryError } from './query-error.js'
import { checkRegex, REGEX_LIMITS } from './regex-bounds.js'

const refused = (pattern: string, reason: RegExp) =>
  assert.throws(() => checkRegex('name.en', pattern, 9), (error: unknown) => error instanceof QueryError && reason.test(error.message), pattern)

describe('q regex bounds', () => {
  it('accepts ordinary patterns, counted repetitions within the bound included', () => {
    for (const pattern of ['^Gold', 'a.*b', '[a-z]{2,10}', '(ab|cd)+', '\\d{4}-\\d{2}', '(a{1,10}){1,100}', '[{]{3}', 'x\\{999999\\}']) {
      checkRegex('name.en', pattern, 0)
    }
  })

  it('refuses nested counted repetitions that multiply beyond the bound', () => {
    refused('(a{1,255}){1,255}', /counted repetitions multiply to more than 1000/)
    refused('((a{10}){10}){11}', /more than 1000/)
    refused('a{1001}', /more than 1000/)
    refused('(x{2,}){501}', /more than 1000/)
  })

  it('refuses back-references, over-long patterns and what JavaScript cannot parse, naming the position', () => {
    refused('(a)\\1', /back-references are not supported/)
    refused('a'.repeat(REGEX_LIMITS.length + 1), /at most 256 characters/)
    refused('(unclosed', /Invalid regex for 'name\.en' at position 9/)
  })
})

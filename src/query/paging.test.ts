import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { DEFAULT_PAGE_SIZE, MAX_PAGE_NUMBER, MAX_PAGE_SIZE, parsePaging } from './paging.js'
import { QueryError } from './query-error.js'

function fails(params: Parameters<typeof parsePaging>[0], parameter: 'pageNumber' | 'pageSize'): void {
  assert.throws(
    () => parsePaging(params),
    (error: unknown) => {
      assert.ok(error instanceof QueryError)
      assert.equal(error.parameter, parameter)
      const max = parameter === 'pageSize' ? MAX_PAGE_SIZE : MAX_PAGE_NUMBER
      assert.equal(error.message, `${parameter} must be an integer between 1 and ${max}`)
      return true
    },
  )
}

describe('parsePaging', () => {
  test('defaults: first page of 60', () => {
    assert.deepEqual(parsePaging({}), { pageNumber: 1, pageSize: DEFAULT_PAGE_SIZE, limit: 60, offset: 0 })
    assert.deepEqual(parsePaging({ pageNumber: undefined, pageSize: undefined }), parsePaging({}))
  })

  test('empty strings mean the default', () => {
    assert.deepEqual(parsePaging({ pageNumber: '', pageSize: '' }), parsePaging({}))
  })

  test('pages count from 1', () => {
    assert.deepEqual(parsePaging({ pageNumber: '1', pageSize: '10' }), { pageNumber: 1, pageSize: 10, limit: 10, offset: 0 })
    assert.deepEqual(parsePaging({ pageNumber: '3', pageSize: '10' }), { pageNumber: 3, pageSize: 10, limit: 10, offset: 20 })
    assert.deepEqual(parsePaging({ pageNumber: '2' }), { pageNumber: 2, pageSize: 60, limit: 60, offset: 60 })
  })

  test('bounds are inclusive', () => {
    assert.equal(parsePaging({ pageSize: '1' }).pageSize, 1)
    assert.equal(parsePaging({ pageSize: '1000' }).pageSize, 1000)
    assert.equal(parsePaging({ pageSize: '0060' }).pageSize, 60)
    const last = parsePaging({ pageNumber: String(MAX_PAGE_NUMBER), pageSize: String(MAX_PAGE_SIZE) })
    assert.equal(last.offset, (MAX_PAGE_NUMBER - 1) * MAX_PAGE_SIZE)
    assert.ok(Number.isSafeInteger(last.offset))
  })

  test('numbers are accepted from schemas that coerce', () => {
    assert.deepEqual(parsePaging({ pageNumber: 2, pageSize: 5 }), { pageNumber: 2, pageSize: 5, limit: 5, offset: 5 })
  })

  test('bad pageSize', () => {
    for (const pageSize of ['0', '1001', '-1', 'abc', '1.5', '5.0', ' 5', '5 ', '+5', '1e2', '0x10', '99999999999999999999', 0, 1001, 2.5, Number.NaN]) {
      fails({ pageSize }, 'pageSize')
    }
  })

  test('bad pageNumber', () => {
    for (const pageNumber of ['0', '-1', 'first', '1.0', String(MAX_PAGE_NUMBER + 1), '１', 0, -3, Number.POSITIVE_INFINITY]) {
      fails({ pageNumber }, 'pageNumber')
    }
  })

  test('pageNumber is checked before pageSize', () => {
    fails({ pageNumber: 'x', pageSize: 'y' }, 'pageNumber')
  })
})

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { projectFields } from './fields.js'

const segment = {
  id: 's1',
  name: { en: 'Gold', de: 'Gold DE' },
  description: { en: 'Best' },
  status: 'ACTIVE',
  siteCode: 'main',
  validity: { from: '2021-05-18T07:27:27.455Z' },
  metadata: { version: 3, createdAt: '2021-05-18T07:27:27.455Z', modifiedAt: '2021-05-19T07:27:27.455Z', mixins: { a: 'x' } },
  mixins: { tier: 'gold', tags: ['a', 'b'], nested: { level: 2, deep: { x: null } } },
  empty: null,
}

describe('projectFields', () => {
  test('no parameter: the object itself, unchanged', () => {
    assert.equal(projectFields(segment, undefined), segment)
    assert.equal(projectFields(segment, ''), segment)
    assert.equal(projectFields(segment, '  '), segment)
  })

  test('top-level fields, always with id', () => {
    assert.deepEqual(projectFields(segment, 'status,siteCode'), { id: 's1', status: 'ACTIVE', siteCode: 'main' })
    assert.deepEqual(projectFields(segment, 'id'), { id: 's1' })
  })

  test('dotted paths keep only the named branch', () => {
    assert.deepEqual(projectFields(segment, 'metadata.version,name.en'), {
      id: 's1',
      name: { en: 'Gold' },
      metadata: { version: 3 },
    })
    assert.deepEqual(projectFields(segment, 'mixins.nested.level'), { id: 's1', mixins: { nested: { level: 2 } } })
  })

  test('output follows the source key order, not the parameter order', () => {
    assert.deepEqual(Object.keys(projectFields(segment, 'metadata,status,name')), ['id', 'name', 'status', 'metadata'])
  })

  test('a whole field wins over its sub-paths, in either order', () => {
    const expected = { id: 's1', metadata: segment.metadata }
    assert.deepEqual(projectFields(segment, 'metadata,metadata.version'), expected)
    assert.deepEqual(projectFields(segment, 'metadata.version,metadata'), expected)
  })

  test('whitespace and empty items are ignored', () => {
    assert.deepEqual(projectFields(segment, ' status , ,name.de ,'), { id: 's1', name: { de: 'Gold DE' }, status: 'ACTIVE' })
  })

  test('unknown paths are simply absent', () => {
    assert.deepEqual(projectFields(segment, 'nope,name.fr,metadata.version.x,status.x,a..b'), { id: 's1' })
    assert.deepEqual(projectFields(segment, 'mixins.tags.0'), { id: 's1' })
  })

  test('null values and whole arrays are kept', () => {
    assert.deepEqual(projectFields(segment, 'empty,mixins.tags,mixins.nested.deep.x'), {
      id: 's1',
      mixins: { tags: ['a', 'b'], nested: { deep: { x: null } } },
      empty: null,
    })
  })

  test('objects without id get no id', () => {
    assert.deepEqual(projectFields({ a: 1, b: 2 }, 'b'), { b: 2 })
  })

  test('the source is not modified and values are shared, not copied', () => {
    const before = JSON.stringify(segment)
    const projected = projectFields(segment, 'mixins')
    assert.equal(JSON.stringify(segment), before)
    assert.equal(projected.mixins, segment.mixins)
  })

  test('prototype keys cannot be reached or injected', () => {
    const parsed = JSON.parse('{"id":"x","__proto__":{"polluted":true},"a":1}') as Record<string, unknown>
    const projected = projectFields(parsed, '__proto__,constructor,toString') as Record<string, unknown>
    assert.equal(Object.getPrototypeOf(projected), Object.prototype)
    assert.deepEqual(Object.keys(projected), ['id', '__proto__'])
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
    assert.deepEqual(projectFields(segment, 'constructor,toString,hasOwnProperty'), { id: 's1' })
  })
})

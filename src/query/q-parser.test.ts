import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MAX_Q_LENGTH, parseQ, type QueryCondition } from './q-parser.js'
import { QueryError } from './query-error.js'

/** The single term's condition, with positions dropped so the shape is easy to read. */
function condition(q: string): unknown {
  const { terms } = parseQ(q)
  assert.equal(terms.length, 1)
  return withoutPositions(terms[0].condition)
}

function withoutPositions(value: QueryCondition | unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'position')
      .map(([key, inner]) => [key, withoutPositions(inner)]),
  )
}

const v = (text: string, quoted = false) => ({ text, quoted })

function fails(q: string, message: string | RegExp, position?: number): void {
  assert.throws(
    () => parseQ(q),
    (error: unknown) => {
      assert.ok(error instanceof QueryError, `expected QueryError for ${q}`)
      if (typeof message === 'string') assert.equal(error.message, message)
      else assert.match(error.message, message)
      if (position !== undefined) assert.equal(error.position, position)
      assert.equal(error.parameter, 'q')
      return true
    },
  )
}

describe('parseQ: terms and fields', () => {
  test('empty and blank input have no terms', () => {
    assert.deepEqual(parseQ(''), { terms: [] })
    assert.deepEqual(parseQ(' \t\n '), { terms: [] })
  })

  test('terms separated by any whitespace, with their positions', () => {
    const ast = parseQ('  siteCode:main \t status:ACTIVE\nid:x ')
    assert.deepEqual(
      ast.terms.map((t) => [t.field, t.position]),
      [['siteCode', 2], ['status', 18], ['id', 32]],
    )
  })

  test('dotted field paths', () => {
    const fields = parseQ('name.en:a metadata.createdAt:b mixins.a.b_c-d.$e:c').terms.map((t) => t.field)
    assert.deepEqual(fields, ['name.en', 'metadata.createdAt', 'mixins.a.b_c-d.$e'])
  })

  test('a field must be followed by a colon', () => {
    fails('foo', "Expected ':' after field 'foo' at position 3", 3)
    fails('a:1 foo bar:2', "Expected ':' after field 'foo' at position 7", 7)
    fails('foo=1', "Unexpected '=' at position 3, expected ':' after field 'foo'", 3)
  })

  test('field names are plain dotted identifiers', () => {
    fails(':x', "Unexpected ':' at position 0, expected a field name", 0)
    fails('(a:1)', "Unexpected '(' at position 0, expected a field name", 0)
    fails('a..b:1', "Invalid field name 'a..b' at position 0: empty path segment", 0)
    fails('.a:1', /Invalid field name '\.a'/)
    fails('a.:1', /Invalid field name 'a\.'/)
    fails("na'me:1", /Unexpected ''' at position 2/)
    fails('a:1 AND b:2', "Expected ':' after field 'AND' at position 7", 7)
  })
})

describe('parseQ: values', () => {
  test('exact match with a bare value', () => {
    assert.deepEqual(condition('siteCode:main'), { kind: 'equals', value: v('main') })
    assert.deepEqual(parseQ('siteCode:main').terms[0].condition, {
      kind: 'equals',
      position: 9,
      value: { text: 'main', quoted: false, position: 9 },
    })
  })

  test('bare values may hold colons, dots and other punctuation', () => {
    assert.deepEqual(condition('t:2021-05-18T07:27:27Z'), { kind: 'equals', value: v('2021-05-18T07:27:27Z') })
    assert.deepEqual(condition("id:';drop"), { kind: 'equals', value: v("';drop") })
    assert.deepEqual(condition('e:a@b.c'), { kind: 'equals', value: v('a@b.c') })
    assert.deepEqual(condition('e:a~b=c'), { kind: 'equals', value: v('a~b=c') })
    assert.deepEqual(condition('e:Grüße'), { kind: 'equals', value: v('Grüße') })
  })

  test('quoted values keep spaces and are never keywords', () => {
    assert.deepEqual(condition('name.en:"Golden Segment"'), { kind: 'equals', value: v('Golden Segment', true) })
    assert.deepEqual(condition('f:"null"'), { kind: 'equals', value: v('null', true) })
    assert.deepEqual(condition('f:""'), { kind: 'equals', value: v('', true) })
    assert.deepEqual(condition('f:"a,b (c) d:e"'), { kind: 'equals', value: v('a,b (c) d:e', true) })
  })

  test('only \\" and \\\\ are escapes inside quotes', () => {
    assert.deepEqual(condition('f:"say \\"hi\\""'), { kind: 'equals', value: v('say "hi"', true) })
    assert.deepEqual(condition('f:"a\\\\b"'), { kind: 'equals', value: v('a\\b', true) })
    assert.deepEqual(condition('f:"C:\\dir"'), { kind: 'equals', value: v('C:\\dir', true) })
  })

  test('numbers and booleans stay literal text', () => {
    assert.deepEqual(condition('f:20'), { kind: 'equals', value: v('20') })
    assert.deepEqual(condition('f:-1.5e3'), { kind: 'equals', value: v('-1.5e3') })
    assert.deepEqual(condition('f:true'), { kind: 'equals', value: v('true') })
  })

  test('null, exists and missing keywords (lowercase, unquoted)', () => {
    assert.deepEqual(condition('f:null'), { kind: 'null' })
    assert.deepEqual(condition('mixins.x:exists'), { kind: 'exists' })
    assert.deepEqual(condition('mixins.x:missing'), { kind: 'missing' })
    assert.deepEqual(condition('f:NULL'), { kind: 'equals', value: v('NULL') })
    assert.deepEqual(condition('f:nullish'), { kind: 'equals', value: v('nullish') })
  })

  test('missing or malformed values', () => {
    fails('status:', "Missing value after 'status:' at position 7", 7)
    fails('status: ACTIVE', "Missing value after 'status:' at position 7", 7)
    fails('a:1 status:', "Missing value after 'status:' at position 11", 11)
    fails('f:"abc', 'Unterminated string starting at position 2', 2)
    fails('f:"abc\\"', 'Unterminated string starting at position 2', 2)
    fails('f:"a"b', "Unexpected 'b' at position 5", 5)
    fails('f:a"b"', "Unexpected '\"' at position 3", 3)
    fails('f:a(b)', "Unexpected '(' at position 3", 3)
    fails('f:)', "Unexpected ')' at position 2, expected a value after 'f:'", 2)
    fails('f:,a', "Unexpected ',' at position 2, expected a value after 'f:'", 2)
  })

  test('a stray closing parenthesis', () => {
    fails('status:ACTIVE)', "Unexpected ')' at position 13", 13)
    fails('siteCode:main  id:1)', "Unexpected ')' at position 19", 19)
  })

  test('a list without parentheses is refused with a hint', () => {
    fails('id:a,b', "Unexpected ',' at position 4, write a list in parentheses: f:(a,b)", 4)
  })
})

describe('parseQ: comparisons and ranges', () => {
  test('the four comparators', () => {
    for (const comparator of ['>', '<', '>=', '<='] as const) {
      assert.deepEqual(condition(`f:${comparator}20`), { kind: 'compare', comparisons: [{ comparator, value: v('20') }] })
    }
  })

  test('comparison with a quoted date', () => {
    assert.deepEqual(condition('metadata.createdAt:>="2021-05-18T07:27:27.455Z"'), {
      kind: 'compare',
      comparisons: [{ comparator: '>=', value: v('2021-05-18T07:27:27.455Z', true) }],
    })
  })

  test('ranges join comparisons with AND inside parentheses', () => {
    assert.deepEqual(condition('f:(>=10 AND <=20)'), {
      kind: 'compare',
      comparisons: [
        { comparator: '>=', value: v('10') },
        { comparator: '<=', value: v('20') },
      ],
    })
    assert.deepEqual(
      condition('metadata.createdAt:(>="2021-05-18T07:27:27.455Z" AND <"2021-05-20T07:27:27.455Z")'),
      {
        kind: 'compare',
        comparisons: [
          { comparator: '>=', value: v('2021-05-18T07:27:27.455Z', true) },
          { comparator: '<', value: v('2021-05-20T07:27:27.455Z', true) },
        ],
      },
    )
  })

  test('range spacing and case are forgiving', () => {
    const expected = condition('f:(>1 AND <5)')
    assert.deepEqual(condition('f:( >1   and   <5 )'), expected)
    assert.deepEqual(condition('f:(>1 AND<5)'), expected)
    assert.deepEqual(condition('f:(>1)'), { kind: 'compare', comparisons: [{ comparator: '>', value: v('1') }] })
    assert.deepEqual(
      (condition('f:(>1 AND <5 AND >=2)') as { comparisons: unknown[] }).comparisons.length,
      3,
    )
  })

  test('malformed comparisons and ranges', () => {
    fails('f:>', "Missing value after '>' at position 3", 3)
    fails('f:>= 5', "Missing value after '>=' at position 4", 4)
    fails('f:>>1', "Unexpected '>' at position 3, expected a value after '>'", 3)
    fails('f:<=~a', "Unexpected '~' at position 4, expected a value after '<='", 4)
    fails('f:(>1 <2)', "Unexpected '<' at position 6, expected 'AND' or ')'", 6)
    fails('f:(>1 OR <2)', "Unexpected 'O' at position 6, expected 'AND' or ')'", 6)
    fails('f:(>1 ANDY <2)', "Unexpected 'A' at position 6, expected 'AND' or ')'", 6)
    fails('f:(>1 AND)', "Unexpected ')' at position 9, expected a comparison (>, <, >=, <=) after 'AND'", 9)
    fails('f:(>1 AND 5)', /expected a comparison \(>, <, >=, <=\) after 'AND'/)
    fails('f:(>1 AND ', "Missing value after 'AND' at position 10", 10)
    fails('f:(>1', "Missing ')' for '(' at position 2", 2)
    fails('f:(>1 AND <5', "Missing ')' for '(' at position 2", 2)
    fails('f:(>1,<5)', "Unexpected ',' at position 5, expected 'AND' or ')'", 5)
  })
})

describe('parseQ: IN lists', () => {
  test('comma-separated, bare or quoted items', () => {
    assert.deepEqual(condition('id:(a,b,c)'), { kind: 'in', values: [v('a'), v('b'), v('c')] })
    assert.deepEqual(condition('code:("apple", "on ion" ,x)'), {
      kind: 'in',
      values: [v('apple', true), v('on ion', true), v('x')],
    })
    assert.deepEqual(condition('id:(a)'), { kind: 'in', values: [v('a')] })
    assert.deepEqual(condition('id:( a , b )'), { kind: 'in', values: [v('a'), v('b')] })
  })

  test('items keep their positions', () => {
    const cond = parseQ('id:(ab,"c")').terms[0].condition
    assert.equal(cond.kind, 'in')
    if (cond.kind === 'in') assert.deepEqual(cond.values.map((x) => x.position), [4, 7])
  })

  test('malformed lists', () => {
    fails('id:()', "Empty parentheses after 'id:' at position 3", 3)
    fails('id:(  )', "Empty parentheses after 'id:' at position 3", 3)
    fails('id:(a,)', "Unexpected ')' at position 6, expected a value after ','", 6)
    fails('id:(a,,b)', "Unexpected ',' at position 6, expected a value after ','", 6)
    fails('id:(,a)', "Unexpected ',' at position 4, expected a value after 'id:('", 4)
    fails('id:(a b)', "Unexpected 'b' at position 6, expected ',' or ')'", 6)
    fails('id:(a', "Missing ')' for '(' at position 3", 3)
    fails('id:(a,', "Missing value after ',' at position 6", 6)
    fails('id:(a,(b))', "Unexpected '(' at position 6, expected a value after ','", 6)
    fails('id:(a)b', "Unexpected 'b' at position 6", 6)
  })
})

describe('parseQ: regex', () => {
  test('~pattern up to whitespace', () => {
    assert.deepEqual(condition('code:~ABCD12'), { kind: 'regex', pattern: 'ABCD12' })
    assert.deepEqual(parseQ('code:~^A.*$ id:1').terms.map((t) => t.condition.kind), ['regex', 'equals'])
  })

  test('patterns with spaces: (~…) and ~(…)', () => {
    assert.deepEqual(condition('code:(~AB CD)'), { kind: 'regex', pattern: 'AB CD' })
    assert.deepEqual(condition('name.en:~(Yoghurt im)'), { kind: 'regex', pattern: 'Yoghurt im' })
    assert.deepEqual(condition('code:( ~AB )'), { kind: 'regex', pattern: 'AB ' })
  })

  test("the pattern's own groups, brackets and escapes do not end it", () => {
    assert.deepEqual(condition('c:~^(a|b)$'), { kind: 'regex', pattern: '^(a|b)$' })
    assert.deepEqual(condition('c:~(a)(b c)'), { kind: 'regex', pattern: '(a)(b c)' })
    assert.deepEqual(condition('c:~(a|b)c'), { kind: 'regex', pattern: '(a|b)c' })
    assert.deepEqual(condition('c:(~(a|b) c)'), { kind: 'regex', pattern: '(a|b) c' })
    assert.deepEqual(condition('c:(~a\\)b)'), { kind: 'regex', pattern: 'a\\)b' })
    assert.deepEqual(condition('c:(~[)] x)'), { kind: 'regex', pattern: '[)] x' })
    assert.deepEqual(condition('c:~[]) ]'), { kind: 'regex', pattern: '[]) ]' })
    assert.deepEqual(condition('c:~[^]]x'), { kind: 'regex', pattern: '[^]]x' })
    assert.deepEqual(condition('c:~a"b'), { kind: 'regex', pattern: 'a"b' })
  })

  test('(?…) constructs keep their parentheses', () => {
    assert.deepEqual(condition('c:~(?:ab)'), { kind: 'regex', pattern: '(?:ab)' })
  })

  test('malformed regexes', () => {
    fails('code:~', "Missing value after 'code:~' at position 6", 6)
    fails('code:~ x', "Missing value after 'code:~' at position 6", 6)
    fails('code:~()', "Empty regex after 'code:~' at position 6", 6)
    fails('code:(~)', "Missing value after 'code:(~' at position 7", 7)
    fails('code:~(ab', "Missing ')' for '(' at position 6", 6)
    fails('code:~a(b', "Missing ')' for '(' at position 7", 7)
    fails('code:(~ab', "Missing ')' for '(' at position 5", 5)
    fails('code:(~a(b)', "Missing ')' for '(' at position 5", 5)
    fails('code:~ab)', "Unexpected ')' at position 8", 8)
  })
})

describe('parseQ: limits', () => {
  test('NUL is refused, since PostgreSQL text cannot hold it', () => {
    fails('id:a\u0000b', 'Invalid character U+0000 at position 4', 4)
  })

  test('q is limited in length', () => {
    assert.equal(parseQ(`id:${'a'.repeat(MAX_Q_LENGTH - 3)}`).terms.length, 1)
    fails(`id:${'a'.repeat(MAX_Q_LENGTH)}`, /^q is too long \(10003 characters, at most 10000\)$/)
  })

  test('many terms and list items parse', () => {
    const q = Array.from({ length: 500 }, (_, i) => `f${i}:v${i}`).join(' ')
    assert.equal(parseQ(q).terms.length, 500)
  })
})

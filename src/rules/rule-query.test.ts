import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Kysely, PostgresDialect } from 'kysely'
import { QueryError } from '../query/query-error.js'
import { compileRule, parseRule, RULE_LIMITS, type RuleNode } from './rule-query.js'

/** The rule's shape with each term written as its field and condition kind: `(and email:equals (not tags:in))`. */
function shape(node: RuleNode): string {
  switch (node.kind) {
    case 'term':
      return `${node.term.field}:${node.term.condition.kind}`
    case 'not':
      return `(not ${shape(node.item)})`
    default:
      return `(${node.kind} ${node.items.map(shape).join(' ')})`
  }
}

// Compiling to SQL text needs a dialect only; no database is opened.
const fakeDb = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: {} as never }) })
const options = { mode: 'customer' as const, tenant: 't1', now: new Date('2026-06-01T00:00:00Z') }

function refused(text: string, message: RegExp): void {
  assert.throws(
    () => compileRule(text, options),
    (error: unknown) => error instanceof QueryError && error.parameter === 'query' && message.test(error.message),
    text,
  )
}

describe('parseRule', () => {
  test('takes every condition q takes', () => {
    const rule = 'email:a@b.c firstName:"Ada L" lastName:(X,Y) tags:~^vip attributes.n:>=10 attributes.m:(>1 AND <5) attributes.k:exists legalEntity.name:missing attributes.z:null'
    assert.equal(
      shape(parseRule(rule)),
      '(and email:equals firstName:equals lastName:in tags:regex attributes.n:compare attributes.m:compare attributes.k:exists legalEntity.name:missing attributes.z:null)',
    )
  })

  test('binds NOT tighter than AND, AND tighter than OR; parentheses group', () => {
    assert.equal(shape(parseRule('tags:a OR tags:b AND NOT tags:c')), '(or tags:equals (and tags:equals (not tags:equals)))')
    assert.equal(shape(parseRule('(tags:a OR tags:b) tags:c')), '(and (or tags:equals tags:equals) tags:equals)')
    assert.equal(shape(parseRule('not (tags:a or email:b) and NOT NOT tags:c')), '(and (not (or tags:equals email:equals)) (not (not tags:equals)))')
    assert.equal(shape(parseRule('((email:~(a|b)))')), 'email:regex')
    assert.equal(shape(parseRule('NOT(tags:a)')), '(not tags:equals)')
  })

  test('reads a value or a pattern up to a closing parenthesis', () => {
    const node = parseRule('(tags:vip OR email:~^a)')
    assert.equal(node.kind, 'or')
    const [vip, pattern] = (node as unknown as { items: { term: { condition: { value?: { text: string }; pattern?: string } } }[] }).items
    assert.equal(vip.term.condition.value?.text, 'vip')
    assert.equal(pattern.term.condition.pattern, '^a')
  })

  test('refuses bad expressions, saying where', () => {
    for (const [text, message] of [
      ['', /query is empty/],
      ['   ', /query is empty/],
      ['tags:a OR', /Missing term at the end of query/],
      ['tags:a AND', /Missing term/],
      ['NOT', /Missing term/],
      ['(tags:a', /Missing '\)' for '\(' at position 0/],
      ['tags:a)', /Unexpected '\)' at position 6, no '\(' to close/],
      ['OR tags:a', /Unexpected 'O' at position 0, expected a term/],
      ['()', /Unexpected '\)' at position 1, expected a term/],
      ['tags', /Expected ':' after field 'tags'/],
      ['tags:', /Missing value after 'tags:'/],
      ['tags:"open', /Unterminated string/],
      ['tags:a,b', /Unexpected ','/],
      ['email:a\u0000', /U\+0000/],
    ] as const) {
      assert.throws(() => parseRule(text), (e: unknown) => e instanceof QueryError && e.parameter === 'query' && message.test(e.message), JSON.stringify(text))
    }
  })

  test('bounds length, terms, listed values and nesting', () => {
    assert.throws(() => parseRule(`email:${'a'.repeat(RULE_LIMITS.length)}`), /query is too long/)
    assert.throws(() => parseRule(Array.from({ length: RULE_LIMITS.terms + 1 }, (_, i) => `tags:t${i}`).join(' OR ')), /more than 50 terms/)
    assert.doesNotThrow(() => parseRule(Array.from({ length: RULE_LIMITS.terms }, (_, i) => `tags:t${i}`).join(' OR ')))
    const list = (n: number) => `(${Array.from({ length: n }, (_, i) => i).join(',')})`
    assert.throws(() => parseRule(`tags:${list(300)} email:${list(201)}`), /more than 500 values/)
    assert.throws(() => parseRule(`${'('.repeat(RULE_LIMITS.depth + 1)}tags:a${')'.repeat(RULE_LIMITS.depth + 1)}`), /deeper than 10 levels/)
    assert.throws(() => parseRule(`${'NOT '.repeat(RULE_LIMITS.depth + 1)}tags:a`), /deeper than 10 levels/)
    assert.doesNotThrow(() => parseRule(`${'NOT '.repeat(RULE_LIMITS.depth)}tags:a`))
  })
})

describe('compileRule', () => {
  test('compiles every field and operator to parameterized SQL', () => {
    const rule =
      'email:x firstName:(a,b) lastName:>=M tags:vip tags:(a,b) tags:~^v tags:exists tags:missing attributes.n:15 attributes.s:"gold" ' +
      'attributes.n:(>1 AND <=9) attributes.at:>now-30d attributes.at:<2026-01-01 attributes.k:missing legalEntity.name:~^Ac legalEntity.attributes.size:>10 NOT attributes.a.b.c:true'
    const compiled = compileRule(rule, options).compile(fakeDb)
    assert.doesNotMatch(compiled.sql, /gold|vip|Ac|now/)
    assert.ok(compiled.parameters.includes('gold'))
    assert.ok(compiled.parameters.includes(new Date('2026-05-02T00:00:00Z').toISOString()))
    // A legal entity term reads the legal entities it selects once, or looks a customer's up by key.
    assert.match(compiled.sql, /c.legal_entity_ids is not null and case when cardinality\(array\(select le.id from directory_legal_entity le where le.tenant = \$\d+ and/)
    assert.match(compiled.sql, /from directory_legal_entity le where le.tenant = c.tenant and le.id = lid.id/)
    assert.doesNotMatch(compileRule('legalEntity.name:x', { ...options, mode: 'b2b' }).compile(fakeDb).sql, /exists/)
  })

  test('relative dates take s, m, h, d and w', () => {
    for (const [unit, ms] of [['s', 1e3], ['m', 6e4], ['h', 3.6e6], ['d', 8.64e7], ['w', 6.048e8]] as const) {
      const { parameters } = compileRule(`attributes.at:<now+2${unit}`, options).compile(fakeDb)
      assert.ok(parameters.includes(new Date(options.now.getTime() + 2 * ms).toISOString()), unit)
    }
  })

  test('refuses unknown fields and values that do not fit, naming them', () => {
    refused('phone:1', /Unknown field 'phone' in query\. Allowed: email, firstName, lastName, tags, attributes\.<path>, legalEntity\.name, legalEntity\.attributes\.<path>/)
    refused('attributes:1', /Field 'attributes' needs a path/)
    refused('legalEntity.id:1', /Unknown field 'legalEntity\.id'/)
    refused('attributes.a.b.c.d.e.f.g.h.i:1', /more than 8 keys/)
    refused('tags:>a', /Comparison is not supported for 'tags'/)
    refused('attributes.at:(>now-1d AND <5)', /Invalid value '5' for 'attributes\.at'.*dates at both ends/)
    refused('attributes.at:>now-999999w', /outside the years 1 to 9999/)
    refused('attributes.at:>now-1y', /Invalid relative date 'now-1y'/)
    refused('attributes.at:>now+1234567d', /Invalid relative date/)
    refused('email:~[b-a]', /Invalid regex for 'email'/)
    refused('tags:~(a){1,100}{1,100}', /Invalid regex for 'tags'/)
    refused('email:~\\1', /back-references/)
  })
})

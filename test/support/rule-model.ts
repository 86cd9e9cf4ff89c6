/**
 * A model of the rule language for property tests: random directories (customers c1..c6, legal entities
 * l1, l2), random rules over every field and operator with AND / OR / NOT and relative dates, and what a rule
 * selects by brute force in JavaScript, for the SQL to be checked against.
 */
import fc from 'fast-check'
import type { DirectoryCustomer, DirectoryLegalEntity } from '../../src/directory/directory-schemas.js'
import type { RuleMode } from '../../src/rules/rule-query.js'

/** What `now` means for the model; SQL compiled for the model must be given the same. */
export const NOW = new Date('2026-06-01T00:00:00Z')

/** What a rule is evaluated on: a customer, and in B2B mode the legal entity of the pair (undefined when unknown). */
export interface Subject {
  c: DirectoryCustomer
  le?: DirectoryLegalEntity
  entities: Map<string, DirectoryLegalEntity>
  mode: RuleMode
}

export interface Rule {
  text: string
  holds(s: Subject): boolean
}

// Values from small pools, so terms often hit; ASCII, so bytewise order is JavaScript's.
const WORDS = ['abc', 'Abc', 'ab', 'xbc', 'o', '15', 'gold']
const PATTERNS = ['^a', 'c$', 'a.c', '[xo]', '1', 'ol']
const DATE_TIMES = ['2026-05-01T00:00:00Z', '2026-05-30T12:00:00.123+02:00', '2025-01-01T00:00:00Z', '2026-05-31T23:30:00-01:00']
const DATE_VALUES = ['now', 'now-30d', 'now-1w', 'now+1h', 'now-90m', 'now-3600s', '2026-01-01', '2026-05-15T00:00:00Z']
const NUMBERS = [-1, 0, 2.5, 5, 15]
const COMPARATORS = ['>', '<', '>=', '<='] as const

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })
const attributeValue = fc.oneof(fc.constantFrom(...WORDS), fc.constantFrom(...NUMBERS), fc.boolean(), fc.constantFrom(...DATE_TIMES))
const attributes = fc.record(
  { n: attributeValue, s: attributeValue, at: attributeValue, o: fc.oneof(fc.record({ x: attributeValue }, { requiredKeys: [] }), attributeValue) },
  { requiredKeys: [] },
)
export const customer = (id: string) =>
  fc.record({
    id: fc.constant(id),
    email: maybe(fc.constantFrom(...WORDS)),
    firstName: maybe(fc.constantFrom(...WORDS)),
    lastName: maybe(fc.constantFrom(...WORDS)),
    tags: maybe(fc.subarray(['a', 'b', 'c', 'gold'])),
    attributes: maybe(attributes),
    legalEntityIds: maybe(fc.subarray(['l1', 'l2', 'l3'])),
  })
export const legalEntity = (id: string) => fc.record({ id: fc.constant(id), name: maybe(fc.constantFrom(...WORDS)), attributes: maybe(attributes) })
/** Directory entries as the API takes them: absent rather than undefined keys. */
export const entry = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
export const directory = fc.record({
  customers: fc.tuple(...['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map(customer)).map((list) => list.map(entry) as DirectoryCustomer[]),
  legalEntities: fc.tuple(legalEntity('l1'), legalEntity('l2')).map((list) => list.map(entry) as DirectoryLegalEntity[]),
})

const cmp = (a: number | string, op: string, b: number | string) => (op === '>' ? a > b : op === '<' ? a < b : op === '>=' ? a >= b : a <= b)
const DATE_SHAPE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$/
const UNIT_MS: Record<string, number> = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 }

function instant(text: string): number {
  const relative = /^now(?:([+-])(\d+)([smhdw]))?$/.exec(text)
  if (!relative) return Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text)
  const [, sign, amount, unit] = relative
  return NOW.getTime() + (sign === undefined ? 0 : (sign === '-' ? -1 : 1) * Number(amount) * UNIT_MS[unit])
}

/** The value at an attribute path, stepping only into objects, as jsonb_extract_path does. */
function at(value: unknown, path: readonly string[]): unknown {
  let current = value
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

/** q's json equality: a quoted value matches the string only; an unquoted one also the number or boolean it spells. */
function jsonEquals(v: unknown, text: string, quoted: boolean): boolean {
  if (v === text) return true
  if (quoted) return false
  if (typeof v === 'number') return /^-?\d+(\.\d+)?$/.test(text) && v === Number(text)
  return typeof v === 'boolean' && text === String(v)
}

type Read = (s: Subject) => unknown
type Scope = 'customer' | 'legalEntity'

/** A term over a field read by `read`, of the field's kind. */
function termOf(field: string, kind: 'text' | 'tags' | 'json', read: Read, scope: Scope): fc.Arbitrary<Rule> {
  const word = fc.constantFrom(...WORDS)
  const quoted = fc.boolean()
  const options: fc.Arbitrary<{ text: string; test: (v: unknown) => boolean }>[] = [
    fc.constant({ text: 'exists', test: (v) => (kind === 'tags' ? Array.isArray(v) && v.length > 0 : v !== undefined) }),
    fc.constantFrom('missing', 'null').map((k) => ({ text: k, test: (v: unknown) => (kind === 'tags' ? !Array.isArray(v) || v.length === 0 : v === undefined) })),
    fc.constantFrom(...PATTERNS).map((p) => ({
      text: `~${p}`,
      test: (v: unknown) => {
        const re = new RegExp(p)
        if (kind === 'tags') return Array.isArray(v) && v.some((t) => re.test(t))
        return (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && re.test(String(v))
      },
    })),
  ]
  if (kind === 'tags') {
    const tag = fc.constantFrom('a', 'b', 'c', 'gold', 'x')
    options.push(tag.map((t) => ({ text: t, test: (v) => Array.isArray(v) && v.includes(t) })))
    options.push(fc.uniqueArray(tag, { minLength: 1, maxLength: 3 }).map((ts) => ({ text: `(${ts.join(',')})`, test: (v) => Array.isArray(v) && ts.some((t) => v.includes(t)) })))
  } else if (kind === 'text') {
    options.push(fc.tuple(word, quoted).map(([w, q]) => ({ text: q ? `"${w}"` : w, test: (v) => v === w })))
    options.push(fc.uniqueArray(word, { minLength: 1, maxLength: 3 }).map((ws) => ({ text: `(${ws.join(',')})`, test: (v) => ws.includes(v as string) })))
    options.push(
      fc.tuple(fc.constantFrom(...COMPARATORS), word).map(([op, w]) => ({ text: `${op}${w}`, test: (v) => typeof v === 'string' && cmp(v, op, w) })),
    )
  } else {
    const scalar = fc.oneof(word, fc.constantFrom(...NUMBERS.map(String)), fc.constantFrom('true', 'false'))
    options.push(fc.tuple(scalar, quoted).map(([w, q]) => ({ text: q ? `"${w}"` : w, test: (v) => jsonEquals(v, w, q) })))
    options.push(fc.uniqueArray(scalar, { minLength: 1, maxLength: 3 }).map((ws) => ({ text: `(${ws.join(',')})`, test: (v) => ws.some((w) => jsonEquals(v, w, false)) })))
    options.push(
      fc.tuple(fc.constantFrom(...COMPARATORS), fc.constantFrom(...NUMBERS)).map(([op, n]) => ({ text: `${op}${n}`, test: (v) => typeof v === 'number' && cmp(v, op, n) })),
    )
    options.push(
      fc.tuple(fc.constantFrom(...COMPARATORS), fc.constantFrom('abc', 'b', 'gold')).map(([op, w]) => ({ text: `${op}${w}`, test: (v) => typeof v === 'string' && cmp(v, op, w) })),
    )
    options.push(
      fc.tuple(fc.constantFrom(...COMPARATORS), fc.constantFrom(...DATE_VALUES), fc.constantFrom(...COMPARATORS), fc.constantFrom(...DATE_VALUES), fc.boolean()).map(
        ([op1, d1, op2, d2, range]) => ({
          text: range ? `(${op1}${d1} AND ${op2}${d2})` : `${op1}${d1}`,
          test: (v) => typeof v === 'string' && DATE_SHAPE.test(v) && cmp(Date.parse(v), op1, instant(d1)) && (!range || cmp(Date.parse(v), op2, instant(d2))),
        }),
      ),
    )
  }
  return fc.oneof(...options).map(({ text, test }) => ({
    text: `${field}:${text}`,
    holds: (s: Subject) => {
      if (scope === 'customer' || s.mode === 'b2b') return test(read(s))
      // Per customer: one of its legal entities the directory knows.
      return (s.c.legalEntityIds ?? []).some((id) => s.entities.has(id) && test(read({ ...s, le: s.entities.get(id) })))
    },
  }))
}

const attributePath = fc.constantFrom(['n'], ['s'], ['at'], ['o', 'x'], ['o'])
const term: fc.Arbitrary<Rule> = fc.oneof(
  termOf('email', 'text', (s) => s.c.email, 'customer'),
  termOf('firstName', 'text', (s) => s.c.firstName, 'customer'),
  termOf('lastName', 'text', (s) => s.c.lastName, 'customer'),
  termOf('tags', 'tags', (s) => s.c.tags, 'customer'),
  attributePath.chain((path) => termOf(`attributes.${path.join('.')}`, 'json', (s) => at(s.c.attributes, path), 'customer')),
  termOf('legalEntity.name', 'text', (s) => s.le?.name, 'legalEntity'),
  attributePath.chain((path) => termOf(`legalEntity.attributes.${path.join('.')}`, 'json', (s) => at(s.le?.attributes, path), 'legalEntity')),
)

export const rule: fc.Arbitrary<Rule> = fc.letrec<{ node: Rule }>((tie) => ({
  node: fc.oneof(
    // A level nests at most two (NOT and its parentheses): within the language's bound of 10.
    { depthSize: 'small', withCrossShrink: true, maxDepth: 5 },
    term,
    tie('node').map((r) => ({ text: `NOT (${r.text})`, holds: (s: Subject) => !r.holds(s) })),
    fc.tuple(tie('node'), tie('node'), fc.constantFrom(' AND ', ' and ', ' ')).map(([a, b, op]) => ({ text: `(${a.text}${op}${b.text})`, holds: (s: Subject) => a.holds(s) && b.holds(s) })),
    fc.tuple(tie('node'), tie('node')).map(([a, b]) => ({ text: `(${a.text} OR ${b.text})`, holds: (s: Subject) => a.holds(s) || b.holds(s) })),
  ),
})).node

/** What the rule selects by brute force: customer ids, or `customer/legal entity` pairs, in order. */
export function expected(r: Rule, dir: { customers: DirectoryCustomer[]; legalEntities: DirectoryLegalEntity[] }, mode: RuleMode): string[] {
  const entities = new Map(dir.legalEntities.map((le) => [le.id, le]))
  const keys: string[] = []
  for (const c of dir.customers) {
    if (mode === 'customer') {
      if (r.holds({ c, entities, mode })) keys.push(c.id)
    } else {
      for (const id of [...(c.legalEntityIds ?? [])].sort()) if (r.holds({ c, le: entities.get(id), entities, mode })) keys.push(`${c.id}/${id}`)
    }
  }
  return keys
}

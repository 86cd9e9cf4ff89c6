/**
 * The rule language: q's terms (`field:condition`, query/q-parser.ts) combined with `AND`, `OR`, `NOT` and
 * parentheses, over what the directory knows of a customer, compiled to one parameterized SQL condition.
 *
 *   rule  = or
 *   or    = and { "OR" and }
 *   and   = unary { ["AND"] unary }            juxtaposed terms are ANDed, as in q
 *   unary = "NOT" unary | "(" or ")" | term    keywords in any case
 *
 * Fields: `email`, `firstName`, `lastName` (text; ranges compare bytewise), `tags` (`tags:x` has the tag,
 * `tags:(a,b)` has one of them, `tags:~re` has one that matches, `exists` has any), `attributes.<path>`,
 * `legalEntity.name` and `legalEntity.attributes.<path>`. Attributes follow q's json semantics (an unquoted
 * `15` matches 15 and "15"; `>`/`<` with a number compare numbers, otherwise strings bytewise), except that
 * a range with a date (`2026-01-01`, `now`, `now-30d`; units s, m, h, d, w) compares date-time attributes
 * as instants. Per customer, a `legalEntity.*` term holds when one of the customer's legal entities in the
 * directory satisfies it; per customer and legal entity (B2B), it is about that pair's legal entity.
 *
 * Every term is two-valued (a missing value makes it false, never NULL), so `NOT` is the exact complement.
 * The SQL reads the customer as `c` and, in B2B mode, the legal entity as `le`; values are parameters.
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely'
import { ATTRIBUTE_KEY, ATTRIBUTE_LIMITS, DATE_TIME_SHAPE } from '../directory/entry-attributes.js'
import { type FieldMap, resolveField } from '../query/field-map.js'
import { normalizeTimestamp } from '../query/iso-date.js'
import { compileCondition, isDecimal } from '../query/q-compiler.js'
import { type QueryComparison, type QueryTerm, type QueryValue, parseTermAt } from '../query/q-parser.js'
import { QueryError } from '../query/query-error.js'
import { checkRegex } from '../query/regex-bounds.js'

export const RULE_LIMITS = {
  /** Characters of a rule. */
  length: 4_000,
  /** `field:condition` terms. */
  terms: 50,
  /** Values in all the terms' lists together. */
  values: 500,
  /** Parentheses and NOTs inside one another. */
  depth: 10,
  /** Segments with a rule in one tenant. */
  perTenant: 100,
} as const

export type RuleNode =
  | { readonly kind: 'term'; readonly term: QueryTerm }
  | { readonly kind: 'and' | 'or'; readonly items: readonly RuleNode[] }
  | { readonly kind: 'not'; readonly item: RuleNode }

/** Per customer, or per customer and each of its legal entities (B2B). */
export type RuleMode = 'customer' | 'b2b'

export interface CompileOptions {
  readonly mode: RuleMode
  /** The tenant whose directory the rule reads (its legal entities are looked up once per statement). */
  readonly tenant: string
  /** Up to how many legal entities matching a term a customer's ids are compared with (LEGAL_ENTITY_SET). */
  readonly legalEntitySet?: number
  /** What `now` means; relative dates are bound as instants. */
  readonly now: Date
}

const FIELDS: FieldMap = {
  email: { type: 'string', column: 'c.email' },
  firstName: { type: 'string', column: 'c.first_name' },
  lastName: { type: 'string', column: 'c.last_name' },
  tags: { type: 'string', column: 'c.tags' },
  'attributes.*': { type: 'json', column: 'c.attributes' },
  'legalEntity.name': { type: 'string', column: 'le.name' },
  'legalEntity.attributes.*': { type: 'json', column: 'le.attributes' },
}

const error = (message: string, position: number) => new QueryError(message, position, 'query')

export function parseRule(text: string): RuleNode {
  return aboutQuery(() => new RuleParser(text).parse())
}

/** Parses and compiles `text` into a condition over `c` (and `le`); throws a QueryError naming what is wrong. */
export function compileRule(text: string, options: CompileOptions): RawBuilder<SqlBool> {
  const node = parseRule(text)
  return aboutQuery(() => compileNode(node, options))
}

/** q's parts report their errors about `q`; here they are about the rule's `query`. */
function aboutQuery<T>(run: () => T): T {
  try {
    return run()
  } catch (caught) {
    if (caught instanceof QueryError && caught.parameter !== 'query') throw new QueryError(caught.message, caught.position, 'query')
    throw caught
  }
}

/** What the engine needs to know of a rule besides its SQL. */
export interface RuleTraits {
  /** It compares with `now`: its selection changes with time alone, so it is evaluated again on a schedule. */
  relative: boolean
  /** It reads legal entities: writing one re-evaluates the customers who buy for it. */
  readsLegalEntities: boolean
  /** Its regexes, for PostgreSQL to compile before the rule is saved. */
  patterns: string[]
}

export function ruleTraits(node: RuleNode): RuleTraits {
  const traits: RuleTraits = { relative: false, readsLegalEntities: false, patterns: [] }
  const visit = (n: RuleNode): void => {
    if (n.kind === 'not') return visit(n.item)
    if (n.kind !== 'term') return n.items.forEach(visit)
    const { field, condition } = n.term
    if (field.startsWith('legalEntity.')) traits.readsLegalEntities = true
    if (condition.kind === 'regex') traits.patterns.push(condition.pattern)
    if (condition.kind === 'compare' && condition.comparisons.some(({ value }) => value.text.startsWith('now'))) traits.relative = true
  }
  visit(node)
  return traits
}

function compileNode(node: RuleNode, options: CompileOptions): RawBuilder<SqlBool> {
  switch (node.kind) {
    case 'term':
      return compileTerm(node.term, options)
    case 'not':
      return sql<SqlBool>`not ${compileNode(node.item, options)}`
    case 'and':
    case 'or':
      return sql<SqlBool>`(${sql.join(node.items.map((item) => compileNode(item, options)), node.kind === 'and' ? sql` and ` : sql` or `)})`
  }
}

function compileTerm(term: QueryTerm, options: CompileOptions): RawBuilder<SqlBool> {
  const field = resolveField(FIELDS, term.field, { parameter: 'query', position: term.position })
  const path = term.field.split('.')
  const attributePath = path[0] === 'attributes' ? path.length - 1 : path[1] === 'attributes' ? path.length - 2 : 0
  if (attributePath > ATTRIBUTE_LIMITS.depth) {
    throw error(`Field '${term.field}' at position ${term.position} has a path of more than ${ATTRIBUTE_LIMITS.depth} keys`, term.position)
  }
  const condition = term.condition
  let compiled: RawBuilder<SqlBool>
  if (term.field === 'tags') compiled = tagCondition(term)
  else if (condition.kind === 'compare' && field.spec.type === 'string') {
    // Bytewise, as JavaScript compares ASCII, whatever the database's collation.
    const parts = condition.comparisons.map(({ comparator, value }) => sql`${field.expression} collate "C" ${sql.raw(comparator)} ${value.text}::text`)
    compiled = sql`${sql.join(parts, sql` and `)}`
  } else if (condition.kind === 'compare' && condition.comparisons.some((c) => dateValue(c, options.now) !== undefined)) {
    compiled = dateRange(term.field, field.expression, attributeTarget(path), condition.comparisons, options.now)
  } else if (condition.kind === 'compare' && condition.comparisons.every(({ value }) => isDecimal(value.text)) && attributeTarget(path)) {
    compiled = numberRange(attributeTarget(path) as AttributeTarget, condition.comparisons)
  } else compiled = compileCondition(field, condition)
  const twoValued = sql<SqlBool>`coalesce(${compiled}, false)`
  if (path[0] !== 'legalEntity' || options.mode === 'b2b') return twoValued
  // Not looked up at all for a customer who names no legal entity (most, in a B2C directory). The tenant's
  // legal entities that satisfy the term are found once per statement; up to LEGAL_ENTITY_SET of them,
  // a customer's ids are compared with that list, and beyond, each is looked up by key. (Looked up as a
  // join, the planner scanned or hashed the legal entity table again for every customer: 8 µs each.)
  const matching = () => sql`array(select le.id from directory_legal_entity le where le.tenant = ${options.tenant} and ${twoValued})`
  return sql<SqlBool>`(c.legal_entity_ids is not null and case when cardinality(${matching()}) <= ${options.legalEntitySet ?? LEGAL_ENTITY_SET}
    then c.legal_entity_ids && ${matching()}
    else exists (select 1 from unnest(c.legal_entity_ids) as lid(id)
      where (select ${twoValued} from directory_legal_entity le where le.tenant = c.tenant and le.id = lid.id)) end)`
}

/** How many matching legal entities a customer's ids are compared with directly (rather than by key). */
const LEGAL_ENTITY_SET = 256

function tagCondition(term: QueryTerm): RawBuilder<SqlBool> {
  const condition = term.condition
  switch (condition.kind) {
    case 'equals':
      return sql`c.tags @> ${[condition.value.text]}::text[]`
    case 'in':
      return sql`c.tags && ${condition.values.map((v) => v.text)}::text[]`
    case 'exists':
      return sql`cardinality(c.tags) > 0`
    case 'null':
    case 'missing':
      return sql`coalesce(cardinality(c.tags), 0) = 0`
    case 'regex':
      checkRegex('tags', condition.pattern, condition.position)
      return sql`exists (select 1 from unnest(c.tags) as tag where tag ~ ${condition.pattern})`
    case 'compare':
      throw error(`Comparison is not supported for 'tags' at position ${condition.position}; write tags:x or tags:(x,y)`, condition.position)
  }
}

const RELATIVE = /^now(?:([+-])(\d{1,6})([smhdw]))?$/
const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** The instant a comparison's value names (`now-30d`, an ISO date), or undefined when it names none. */
function dateValue({ value }: QueryComparison, now: Date): Date | undefined {
  const relative = RELATIVE.exec(value.text)
  if (relative) {
    const [, sign, amount, unit] = relative
    const offset = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * Number(amount) * UNIT_MS[unit]
    const instant = new Date(now.getTime() + offset)
    const year = instant.getUTCFullYear()
    if (year < 1 || year > 9999) throw error(`Date '${value.text}' at position ${value.position} is outside the years 1 to 9999`, value.position)
    return instant
  }
  if (/^now[+-]/.test(value.text)) {
    throw error(`Invalid relative date '${value.text}' at position ${value.position}; write now-30d or now+1h (units s, m, h, d, w, at most 6 digits)`, value.position)
  }
  if (isDecimal(value.text)) return undefined
  const timestamp = normalizeTimestamp(value.text)
  return timestamp === undefined ? undefined : new Date(timestamp)
}

/**
 * An attribute as a SQL/JSON path (`strict $."address"."country"`), for terms that a path expression
 * evaluates in one pass over the document where the jsonb operators would extract the value once per test
 * (a range over 1M customers: 0.4 s against 0.9 s). Strict mode steps only into objects, as
 * jsonb_extract_path does over attributes, which hold no arrays; a missing key or another type makes the
 * test unknown, so the term is false. Undefined for a path with keys attributes cannot have.
 */
interface AttributeTarget {
  column: RawBuilder<unknown>
  path: string
}

function attributeTarget(path: readonly string[]): AttributeTarget | undefined {
  const keys = path[0] === 'attributes' ? path.slice(1) : path.slice(2)
  if (keys.length === 0 || !keys.every((key) => ATTRIBUTE_KEY.test(key))) return undefined
  return { column: sql.ref(path[0] === 'attributes' ? 'c.attributes' : 'le.attributes'), path: `strict $${keys.map((key) => `."${key}"`).join('')}` }
}

/** A JSON number with the value of a q decimal (which may have leading zeros, which JSON does not). */
const jsonNumber = (text: string) => text.replace(/^(-?)0+(?=\d)/, '$1')

/** `>`/`<` with numbers: only a JSON number compares, numerically, as in q (query/q-compiler.ts). */
function numberRange(target: AttributeTarget, comparisons: readonly QueryComparison[]): RawBuilder<SqlBool> {
  const tests = comparisons.map(({ comparator }, i) => `@ ${comparator} $v${i}`).join(' && ')
  const vars = `{${comparisons.map(({ value }, i) => `"v${i}": ${jsonNumber(value.text)}`).join(', ')}}`
  return sql<SqlBool>`jsonb_path_exists(${target.column}, ${`${target.path} ? (${tests})`}::jsonpath, ${vars}::jsonb, true)`
}

interface DateBound {
  instant: number
  inclusive: boolean
}

/**
 * A range over a date-time attribute: only strings of the RFC 3339 date-time shape take part, as instants.
 * The comparisons are one interval (the greatest lower and least upper bound), so a string is read as an
 * instant once, and only when a cheap test on the string alone lets it near the interval (dateCandidates).
 */
function dateRange(name: string, e: RawBuilder<unknown>, target: AttributeTarget | undefined, comparisons: readonly QueryComparison[], now: Date): RawBuilder<SqlBool> {
  let lower: DateBound | undefined
  let upper: DateBound | undefined
  for (const comparison of comparisons) {
    const date = dateValue(comparison, now)
    if (date === undefined) throw invalidDate(name, comparison.value)
    const bound = { instant: date.getTime(), inclusive: comparison.comparator.endsWith('=') }
    if (comparison.comparator.startsWith('>')) {
      if (lower === undefined || bound.instant > lower.instant || (bound.instant === lower.instant && !bound.inclusive)) lower = bound
    } else if (upper === undefined || bound.instant < upper.instant || (bound.instant === upper.instant && !bound.inclusive)) upper = bound
  }
  if (lower && upper && (lower.instant > upper.instant || (lower.instant === upper.instant && !(lower.inclusive && upper.inclusive)))) return sql<SqlBool>`false`
  const instant = sql`(case when jsonb_typeof(${e}) = 'string' and (${e} #>> '{}') ~ ${DATE_TIME_SHAPE} then (${e} #>> '{}')::timestamptz end)`
  const at = (bound: DateBound) => sql`${new Date(bound.instant).toISOString()}::timestamptz`
  let exact: RawBuilder<SqlBool>
  if (lower && upper) {
    const bounds = `${lower.inclusive ? '[' : '('}${upper.inclusive ? ']' : ')'}`
    exact = sql<SqlBool>`tstzrange(${at(lower)}, ${at(upper)}, ${bounds}::text) @> ${instant}`
  } else if (lower) exact = sql<SqlBool>`${instant} ${sql.raw(lower.inclusive ? '>=' : '>')} ${at(lower)}`
  else exact = sql<SqlBool>`${instant} ${sql.raw((upper as DateBound).inclusive ? '<=' : '<')} ${at(upper as DateBound)}`
  const candidates = target === undefined ? undefined : dateCandidates(target, lower, upper)
  return candidates === undefined ? exact : sql<SqlBool>`(${candidates} and ${exact})`
}

/** Offsets PostgreSQL reads are under 16 hours: a date-time's local time is within this of its instant. */
const OFFSET_BOUND_MS = 48 * 3_600_000

/**
 * A necessary condition for a date interval, on the string alone: the local date and time an RFC 3339
 * string starts with is within OFFSET_BOUND_MS of its instant, and such strings order as their local times.
 */
function dateCandidates(target: AttributeTarget, lower: DateBound | undefined, upper: DateBound | undefined): RawBuilder<SqlBool> | undefined {
  const tests: string[] = []
  const vars: Record<string, string> = {}
  const local = (name: string, comparator: string, ms: number) => {
    const bound = new Date(ms)
    if (bound.getUTCFullYear() < 1 || bound.getUTCFullYear() > 9999) return
    vars[name] = bound.toISOString().slice(0, 19)
    tests.push(`@ ${comparator} $${name}`)
  }
  // At or after (instant - bound) floored to the second; before the second after (instant + bound).
  if (lower) local('from', '>=', Math.floor((lower.instant - OFFSET_BOUND_MS) / 1000) * 1000)
  if (upper) local('to', '<', Math.floor((upper.instant + OFFSET_BOUND_MS) / 1000) * 1000 + 1000)
  if (tests.length === 0) return undefined
  return sql<SqlBool>`coalesce(jsonb_path_exists(${target.column}, ${`${target.path} ? (${tests.join(' && ')})`}::jsonpath, ${JSON.stringify(vars)}::jsonb, true), false)`
}

function invalidDate(name: string, value: QueryValue): QueryError {
  return error(`Invalid value '${value.text}' for '${name}' at position ${value.position}; a range with a date takes dates at both ends`, value.position)
}

class RuleParser {
  private pos = 0
  private terms = 0
  private values = 0

  constructor(private readonly src: string) {}

  parse(): RuleNode {
    if (this.src.length > RULE_LIMITS.length) {
      throw error(`query is too long (${this.src.length} characters, at most ${RULE_LIMITS.length})`, RULE_LIMITS.length)
    }
    const nul = this.src.indexOf('\u0000')
    if (nul >= 0) throw error(`Invalid character U+0000 at position ${nul}`, nul)
    this.skipWhitespace()
    if (this.atEnd()) throw error('query is empty: write at least one term, e.g. tags:wholesale', 0)
    const node = this.parseOr(0)
    if (!this.atEnd()) throw this.unexpected(this.peek() === ')' ? 'no \'(\' to close' : undefined)
    return node
  }

  private parseOr(depth: number): RuleNode {
    const items = [this.parseAnd(depth)]
    while (this.keyword('OR')) items.push(this.parseAnd(depth))
    return items.length === 1 ? items[0] : { kind: 'or', items }
  }

  private parseAnd(depth: number): RuleNode {
    const items = [this.parseUnary(depth)]
    for (;;) {
      this.skipWhitespace()
      if (this.atEnd() || this.peek() === ')' || this.isKeyword('OR')) break
      this.keyword('AND')
      items.push(this.parseUnary(depth))
    }
    return items.length === 1 ? items[0] : { kind: 'and', items }
  }

  private parseUnary(depth: number): RuleNode {
    this.skipWhitespace()
    const position = this.pos
    if (this.atEnd()) throw error(`Missing term at the end of query (position ${this.pos})`, this.pos)
    if (this.isKeyword('NOT') || this.peek() === '(') {
      if (depth === RULE_LIMITS.depth) throw error(`query nests NOT and parentheses deeper than ${RULE_LIMITS.depth} levels at position ${position}`, position)
      if (this.keyword('NOT')) return { kind: 'not', item: this.parseUnary(depth + 1) }
      this.pos++
      const inner = this.parseOr(depth + 1)
      this.skipWhitespace()
      if (this.peek() !== ')') throw error(`Missing ')' for '(' at position ${position}`, position)
      this.pos++
      return inner
    }
    if (this.isKeyword('AND') || this.isKeyword('OR')) throw this.unexpected('expected a term')
    if (this.peek() === ')') throw this.unexpected('expected a term')
    const { term, end } = parseTermAt(this.src, this.pos, 'query')
    this.pos = end
    const next = this.peek()
    if (next !== undefined && next !== ')' && !/\s/.test(next)) throw this.unexpected()
    this.terms++
    if (this.terms > RULE_LIMITS.terms) throw error(`query has more than ${RULE_LIMITS.terms} terms`, term.position)
    if (term.condition.kind === 'in') this.values += term.condition.values.length
    if (this.values > RULE_LIMITS.values) throw error(`query lists more than ${RULE_LIMITS.values} values`, term.condition.position)
    return { kind: 'term', term }
  }

  /** Whether `word` (any case) stands at the current position as a word of its own. */
  private isKeyword(word: string): boolean {
    const end = this.pos + word.length
    if (this.src.slice(this.pos, end).toUpperCase() !== word) return false
    const next = this.src[end]
    return next === undefined || next === '(' || /\s/.test(next)
  }

  /** Consumes `word` when it stands here (after whitespace). */
  private keyword(word: string): boolean {
    this.skipWhitespace()
    if (!this.isKeyword(word)) return false
    this.pos += word.length
    return true
  }

  private skipWhitespace(): void {
    while (/\s/.test(this.src[this.pos] ?? '')) this.pos++
  }

  private peek(): string | undefined {
    return this.src[this.pos]
  }

  private atEnd(): boolean {
    return this.pos >= this.src.length
  }

  private unexpected(expected?: string): QueryError {
    const what = this.atEnd() ? 'end of query' : `'${this.peek()}'`
    return error(`Unexpected ${what} at position ${this.pos}${expected === undefined ? '' : `, ${expected}`}`, this.pos)
  }
}

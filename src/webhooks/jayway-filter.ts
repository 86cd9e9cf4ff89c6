/**
 * Jayway JsonPath filters, the dialect the Emporix platform evaluates webhook filters in, translated to
 * RFC 9535 queries over the function extensions of `jayway-functions.ts`; the translation then runs
 * under the limits and the budget of every filter (`event-filter.ts`).
 *
 * Filters are evaluated on `[payload]`. Jayway's `$` is the payload: `$[0]` in the translation. A filter
 * at the root (`$[?(…)]`, `$.[?(…)]`, `[?(…)]`) tests the payload itself, as Jayway tests an object,
 * which is `$[?(…)]` on `[payload]`. A filter after names and indexes (`$.customer[?(…)]`) tests an object
 * itself and each element of an array, as in Jayway; after `..` (`$..[?(…)]`) it tests every node below
 * the root. Inside a condition, a path may have names, indexes, wildcards, slices and `..`, but no filter;
 * a path that can select several values is the list of them, as in Jayway. Whatever has no faithful
 * translation is refused with a message naming it.
 */
import { compilePattern } from './filter-regex.js'
import { FilterError } from './filter-error.js'

/**
 * Why a filter cannot be read as Jayway. `jayway` is true once the text used syntax only Jayway has (an
 * operator such as `in`, a `/pattern/`, a list, a path function), so that this is the error to report
 * rather than the RFC 9535 parser's.
 */
export class JaywayFilterError extends FilterError {
  constructor(
    message: string,
    readonly jayway: boolean,
  ) {
    super(message)
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

type Segment =
  | { kind: 'name'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'indexes'; indexes: number[] }
  | { kind: 'slice'; text: string }
  | { kind: 'descendant'; of: Segment }
  | { kind: 'filter'; condition: Condition }

interface Path {
  root: '$' | '@'
  segments: Segment[]
  /** A path function at its end (`length`, `min`, …). */
  fn?: string
}

type Operand =
  | { kind: 'path'; path: Path; text: string; negated: boolean }
  | { kind: 'literal'; value: null | boolean | number | string }
  | { kind: 'json'; value: Json }
  | { kind: 'pattern'; source: string; flags: string }

type Condition =
  | { kind: 'or' | 'and'; operands: Condition[] }
  | { kind: 'not'; operand: Condition }
  | { kind: 'exists'; operand: Operand }
  | { kind: 'relation'; left: Operand; operator: string; right: Operand }

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=', '===', '!==', '=~'])
const WORD_OPERATORS = new Set(['in', 'nin', 'subsetof', 'anyof', 'noneof', 'all', 'contains', 'size', 'empty'])
const UNSUPPORTED_OPERATORS: Record<string, string> = {
  exists: "'exists' is not supported: write @.a to test that a field exists and !@.a that it does not",
  type: "'type' is not supported: compare the value itself, or use RFC 9535 syntax",
  matches: "'matches' is not supported: write the condition itself, joined with && or ||",
}
/** Jayway path functions and the extension each becomes. */
const FUNCTIONS: Record<string, string> = {
  length: 'jayway_length',
  size: 'jayway_length',
  min: 'jayway_min',
  max: 'jayway_max',
  avg: 'jayway_avg',
  sum: 'jayway_sum',
  stddev: 'jayway_stddev',
  first: 'jayway_first',
  last: 'jayway_last',
}
const SUPPORTED_FUNCTIONS = Object.keys(FUNCTIONS)
  .map((name) => `${name}()`)
  .join(', ')
/** Characters that end a path inside a condition. */
const PATH_END = /[\s<>=!~&|,)\]]/
/** Characters that end a name in dot notation. */
const NAME_END = /[\s.[\]()<>=!~&|,'"]/
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y
const INDEXES = /^\s*-?\d+\s*(?:,\s*-?\d+\s*)*$/
const SLICE = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/

class Parser {
  pos = 0
  /** The text has used syntax only Jayway has. */
  jayway = false

  constructor(readonly text: string) {}

  fail(message: string): never {
    throw new JaywayFilterError(`${message} (at character ${this.pos + 1})`, this.jayway)
  }

  unsupported(message: string): never {
    throw new JaywayFilterError(message, true)
  }

  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? ''
  }

  get done(): boolean {
    return this.pos >= this.text.length
  }

  skip(count: number): this {
    this.pos += count
    return this
  }

  blanks(): this {
    while (/\s/.test(this.peek())) this.pos++
    return this
  }

  expect(ch: string, what: string): void {
    if (this.blanks().peek() !== ch) this.fail(`expected ${what}`)
    this.pos++
  }

  /** The whole filter: `$` and its segments, or segments alone (Jayway reads `[?(…)]` as `$.[?(…)]`). */
  filter(): Segment[] {
    this.blanks()
    if (this.peek() === '$') this.pos++
    else if (this.peek() !== '[') this.fail("a filter starts with '$'")
    const { segments, fn } = this.segments(false)
    if (fn !== undefined) this.unsupported(`a function at the end of the filter ('.${fn}()') is not supported; compare its value inside a filter, e.g. $[?(@.tags.length() > 1)]`)
    if (!this.blanks().done) this.fail(`unexpected '${this.peek()}'`)
    return segments
  }

  segments(inCondition: boolean): { segments: Segment[]; fn?: string } {
    const segments: Segment[] = []
    while (!this.done) {
      const ch = this.peek()
      if (ch === '.' && this.peek(1) === '.') {
        this.pos += 2
        const of = this.peek() === '[' ? this.bracket(inCondition) : this.peek() === '*' ? (this.pos++, { kind: 'wildcard' as const }) : this.dotName()
        segments.push({ kind: 'descendant', of })
      } else if (ch === '.') {
        this.pos++
        if (this.peek() === '[') {
          this.jayway = true
          continue
        }
        if (this.peek() === '*') {
          this.pos++
          segments.push({ kind: 'wildcard' })
          continue
        }
        const name = this.dotName()
        if (this.peek() !== '(') {
          segments.push(name)
          continue
        }
        return { segments, fn: this.pathFunction(name.name, inCondition) }
      } else if (ch === '[') {
        segments.push(this.bracket(inCondition))
      } else if (inCondition && PATH_END.test(ch)) {
        break
      } else {
        this.fail(`unexpected '${ch}' in a path`)
      }
    }
    return { segments }
  }

  dotName(): { kind: 'name'; name: string } {
    const start = this.pos
    while (!this.done && !NAME_END.test(this.peek())) this.pos++
    if (this.pos === start) this.fail('expected a name after "."')
    return { kind: 'name', name: this.text.slice(start, this.pos) }
  }

  /** `.name()` at the end of a path; the cursor is at `(`. */
  pathFunction(name: string, inCondition: boolean): string {
    this.jayway = true
    this.pos++
    if (this.blanks().peek() !== ')') this.unsupported(`arguments to path functions ('${name}(…)') are not supported; the functions supported are ${SUPPORTED_FUNCTIONS}`)
    this.pos++
    if (!Object.hasOwn(FUNCTIONS, name)) this.unsupported(`the path function '${name}()' is not supported; the functions supported are ${SUPPORTED_FUNCTIONS}`)
    if (inCondition && !this.done && !PATH_END.test(this.peek())) this.fail(`a path function ends its path ('.${name}()')`)
    return name
  }

  bracket(inCondition: boolean): Segment {
    this.pos++
    this.blanks()
    const ch = this.peek()
    if (ch === '?') {
      this.pos++
      if (this.blanks().peek() !== '(') this.fail('a filter is written [?(…)]')
      if (inCondition) this.unsupported('a filter inside a path of a condition (@.a[?(…)]) is not supported in Jayway syntax; test the fields directly, or write the whole filter in RFC 9535 syntax')
      const condition = this.or()
      this.expect(']', "']' after the filter")
      return { kind: 'filter', condition }
    }
    if (ch === '*') {
      this.pos++
      this.expect(']', "']' after '*'")
      return { kind: 'wildcard' }
    }
    if (ch === "'" || ch === '"') {
      const names = [this.string()]
      while (this.blanks().peek() === ',') {
        this.pos++
        this.blanks()
        names.push(this.string())
      }
      this.expect(']', "']' after the name")
      if (names.length > 1) this.unsupported(`a list of names ([${names.map((name) => `'${name}'`).join(', ')}]) is not supported; test each name on its own`)
      return { kind: 'name', name: names[0] }
    }
    const end = this.text.indexOf(']', this.pos)
    const inside = end === -1 ? '' : this.text.slice(this.pos, end)
    if (INDEXES.test(inside)) {
      this.pos = end + 1
      const indexes = inside.split(',').map((index) => Number(index))
      return indexes.length === 1 ? { kind: 'index', index: indexes[0] } : { kind: 'indexes', indexes }
    }
    const slice = SLICE.exec(inside)
    if (slice) {
      this.pos = end + 1
      const [, start = '', stop = '', step] = slice
      return { kind: 'slice', text: `${start}:${stop}${step === undefined ? '' : `:${step}`}` }
    }
    return this.fail('expected a name, an index, a slice, * or a filter in brackets')
  }

  string(): string {
    const quote = this.peek()
    if (quote !== "'" && quote !== '"') this.fail('expected a quoted string')
    this.pos++
    let out = ''
    for (;;) {
      if (this.done) this.fail('unclosed string')
      const ch = this.text[this.pos++]
      if (ch === quote) return out
      if (ch !== '\\') {
        out += ch
        continue
      }
      const escaped = this.text[this.pos++] ?? ''
      if (escaped === 'u') {
        const hex = this.text.slice(this.pos, this.pos + 4)
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('expected four hex digits after \\u')
        out += String.fromCharCode(Number.parseInt(hex, 16))
        this.pos += 4
      } else {
        out += { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' }[escaped] ?? escaped
      }
    }
  }

  or(): Condition {
    const operands = [this.and()]
    while (this.blanks().text.startsWith('||', this.pos)) {
      this.pos += 2
      operands.push(this.and())
    }
    return operands.length === 1 ? operands[0] : { kind: 'or', operands }
  }

  and(): Condition {
    const operands = [this.term()]
    while (this.blanks().text.startsWith('&&', this.pos)) {
      this.pos += 2
      operands.push(this.term())
    }
    return operands.length === 1 ? operands[0] : { kind: 'and', operands }
  }

  term(): Condition {
    this.blanks()
    if (this.peek() === '!') {
      const save = this.pos
      this.pos++
      const next = this.blanks().peek()
      if (next !== '$' && next !== '@') return { kind: 'not', operand: this.term() }
      this.pos = save
    }
    if (this.peek() === '(') {
      this.pos++
      const condition = this.or()
      this.expect(')', "')'")
      return condition
    }
    const left = this.operand()
    const operator = this.operator()
    if (operator === undefined) {
      if (left.kind !== 'path') this.fail('a value alone is not a condition; compare it with something')
      return { kind: 'exists', operand: left }
    }
    const right = this.operand()
    for (const side of [left, right]) {
      if (side.kind === 'path' && side.negated) this.fail(`'!${side.text}' tests that the path does not exist; it cannot be compared`)
    }
    return { kind: 'relation', left, operator, right }
  }

  operator(): string | undefined {
    this.blanks()
    const start = this.pos
    if (/[<>=~!]/.test(this.peek())) {
      while (/[<>=~!]/.test(this.peek())) this.pos++
      const operator = this.text.slice(start, this.pos)
      if (!COMPARISONS.has(operator)) this.fail(`unknown operator '${operator}'`)
      if (operator === '=~' || operator.length === 3) this.jayway = true
      return operator
    }
    if (!/[A-Za-z]/.test(this.peek())) return undefined
    while (/[A-Za-z]/.test(this.peek())) this.pos++
    const word = this.text.slice(start, this.pos).toLowerCase()
    if (Object.hasOwn(UNSUPPORTED_OPERATORS, word)) this.unsupported(UNSUPPORTED_OPERATORS[word])
    if (!WORD_OPERATORS.has(word)) {
      this.unsupported(`unknown operator '${this.text.slice(start, this.pos)}'; the operators are ${[...COMPARISONS, ...WORD_OPERATORS].join(', ')}`)
    }
    this.jayway = true
    return word
  }

  operand(): Operand {
    this.blanks()
    const ch = this.peek()
    if (ch === '$' || ch === '@' || ch === '!') {
      const negated = ch === '!'
      if (negated && !/[$@]/.test(this.skip(1).blanks().peek())) this.fail("expected a path after '!'")
      const start = this.pos
      const root = this.text[this.pos++] as '$' | '@'
      const { segments, fn } = this.segments(true)
      return { kind: 'path', path: { root, segments, fn }, text: this.text.slice(start, this.pos), negated }
    }
    if (ch === '/') return this.pattern()
    if (ch === '[' || ch === '{') {
      this.jayway = true
      return { kind: 'json', value: this.json() }
    }
    return { kind: 'literal', value: this.scalar() }
  }

  pattern(): Operand {
    this.jayway = true
    let end = this.pos + 1
    while (end < this.text.length && this.text[end] !== '/') end += this.text[end] === '\\' ? 2 : 1
    if (end >= this.text.length) this.fail("unclosed /pattern/: expected '/'")
    const source = this.text.slice(this.pos + 1, end)
    this.pos = end + 1
    const start = this.pos
    while (/[A-Za-z]/.test(this.peek())) this.pos++
    return { kind: 'pattern', source, flags: this.text.slice(start, this.pos) }
  }

  scalar(): null | boolean | number | string {
    const ch = this.peek()
    if (ch === "'" || ch === '"') return this.string()
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.pos) && !/[\w$]/.test(this.peek(word.length))) {
        this.pos += word.length
        return value
      }
    }
    NUMBER.lastIndex = this.pos
    const number = NUMBER.exec(this.text)
    if (!number) return this.fail(this.done ? 'expected a value' : `unexpected '${ch}'`)
    this.pos += number[0].length
    return Number(number[0])
  }

  /** A JSON literal as Jayway reads one: quotes may be single, object keys may be bare. */
  json(): Json {
    const ch = this.blanks().peek()
    if (ch === '[') {
      this.pos++
      const items: Json[] = []
      if (this.blanks().peek() === ']') {
        this.pos++
        return items
      }
      for (;;) {
        items.push(this.json())
        if (this.blanks().peek() === ']') {
          this.pos++
          return items
        }
        this.expect(',', "',' or ']' in the list")
      }
    }
    if (ch === '{') {
      this.pos++
      const object: Record<string, Json> = {}
      if (this.blanks().peek() === '}') {
        this.pos++
        return object
      }
      for (;;) {
        const bare = /^[A-Za-z_$][\w$]*/.exec(this.blanks().text.slice(this.pos, this.pos + 256))
        const key = bare ? bare[0] : this.string()
        if (bare) this.pos += key.length
        this.expect(':', "':' after the key")
        object[key] = this.json()
        if (this.blanks().peek() === '}') {
          this.pos++
          return object
        }
        this.expect(',', "',' or '}' in the object")
      }
    }
    return this.scalar()
  }
}

const rfcString = (value: string) => JSON.stringify(value)

function segmentText(segment: Segment): string {
  switch (segment.kind) {
    case 'name':
      return `[${rfcString(segment.name)}]`
    case 'index':
      return `[${segment.index}]`
    case 'wildcard':
      return '[*]'
    case 'indexes':
      return `[${segment.indexes.join(',')}]`
    case 'slice':
      return `[${segment.text}]`
    case 'descendant':
      return `..${segmentText(segment.of)}`
    case 'filter':
      throw new Error('a filter segment has no text of its own')
  }
}

/** A path of names and indexes only: it selects at most one value. */
function definite(segments: Segment[]): boolean {
  return segments.every((segment) => segment.kind === 'name' || segment.kind === 'index')
}

/** The RFC 9535 query for a path; `@` is `base`, `$` (the payload) is `$[0]`, and `$..` stays `$..`. */
function queryText(path: Path, base: string): string {
  const [first] = path.segments
  const root = path.root === '@' ? base : first?.kind === 'descendant' ? '$' : '$[0]'
  return root + path.segments.map(segmentText).join('')
}

/** The operand as a value (RFC 9535 ValueType): a literal, a singular query, or a function's result. */
function valueText(operand: Operand, base: string): string {
  switch (operand.kind) {
    case 'literal':
      return typeof operand.value === 'string' ? rfcString(operand.value) : String(operand.value)
    case 'json':
      return `jayway_json(${rfcString(JSON.stringify(operand.value))})`
    case 'pattern':
      throw new JaywayFilterError(`a /pattern/ is matched only with =~ (as in @.id =~ /${operand.source}/${operand.flags})`, true)
    case 'path': {
      const query = queryText(operand.path, base)
      const value = definite(operand.path.segments) ? query : `jayway_values(${query})`
      return operand.path.fn === undefined ? value : `${FUNCTIONS[operand.path.fn]}(${value})`
    }
  }
}

function regexText(left: Operand, right: Operand, base: string): string {
  const [pattern, value] = right.kind === 'pattern' ? [right, left] : [left, right]
  if (pattern.kind !== 'pattern' || value.kind === 'pattern') {
    throw new JaywayFilterError('=~ matches a value against a /pattern/ (as in @.id =~ /abc.*/i): one side must be a /pattern/', true)
  }
  try {
    compilePattern(pattern.source, true, { kind: 'java', flags: pattern.flags })
  } catch (error) {
    if (error instanceof FilterError) throw new JaywayFilterError(error.message, true)
    throw error
  }
  return `jayway_regex(${valueText(value, base)}, ${rfcString(pattern.source)}, ${rfcString(pattern.flags)})`
}

function relationText({ left, operator, right }: Extract<Condition, { kind: 'relation' }>, base: string): string {
  if (operator === '=~') return regexText(left, right, base)
  const l = valueText(left, base)
  switch (operator) {
    case '===':
      return `${l} == ${valueText(right, base)}`
    case '!==':
      return `${l} != ${valueText(right, base)}`
    case 'nin':
      return `!jayway_in(${l}, ${valueText(right, base)})`
    case 'size':
      if (right.kind !== 'path' && !(right.kind === 'literal' && typeof right.value === 'number')) {
        throw new JaywayFilterError("'size' takes a number, as in @.tags size 2", true)
      }
      return `jayway_size(${l}, ${valueText(right, base)})`
    case 'empty':
      if (right.kind !== 'literal' || typeof right.value !== 'boolean') throw new JaywayFilterError("'empty' takes true or false, as in @.tags empty false", true)
      return `jayway_empty(${l}, ${right.value})`
  }
  return COMPARISONS.has(operator) ? `${l} ${operator} ${valueText(right, base)}` : `jayway_${operator}(${l}, ${valueText(right, base)})`
}

function existsText(operand: Operand, base: string): string {
  if (operand.kind !== 'path') throw new Error('only a path is tested for existence')
  const { path, text, negated } = operand
  if (path.fn !== undefined) throw new JaywayFilterError(`'${text}' is a value, not a condition; compare it, as in ${text} > 0`, true)
  if (!definite(path.segments)) {
    throw new JaywayFilterError(`testing whether '${text}' exists is not supported (it can select several values); test a single field, or use 'size' or 'empty'`, true)
  }
  return `${negated ? '!' : ''}${queryText(path, base)}`
}

/** The condition in RFC 9535 syntax, with `@` standing for `base`. */
function conditionText(condition: Condition, base: string): string {
  switch (condition.kind) {
    case 'or':
    case 'and':
      return condition.operands.map((operand) => `(${conditionText(operand, base)})`).join(condition.kind === 'or' ? ' || ' : ' && ')
    case 'not':
      return `!(${conditionText(condition.operand, base)})`
    case 'exists':
      return existsText(condition.operand, base)
    case 'relation':
      return relationText(condition, base)
  }
}

/**
 * The Jayway filter as an RFC 9535 query over `[payload]` that selects something exactly when Jayway's
 * reading of the filter selects something from the payload. Throws a JaywayFilterError saying why not.
 */
export function translateJaywayFilter(text: string): string {
  const parser = new Parser(text)
  const segments = parser.filter()
  const at = segments.findIndex((segment) => segment.kind === 'filter' || (segment.kind === 'descendant' && segment.of.kind === 'filter'))
  if (at === -1) return queryText({ root: '$', segments }, '@')
  const before = segments.slice(0, at)
  const segment = segments[at]
  if (at < segments.length - 1) {
    throw new JaywayFilterError('a filter must end the path in Jayway syntax ($[?(…)] or $.a[?(…)]); test the fields after it inside the filter', true)
  }
  if (segment.kind === 'descendant') {
    if (before.length > 0 || segment.of.kind !== 'filter') throw new JaywayFilterError("'..' before a filter is supported only at the root: $..[?(…)]", true)
    return `$..[?${conditionText(segment.of.condition, '@')}]`
  }
  if (segment.kind !== 'filter') throw new Error('the segment found is a filter')
  if (before.length === 0) return `$[?${conditionText(segment.condition, '@')}]`
  if (!definite(before)) {
    throw new JaywayFilterError('in Jayway syntax a filter stands at the root ($[?(…)], $..[?(…)]) or follows names and indexes ($.a.b[?(…)]), not a wildcard, a slice or ..', true)
  }
  // Jayway tests an object itself and each element of an array; RFC 9535 filters test children only.
  const node = `@${before.map(segmentText).join('')}`
  return `$[?(jayway_is_object(${node}) && (${conditionText(segment.condition, node)})) || (jayway_is_array(${node}) && ${node}[?${conditionText(segment.condition, '@')}])]`
}

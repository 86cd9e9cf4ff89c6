/**
 * Webhook filters: RFC 9535 JSONPath queries, evaluated against `[payload]` (a filter selects children,
 * so the payload is wrapped to be the one child it can select); an event matches when the nodelist is
 * not empty. Filters written in Jayway JsonPath, as on the Emporix platform, are translated to such
 * queries (`jayway-filter.ts`): a filter RFC 9535 cannot parse, and one whose paths from `$` start with a
 * member name (which could select nothing from `[payload]`, and which Jayway reads from the payload). The
 * tenant's text is what is stored; the translation is made when the filter is compiled.
 *
 * A filter is one tenant's code running in the dispatcher, beside every other tenant's events, so its
 * cost is bounded by construction, translated or not:
 * - regular expressions (`match()`, `search()`, Jayway's `=~`) run on RE2 (re2js), in time linear in
 *   their input, with limits on the pattern's length and, for a literal pattern, checked when the filter
 *   is written;
 * - the query's shape is limited when it is written, so that its evaluation visits each node of the
 *   payload a bounded number of times: at most one descendant segment (`..`), never inside a filter
 *   expression, no root query (`$`) inside a filter under a descendant segment, filters nested at most
 *   three deep, and a bounded length;
 * - each evaluation has a budget of work (values read from the payload), enforced as it runs: a filter
 *   that would read more stops there.
 * A filter that breaks these rules (one stored before they existed), fails or runs out of budget while
 * evaluated counts as not matching, and the caller records why. The work done is reported, so that the
 * dispatcher can bound what one tenant's filters take of a batch.
 */
import { FunctionExpressionType, JSONPathEnvironment, JSONPathError, type JSONPathQuery, jsonpath } from 'json-p3'
import { FilterError } from './filter-error.js'
import { compilePattern, I_REGEXP, PATTERN_LENGTH } from './filter-regex.js'
import { jaywayFunctions } from './jayway-functions.js'
import { JaywayFilterError, translateJaywayFilter } from './jayway-filter.js'

export { FilterError }

export const FILTER_LIMITS = {
  /** Values one evaluation may read from the payload (each property or item read counts one). */
  budget: 50_000,
  /** Characters of a filter. */
  length: 2_000,
  /** Characters of a regular expression, literal or read from the payload. */
  patternLength: PATTERN_LENGTH,
  /** Filter selectors nested in one another. */
  nesting: 3,
  /** Function calls in a filter. */
  functions: 20,
} as const

/** `match()` (whole string) and `search()` (any substring), on RE2. */
class LinearRegexFunction {
  readonly argTypes = [FunctionExpressionType.ValueType, FunctionExpressionType.ValueType]
  readonly returnType = FunctionExpressionType.LogicalType
  constructor(readonly whole: boolean) {}

  call(value: unknown, pattern: unknown): boolean {
    if (typeof value !== 'string' || typeof pattern !== 'string') return false
    return compilePattern(pattern, this.whole).matcher(value).find()
  }
}

const environment = new JSONPathEnvironment()
environment.functionRegister.set('match', new LinearRegexFunction(true))
environment.functionRegister.set('search', new LinearRegexFunction(false))
for (const [name, fn] of Object.entries(jaywayFunctions)) environment.functionRegister.set(name, fn)

/** A literal of a translated Jayway filter: no work at run time, so not counted as a call. */
const LITERAL_FUNCTION = 'jayway_json'

type Expression = InstanceType<typeof jsonpath.expressions.FilterExpression>

interface Shape {
  descendants: number
  functions: number
}

/** Checks the shape rules of the header on a query, recursively; `filterDepth` filters enclose it. */
function checkShape(query: JSONPathQuery, shape: Shape, filterDepth: number, underDescendant: boolean): void {
  let belowDescendant = underDescendant
  for (const segment of query.segments) {
    if (segment.toString().startsWith('..')) {
      if (filterDepth > 0) throw new FilterError('a descendant segment (..) is not allowed inside a filter expression')
      shape.descendants += 1
      if (shape.descendants > 1) throw new FilterError('a filter may have at most one descendant segment (..)')
      belowDescendant = true
    }
    for (const selector of segment.selectors) {
      if (selector instanceof jsonpath.selectors.FilterSelector) {
        if (filterDepth + 1 > FILTER_LIMITS.nesting) throw new FilterError(`filters may be nested at most ${FILTER_LIMITS.nesting} deep`)
        checkExpression(selector.expression, shape, filterDepth + 1, belowDescendant)
      }
    }
  }
}

function checkExpression(expression: Expression, shape: Shape, filterDepth: number, underDescendant: boolean): void {
  const { expressions } = jsonpath
  if (expression instanceof expressions.LogicalExpression) return checkExpression(expression.expression, shape, filterDepth, underDescendant)
  if (expression instanceof expressions.PrefixExpression) return checkExpression(expression.right, shape, filterDepth, underDescendant)
  if (expression instanceof expressions.InfixExpression) {
    checkExpression(expression.left, shape, filterDepth, underDescendant)
    return checkExpression(expression.right, shape, filterDepth, underDescendant)
  }
  if (expression instanceof expressions.RootQuery && underDescendant) {
    throw new FilterError('a root query ($) inside a filter under a descendant segment (..) is not allowed')
  }
  if (expression instanceof expressions.RelativeQuery || expression instanceof expressions.RootQuery) {
    return checkShape(expression.path, shape, filterDepth, underDescendant)
  }
  if (expression instanceof expressions.FunctionExtension) {
    if (expression.name !== LITERAL_FUNCTION) shape.functions += 1
    if (shape.functions > FILTER_LIMITS.functions) throw new FilterError(`a filter may call at most ${FILTER_LIMITS.functions} functions`)
    const [, pattern, flags] = expression.args
    if ((expression.name === 'match' || expression.name === 'search') && pattern instanceof expressions.StringLiteral) {
      compilePattern(pattern.value, expression.name === 'match', I_REGEXP)
    }
    if (expression.name === 'jayway_regex' && pattern instanceof expressions.StringLiteral && flags instanceof expressions.StringLiteral) {
      compilePattern(pattern.value, true, { kind: 'java', flags: flags.value })
    }
    for (const arg of expression.args) checkExpression(arg, shape, filterDepth, underDescendant)
  }
}

/** Whether the query starts with a member name (`$.a`, `$['a']`): on `[payload]` it selects nothing. */
function startsWithName(query: JSONPathQuery): boolean {
  const [first] = query.segments
  return first !== undefined && !first.toString().startsWith('..') && first.selectors.every((selector) => selector instanceof jsonpath.selectors.NameSelector)
}

/** Whether a root query inside a filter of `query` starts with a member name. */
function namesRootMemberInside(query: JSONPathQuery): boolean {
  return query.segments.some((segment) =>
    segment.selectors.some((selector) => selector instanceof jsonpath.selectors.FilterSelector && expressionNamesRootMember(selector.expression)),
  )
}

function expressionNamesRootMember(expression: Expression): boolean {
  const { expressions } = jsonpath
  if (expression instanceof expressions.LogicalExpression) return expressionNamesRootMember(expression.expression)
  if (expression instanceof expressions.PrefixExpression) return expressionNamesRootMember(expression.right)
  if (expression instanceof expressions.InfixExpression) return expressionNamesRootMember(expression.left) || expressionNamesRootMember(expression.right)
  if (expression instanceof expressions.RootQuery) return startsWithName(expression.path) || namesRootMemberInside(expression.path)
  if (expression instanceof expressions.RelativeQuery) return namesRootMemberInside(expression.path)
  if (expression instanceof expressions.FunctionExtension) return expression.args.some(expressionNamesRootMember)
  return false
}

/**
 * The query a filter stands for: RFC 9535 as written, or the translation of Jayway syntax. A filter
 * that RFC 9535 reads but whose paths from `$` start with a member name is read as Jayway reads it: from
 * the payload. When the whole filter starts so, the RFC 9535 reading would never match, so only Jayway's
 * counts. When no reading works, the error reported is Jayway's if the filter used syntax only Jayway
 * has, else RFC 9535's.
 */
function parseFilter(filter: string): JSONPathQuery {
  let query: JSONPathQuery | undefined
  let rfcError: JSONPathError | undefined
  try {
    query = environment.compile(filter)
  } catch (error) {
    if (!(error instanceof JSONPathError)) throw error
    rfcError = error
  }
  const fromPayload = query !== undefined && startsWithName(query)
  if (query && !fromPayload && !namesRootMemberInside(query)) return query
  let translated: string
  try {
    translated = translateJaywayFilter(filter)
  } catch (error) {
    if (!(error instanceof FilterError)) throw error
    if (query && !fromPayload) return query
    if (fromPayload || (error instanceof JaywayFilterError && error.jayway)) throw error
    throw new FilterError((rfcError as JSONPathError).message)
  }
  return environment.compile(translated)
}

const FILTER_CACHE_SIZE = 2_000
const filterCache = new Map<string, JSONPathQuery | FilterError>()

/** The filter compiled and checked against the limits (cached); throws a FilterError saying what is wrong. */
export function compileFilter(filter: string): JSONPathQuery {
  const cached = filterCache.get(filter)
  if (cached instanceof FilterError) throw cached
  if (cached) return cached
  let result: JSONPathQuery | FilterError
  try {
    if (filter.length > FILTER_LIMITS.length) throw new FilterError(`a filter may have at most ${FILTER_LIMITS.length} characters`)
    const query = parseFilter(filter)
    checkShape(query, { descendants: 0, functions: 0 }, 0, false)
    result = query
  } catch (error) {
    if (error instanceof FilterError) result = error
    else if (error instanceof JSONPathError) result = new FilterError(error.message)
    else throw error
  }
  if (filterCache.size >= FILTER_CACHE_SIZE) filterCache.delete(filterCache.keys().next().value as string)
  filterCache.set(filter, result)
  if (result instanceof FilterError) throw result
  return result
}

/** Counts the values an evaluation reads and stops it, by throwing, once it has read its budget. */
class Meter {
  spent = 0
  constructor(readonly budget: number) {}

  spend(units: number): void {
    this.spent += units
    if (this.spent > this.budget) throw new FilterError(`the filter ran out of its budget (${this.budget} values read from the event)`)
  }
}

/** `value` seen through a proxy that charges every read to `meter` (each object proxied once). */
function metered(value: unknown, meter: Meter, proxies: WeakMap<object, object>): unknown {
  if (typeof value !== 'object' || value === null) return value
  const existing = proxies.get(value)
  if (existing) return existing
  const proxy = new Proxy(value, {
    get(target, key, receiver) {
      meter.spend(1)
      return metered(Reflect.get(target, key, receiver), meter, proxies)
    },
    ownKeys(target) {
      const keys = Reflect.ownKeys(target)
      meter.spend(keys.length)
      return keys
    },
  })
  proxies.set(value, proxy)
  return proxy
}

export type FilterResult = {
  matched: boolean
  /** Why the filter counts as not matching, when it failed. */
  error?: string
  /** Values it read from the payload. */
  cost: number
}

/**
 * Whether the filter (absent or blank: everything) selects the payload. A filter that fails, or reads
 * more than `budget` values, does not.
 */
export function filterMatches(filter: string | undefined, payload: unknown, budget: number = FILTER_LIMITS.budget): FilterResult {
  if (filter === undefined || filter.trim() === '') return { matched: true, cost: 0 }
  const meter = new Meter(budget)
  try {
    const matched = compileFilter(filter).query([metered(payload, meter, new WeakMap()) as never]).length > 0
    return { matched, cost: meter.spent }
  } catch (error) {
    if (error instanceof FilterError || error instanceof JSONPathError) return { matched: false, error: error.message, cost: meter.spent }
    throw error
  }
}

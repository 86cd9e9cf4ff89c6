/**
 * Webhook filters: RFC 9535 JSONPath queries, evaluated against `[payload]` (a filter selects children,
 * so the payload is wrapped to be the one child it can select); an event matches when the nodelist is
 * not empty. A filter is one tenant's code running in the dispatcher, beside every other tenant's
 * events, so its cost is bounded by construction:
 * - regular expressions (`match()`, `search()`) run on RE2 (re2js), in time linear in their input, with
 *   limits on the pattern's length and, for a literal pattern, checked when the filter is written;
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
import { RE2JS } from 're2js'

export const FILTER_LIMITS = {
  /** Values one evaluation may read from the payload (each property or item read counts one). */
  budget: 50_000,
  /** Characters of a filter. */
  length: 2_000,
  /** Characters of a regular expression, literal or read from the payload. */
  patternLength: 500,
  /** Filter selectors nested in one another. */
  nesting: 3,
  /** Function calls in a filter. */
  functions: 20,
} as const

/** A filter that cannot be stored or evaluated; the message says why, for a 400 or the delivery log. */
export class FilterError extends Error {
  override name = 'FilterError'
}

/**
 * RFC 9485 I-Regexp as RE2 syntax: the same but for `.`, which excludes only `\n` and `\r`. Escapes and
 * character classes are copied as they are.
 */
function toRe2Pattern(pattern: string): string {
  let out = ''
  let inClass = false
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]
    if (ch === '\\') {
      out += ch + (pattern[i + 1] ?? '')
      i++
    } else if (inClass) {
      if (ch === ']') inClass = false
      out += ch
    } else if (ch === '[') {
      inClass = true
      out += ch
    } else {
      out += ch === '.' ? '[^\\n\\r]' : ch
    }
  }
  return out
}

const REGEX_CACHE_SIZE = 500
const regexCache = new Map<string, RE2JS>()

/** The compiled pattern (cached); throws a FilterError for a pattern too long or not valid. */
function compilePattern(pattern: string, whole: boolean): RE2JS {
  const key = `${whole ? 'm' : 's'}${pattern}`
  const cached = regexCache.get(key)
  if (cached) return cached
  if (pattern.length > FILTER_LIMITS.patternLength) {
    throw new FilterError(`a regular expression may have at most ${FILTER_LIMITS.patternLength} characters`)
  }
  let compiled: RE2JS
  try {
    const re2 = toRe2Pattern(pattern)
    compiled = RE2JS.compile(whole ? `^(?:${re2})$` : re2)
  } catch (error) {
    throw new FilterError(`'${pattern}' is not a regular expression this service can run: ${(error as Error).message}`)
  }
  if (regexCache.size >= REGEX_CACHE_SIZE) regexCache.delete(regexCache.keys().next().value as string)
  regexCache.set(key, compiled)
  return compiled
}

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
    shape.functions += 1
    if (shape.functions > FILTER_LIMITS.functions) throw new FilterError(`a filter may call at most ${FILTER_LIMITS.functions} functions`)
    const [, pattern] = expression.args
    if ((expression.name === 'match' || expression.name === 'search') && pattern instanceof expressions.StringLiteral) {
      compilePattern(pattern.value, expression.name === 'match')
    }
    for (const arg of expression.args) checkExpression(arg, shape, filterDepth, underDescendant)
  }
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
    const query = environment.compile(filter)
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

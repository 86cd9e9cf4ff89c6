/**
 * The function extensions a Jayway JsonPath filter is translated to (see `jayway-filter.ts`): Jayway's
 * operators (`in`, `anyof`, `size`, `=~`, …) and path functions (`length()`, `min()`, …) with Jayway's
 * semantics, and two helpers: a JSON literal (`jayway_json`) and the list a path with wildcards selects
 * (`jayway_values`). Values are compared strictly by type and deeply (`1` is not `'1'`); a value that is
 * not what an operator needs (a list for `anyof`, say) makes it false, as in Jayway.
 *
 * Every value read from the payload is read through the evaluation's meter, and set operations go
 * through hashed keys, so an operator costs time linear in what it reads.
 */
import { FunctionExpressionType, type FilterFunction, type JSONPathNodeList, Nothing } from 'json-p3'
import { compilePattern } from './filter-regex.js'

const { ValueType, LogicalType, NodesType } = FunctionExpressionType

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A key equal for equal JSON values (objects whatever their key order), distinct otherwise. */
function keyOf(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(keyOf).join(',')}]`
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${keyOf(value[key])}`)
      .join(',')}}`
  }
  return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' || typeof value === 'boolean' || value === null ? String(value) : '?'
}

function keys(list: unknown[]): Set<string> {
  return new Set(list.map(keyOf))
}

/** `(left, right) → boolean`, false unless both are lists. */
function listRelation(relate: (left: unknown[], right: unknown[]) => boolean): FilterFunction {
  return {
    argTypes: [ValueType, ValueType],
    returnType: LogicalType,
    call: (left: unknown, right: unknown) => Array.isArray(left) && Array.isArray(right) && relate(left, right),
  }
}

/** Numbers of a list, as Jayway's aggregations take them (anything else in the list is skipped). */
function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number') : []
}

function aggregate(of: (values: number[]) => number): FilterFunction {
  return {
    argTypes: [ValueType],
    returnType: ValueType,
    call: (value: unknown) => {
      const values = numbers(value)
      return values.length === 0 ? Nothing : of(values)
    },
  }
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)

/** What `=~` matches a value as: Jayway reads numbers and booleans as their text, anything else as ''. */
function regexInput(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : ''
}

const JSON_CACHE_SIZE = 500
const jsonCache = new Map<string, Json>()

function parseJson(text: string): Json {
  let value = jsonCache.get(text)
  if (value === undefined) {
    value = JSON.parse(text) as Json
    if (jsonCache.size >= JSON_CACHE_SIZE) jsonCache.delete(jsonCache.keys().next().value as string)
    jsonCache.set(text, value)
  }
  return value
}

export const jaywayFunctions: Record<string, FilterFunction> = {
  /** A JSON literal of the filter (a list or an object), given as its JSON text. */
  jayway_json: { argTypes: [ValueType], returnType: ValueType, call: (text: unknown) => (typeof text === 'string' ? parseJson(text) : Nothing) },
  /** The values a path with wildcards, slices or `..` selects, as the list Jayway makes of them. */
  jayway_values: { argTypes: [NodesType], returnType: ValueType, call: (nodes: JSONPathNodeList) => nodes.nodes.map((node) => node.value) },
  jayway_is_object: { argTypes: [ValueType], returnType: LogicalType, call: (value: unknown) => isObject(value) },
  jayway_is_array: { argTypes: [ValueType], returnType: LogicalType, call: (value: unknown) => Array.isArray(value) },

  jayway_in: {
    argTypes: [ValueType, ValueType],
    returnType: LogicalType,
    call: (value: unknown, list: unknown) => value !== Nothing && Array.isArray(list) && keys(list).has(keyOf(value)),
  },
  jayway_subsetof: listRelation((left, right) => {
    const allowed = keys(right)
    return left.every((item) => allowed.has(keyOf(item)))
  }),
  jayway_anyof: listRelation((left, right) => {
    const wanted = keys(right)
    return left.some((item) => wanted.has(keyOf(item)))
  }),
  jayway_noneof: listRelation((left, right) => {
    const refused = keys(right)
    return !left.some((item) => refused.has(keyOf(item)))
  }),
  jayway_all: listRelation((left, right) => {
    const held = keys(left)
    return right.every((item) => held.has(keyOf(item)))
  }),
  jayway_contains: {
    argTypes: [ValueType, ValueType],
    returnType: LogicalType,
    call: (value: unknown, item: unknown) => {
      if (typeof value === 'string') return typeof item === 'string' && value.includes(item)
      return Array.isArray(value) && item !== Nothing && keys(value).has(keyOf(item))
    },
  },
  jayway_size: {
    argTypes: [ValueType, ValueType],
    returnType: LogicalType,
    call: (value: unknown, size: unknown) => (typeof value === 'string' || Array.isArray(value)) && value.length === size,
  },
  jayway_empty: {
    argTypes: [ValueType, ValueType],
    returnType: LogicalType,
    call: (value: unknown, expected: unknown) => {
      if (typeof value === 'string' || Array.isArray(value)) return (value.length === 0) === expected
      return isObject(value) && (Object.keys(value).length === 0) === expected
    },
  },
  /** `=~`: the whole text matches (Java's `matches()`); for a list, any of its items does. */
  jayway_regex: {
    argTypes: [ValueType, ValueType, ValueType],
    returnType: LogicalType,
    call: (value: unknown, pattern: unknown, flags: unknown) => {
      if (typeof pattern !== 'string' || typeof flags !== 'string') return false
      const compiled = compilePattern(pattern, true, { kind: 'java', flags })
      const inputs = Array.isArray(value) ? value : [value]
      return inputs.some((input) => compiled.matcher(regexInput(input)).find())
    },
  },

  jayway_length: {
    argTypes: [ValueType],
    returnType: ValueType,
    call: (value: unknown) => (Array.isArray(value) ? value.length : isObject(value) ? Object.keys(value).length : Nothing),
  },
  jayway_min: aggregate((values) => values.reduce((least, value) => Math.min(least, value))),
  jayway_max: aggregate((values) => values.reduce((most, value) => Math.max(most, value))),
  jayway_sum: aggregate(sum),
  jayway_avg: aggregate((values) => sum(values) / values.length),
  jayway_stddev: aggregate((values) => {
    const mean = sum(values) / values.length
    return Math.sqrt(sum(values.map((value) => value * value)) / values.length - mean * mean)
  }),
  jayway_first: { argTypes: [ValueType], returnType: ValueType, call: (value: unknown) => (Array.isArray(value) && value.length > 0 ? value[0] : Nothing) },
  jayway_last: { argTypes: [ValueType], returnType: ValueType, call: (value: unknown) => (Array.isArray(value) && value.length > 0 ? value[value.length - 1] : Nothing) },
}

/**
 * Compiles a parsed `q` into a Kysely boolean expression over a resource's field map.
 *
 * Every client value is checked against its field's type here, in JavaScript, and then bound as a
 * parameter; SQL text holds only field-map identifiers and fixed operators. So a bad value is a
 * QueryError (400) and never a database error, and no value can change the statement.
 *
 * Semantics that the conventions leave open:
 * - An empty q compiles to `true`, so callers can always write `.where(compileQ(q, fields))`.
 * - `f:null` and `f:missing` match SQL NULL, an absent json/localized key, and JSON null.
 *   `f:exists` is their exact complement: a present, non-null value.
 * - json fields (mixins): an unquoted value matches the JSON number, boolean or string it spells
 *   (`x:15` matches 15 and "15"); a quoted one only the string. Equality also matches an array that
 *   contains the value. `>`/`<` with a number compare only JSON numbers; otherwise they compare JSON
 *   strings bytewise (collation "C", which orders ISO dates correctly). jsonb_typeof guards come
 *   before any cast, so no stored document can make the query fail.
 * - Regex is PostgreSQL `~` (case-sensitive). Patterns JavaScript rejects, and patterns beyond the
 *   bounds of regex-bounds.ts, are refused here; the few that only PostgreSQL rejects raise SQLSTATE
 *   2201B, which the caller maps to 400.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely'
import { resolveField, type FieldMap, type FieldSpec, type ResolvedField } from './field-map.js'
import { normalizeTimestamp } from './iso-date.js'
import { parseQ, type Comparator, type QueryAst, type QueryCondition, type QueryValue } from './q-parser.js'
import { QueryError } from './query-error.js'
import { checkRegex } from './regex-bounds.js'

/** Parses and compiles `q`; an absent or blank q matches everything. */
export function compileQ(q: string | undefined, fields: FieldMap): RawBuilder<SqlBool> {
  return compileQuery(parseQ(q ?? ''), fields)
}

export function compileQuery(ast: QueryAst, fields: FieldMap): RawBuilder<SqlBool> {
  if (ast.terms.length === 0) return sql<SqlBool>`true`
  const conditions = ast.terms.map((term) => {
    const field = resolveField(fields, term.field, { parameter: 'q', position: term.position })
    return sql`(${compileCondition(field, term.condition)})`
  })
  return sql<SqlBool>`${sql.join(conditions, sql` and `)}`
}

/** Fields whose values are compared as one SQL type (json documents are handled apart). */
type ScalarSpec = Exclude<FieldSpec, { type: 'json' }>

const OPERATORS: Readonly<Record<Comparator, RawBuilder<unknown>>> = {
  '>': sql.raw('>'),
  '<': sql.raw('<'),
  '>=': sql.raw('>='),
  '<=': sql.raw('<='),
}

/** One condition over a resolved field; rules/rule-query.ts builds on it. */
export function compileCondition(field: ResolvedField, condition: QueryCondition): RawBuilder<SqlBool> {
  const { spec, expression: e } = field
  switch (condition.kind) {
    case 'null':
    case 'missing':
      return spec.type === 'json' ? sql`(${e} is null or ${e} = 'null'::jsonb)` : sql`${e} is null`
    case 'exists':
      return spec.type === 'json' ? sql`(${e} is not null and ${e} <> 'null'::jsonb)` : sql`${e} is not null`
    case 'equals':
      if (spec.type === 'json') return jsonEquals(e, condition.value)
      return sql`${e} = ${typedValue(field.name, spec, condition.value)}`
    case 'in':
      if (spec.type === 'json') return sql`(${sql.join(condition.values.map((v) => jsonEquals(e, v)), sql` or `)})`
      return sql`${e} in (${sql.join(condition.values.map((v) => typedValue(field.name, spec, v)))})`
    case 'compare': {
      const parts = condition.comparisons.map(({ comparator, value }) => {
        const op = OPERATORS[comparator]
        if (spec.type === 'json') return jsonCompare(e, op, value)
        if (spec.type === 'enum' || spec.type === 'boolean') {
          throw new QueryError(
            `Comparison '${comparator}' is not supported for ${spec.type} field '${field.name}' at position ${value.position}`,
            value.position,
          )
        }
        return sql`${e} ${op} ${typedValue(field.name, spec, value)}`
      })
      return sql`${sql.join(parts, sql` and `)}`
    }
    case 'regex':
      if (spec.type === 'number' || spec.type === 'boolean' || spec.type === 'date') {
        throw new QueryError(
          `Regex is not supported for ${spec.type} field '${field.name}' at position ${condition.position}`,
          condition.position,
        )
      }
      checkRegex(field.name, condition.pattern, condition.position)
      if (spec.type === 'json') {
        return sql`(jsonb_typeof(${e}) in ('string', 'number', 'boolean') and (${e} #>> '{}') ~ ${condition.pattern})`
      }
      return sql`${e}::text ~ ${condition.pattern}`
  }
}

/** The value as a parameter of the field's SQL type; throws when it does not fit the type. */
function typedValue(name: string, spec: ScalarSpec, value: QueryValue): RawBuilder<unknown> {
  const text = value.text
  switch (spec.type) {
    case 'string':
    case 'localized':
      return sql`${text}`
    case 'enum':
      if (!spec.values.includes(text)) throw invalidValue(name, spec, value, `Allowed: ${spec.values.join(', ')}`)
      return sql`${text}`
    case 'number':
      if (!isDecimal(text)) throw invalidValue(name, spec, value, 'expected a number')
      return sql`${text}::numeric`
    case 'boolean': {
      const lower = text.toLowerCase()
      if (lower !== 'true' && lower !== 'false') throw invalidValue(name, spec, value, 'expected true or false')
      return sql`${lower}::boolean`
    }
    case 'date': {
      const timestamp = normalizeTimestamp(text)
      if (timestamp === undefined) {
        throw invalidValue(name, spec, value, 'expected an ISO-8601 date such as "2021-05-18T07:27:27.455Z"')
      }
      return sql`${timestamp}::timestamptz`
    }
  }
}

/**
 * A value as a JSON scalar. to_jsonb is only stable, so written inline PostgreSQL would convert the value
 * again for every row; as a subquery it is converted once per statement.
 */
const jsonScalar = (value: RawBuilder<unknown>) => sql`(select to_jsonb(${value}))`

function jsonEquals(e: RawBuilder<unknown>, value: QueryValue): RawBuilder<SqlBool> {
  const asString = sql<SqlBool>`${e} @> ${jsonScalar(sql`${value.text}::text`)}`
  if (value.quoted) return asString
  if (isDecimal(value.text)) return sql`(${e} @> ${jsonScalar(sql`${value.text}::numeric`)} or ${asString})`
  if (value.text === 'true' || value.text === 'false') return sql`(${e} @> ${jsonScalar(sql`${value.text}::boolean`)} or ${asString})`
  return asString
}

function jsonCompare(e: RawBuilder<unknown>, op: RawBuilder<unknown>, value: QueryValue): RawBuilder<SqlBool> {
  if (!value.quoted && isDecimal(value.text)) {
    return sql`(jsonb_typeof(${e}) = 'number' and ${e} ${op} ${jsonScalar(sql`${value.text}::numeric`)})`
  }
  return sql`(jsonb_typeof(${e}) = 'string' and (${e} #>> '{}') collate "C" ${op} ${value.text}::text)`
}

/**
 * `-12`, `3.5`, `1e3`: the decimal forms JavaScript and PostgreSQL's numeric agree on. The exponent
 * is kept to three digits so PostgreSQL can never overflow or underflow on it.
 */
export function isDecimal(text: string): boolean {
  let i = text.startsWith('-') ? 1 : 0
  const digitsFrom = (start: number): number => {
    let end = start
    while (end < text.length && text[end] >= '0' && text[end] <= '9') end++
    return end
  }
  let end = digitsFrom(i)
  if (end === i) return false
  i = end
  if (text[i] === '.') {
    end = digitsFrom(i + 1)
    if (end === i + 1) return false
    i = end
  }
  if (text[i] === 'e' || text[i] === 'E') {
    const start = text[i + 1] === '+' || text[i + 1] === '-' ? i + 2 : i + 1
    end = digitsFrom(start)
    if (end === start || end - start > 3) return false
    i = end
  }
  return i === text.length && Number.isFinite(Number(text))
}

function invalidValue(name: string, spec: ScalarSpec, value: QueryValue, hint: string): QueryError {
  return new QueryError(
    `Invalid value '${value.text}' for ${spec.type} field '${name}' at position ${value.position}; ${hint}`,
    value.position,
  )
}

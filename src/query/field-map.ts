/**
 * Field maps: the whitelist of fields a resource exposes to `q` and `sort`, and the SQL each one reads.
 * SQL identifiers come only from a field map's `column`s; the path a client writes after a localized
 * or json field (`name.en`, `mixins.a.b`) is bound as parameters, never spliced into SQL text.
 */
import { sql, type RawBuilder } from 'kysely'
import { fallbackRules } from '../i18n/languages.js'
import { QueryError, type QueryParameter } from './query-error.js'

/**
 * - `string`, `enum`: text columns (`enum` also limits the values q accepts)
 * - `number`: any numeric column; `boolean`; `date`: a timestamptz column
 * - `localized`: jsonb language map `{en: text}`, addressed as `<field>.<lang>`
 * - `json`: any jsonb document, addressed as `<field>.<key>[.<key>…]`
 */
export type FieldType = FieldSpec['type']

export type FieldSpec =
  | { readonly type: 'string'; readonly column: string }
  | { readonly type: 'enum'; readonly column: string; readonly values: readonly string[] }
  | { readonly type: 'number'; readonly column: string }
  | { readonly type: 'boolean'; readonly column: string }
  | { readonly type: 'date'; readonly column: string }
  | { readonly type: 'localized'; readonly column: string }
  | { readonly type: 'json'; readonly column: string }

/**
 * Keys are the field names clients write (`siteCode`, `validity.from`). Localized and json fields
 * take a path after their key; writing the key as `name.*` says so to the reader, and `name` works too.
 * `column` may be qualified (`s.name`) for queries with joins.
 */
export type FieldMap = Readonly<Record<string, FieldSpec>>

export interface ResolvedField {
  /** The field as the client wrote it. */
  readonly name: string
  readonly spec: FieldSpec
  /**
   * SQL reading the value: the column itself, `(col ->> lang)` as text for localized fields (the best
   * entry for the reader's languages when none is named), or `jsonb_extract_path(col, …)` as jsonb for json
   * fields (NULL when the path is absent).
   */
  readonly expression: RawBuilder<unknown>
}

export interface ResolveOptions {
  readonly parameter: QueryParameter
  /** Where the field name starts in the parameter's value, for the error. */
  readonly position: number
  /**
   * For a localized field written without a language (sort only; `q` always names the language): the
   * reader's languages by preference, the default language last.
   */
  readonly languages?: readonly string[]
}

/** jsonb_extract_path takes at most 100 arguments; real mixin paths are a few keys deep. */
const MAX_JSON_PATH = 32

export function resolveField(fields: FieldMap, name: string, options: ResolveOptions): ResolvedField {
  const { parameter, position } = options
  // The path is bound as text parameters, and PostgreSQL text cannot hold NUL (sort reaches here unparsed).
  const nul = name.indexOf('\u0000')
  if (nul >= 0) throw new QueryError(`Invalid character U+0000 at position ${position + nul}`, position + nul, parameter)
  const segments = name.split('.')
  if (!segments.includes('') && !name.includes('*')) {
    // The longest key that is a prefix of the path wins, so `a.b` can be mapped apart from `a.*`.
    for (let length = segments.length; length > 0; length--) {
      const spec = lookup(fields, segments.slice(0, length).join('.'))
      if (spec === undefined) continue
      const path = segments.slice(length)
      const key = segments.slice(0, length).join('.')
      if (spec.type === 'localized') {
        if (path.length === 0 && options.languages?.length) return bestEntry(name, spec, options.languages)
        if (path.length === 0) {
          throw new QueryError(`Field '${key}' needs a language in ${parameter}, e.g. '${key}.en'`, position, parameter)
        }
        if (path.length === 1) return localized(name, spec, path[0])
      } else if (spec.type === 'json') {
        if (path.length === 0) {
          throw new QueryError(`Field '${key}' needs a path in ${parameter}, e.g. '${key}.<key>'`, position, parameter)
        }
        if (path.length > MAX_JSON_PATH) {
          throw new QueryError(`Field '${key}' takes a path of at most ${MAX_JSON_PATH} keys in ${parameter}`, position, parameter)
        }
        const keys = sql.join(path.map((segment) => sql`${segment}::text`))
        return { name, spec, expression: sql`jsonb_extract_path(${sql.ref(spec.column)}, ${keys})` }
      } else if (path.length === 0) {
        return { name, spec, expression: sql.ref(spec.column) }
      }
      break
    }
  }
  throw new QueryError(
    `Unknown field '${name}' in ${parameter}. Allowed: ${describeFields(fields)}`,
    position,
    parameter,
  )
}

function localized(name: string, spec: FieldSpec, language: string): ResolvedField {
  return { name, spec, expression: sql`(${sql.ref(spec.column)} ->> ${language}::text)` }
}

/**
 * The text of the entry `pickLanguageKey` would show for `languages`: each key ranked by the first fallback
 * step it meets, ties and the rest in key order (`collate "C"`, as JavaScript sorts ASCII tags). A value that
 * is not a map reads as NULL. The tags are parameters.
 */
function bestEntry(name: string, spec: FieldSpec, languages: readonly string[]): ResolvedField {
  const rules = fallbackRules(languages)
  const ranks = rules.map((rule, rank) =>
    'tag' in rule
      ? sql`when lower(entry.key) = ${rule.tag}::text then ${sql.lit(rank)}`
      : sql`when split_part(lower(entry.key), '-', 1) = ${rule.language}::text then ${sql.lit(rank)}`,
  )
  const column = sql.ref(spec.column)
  const expression = sql`(case when jsonb_typeof(${column}) = 'object' then (select entry.value from jsonb_each_text(${column}) as entry order by case ${sql.join(ranks, sql` `)} else ${sql.lit(rules.length)} end, entry.key collate "C" limit 1) end)`
  return { name, spec, expression }
}

/** Own keys only: a client must not reach `constructor` or `toString` through a plain object. */
function lookup(fields: FieldMap, key: string): FieldSpec | undefined {
  if (Object.hasOwn(fields, key)) return fields[key]
  if (Object.hasOwn(fields, `${key}.*`)) return fields[`${key}.*`]
  return undefined
}

function describeFields(fields: FieldMap): string {
  return Object.entries(fields)
    .map(([key, spec]) => {
      const base = key.endsWith('.*') ? key.slice(0, -2) : key
      if (spec.type === 'localized') return `${base}.<lang>`
      if (spec.type === 'json') return `${base}.<path>`
      return base
    })
    .join(', ')
}

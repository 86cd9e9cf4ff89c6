/**
 * Localized fields: language maps in storage, `Content-Language` on write, `Accept-Language` on read.
 *
 * A specific Content-Language lets a writer send a plain string for that language, and makes a map it
 * sends add to the stored map instead of replacing it; `*` or no header means whole maps. Responses always
 * carry maps: a specific Accept-Language narrows each to the one entry that serves the reader best
 * (requested languages, then the default language, then the first key in sort order); `*` or no header
 * keeps every entry. Sorting by a localized field without a language ranks the entries the same way.
 */
import { errors } from '../errors.js'
import type { LanguageMap } from '../domain.js'

const TAG = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/

/** Accept-Language entries beyond these (after ranking) are ignored; browsers send a handful. */
export const MAX_ACCEPTED_LANGUAGES = 16

/** The single language named by Content-Language, or undefined for `*` / absent. */
export function parseContentLanguage(header: string | undefined): string | undefined {
  const value = header?.trim()
  if (!value || value === '*') return undefined
  if (!TAG.test(value)) throw errors.invalidParameter('Content-Language', `'${value}' is not a language tag`)
  return value
}

/**
 * Languages of Accept-Language by preference (q-value, then order), or undefined when the client takes
 * whole maps (`*` / absent / nothing usable). Malformed entries and `q=0` are ignored, not refused.
 */
export function parseAcceptLanguage(header: string | undefined): string[] | undefined {
  if (!header?.trim()) return undefined
  const ranked: { tag: string; q: number; order: number }[] = []
  header.split(',').forEach((part, order) => {
    const [tag, ...params] = part.trim().split(';')
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const q = qParam ? Number.parseFloat(qParam.slice(2)) : 1
    if (tag && tag !== '*' && TAG.test(tag) && q > 0) ranked.push({ tag, q, order })
  })
  if (ranked.length === 0) return undefined
  return ranked
    .sort((a, b) => b.q - a.q || a.order - b.order)
    .slice(0, MAX_ACCEPTED_LANGUAGES)
    .map((r) => r.tag)
}

/**
 * One step of a fallback, on lower-case tags: a stored key that is `tag`, or any stored key of the
 * primary `language`.
 */
export type LanguageRule = { readonly tag: string } | { readonly language: string }

const primaryOf = (tag: string) => tag.split('-')[0]

/**
 * The fallback steps for languages in order of preference: for each, the tag itself, its primary
 * language (`de-CH` → `de`), then any region of that language (`en-US` → `en-GB`). Each step once.
 */
export function fallbackRules(preferred: readonly string[]): LanguageRule[] {
  const rules: LanguageRule[] = []
  const seen = new Set<string>()
  const add = (rule: LanguageRule, key: string) => {
    if (seen.has(key)) return
    seen.add(key)
    rules.push(rule)
  }
  for (const tag of preferred) {
    const lower = tag.toLowerCase()
    const language = primaryOf(lower)
    add({ tag: lower }, `tag:${lower}`)
    add({ tag: language }, `tag:${language}`)
    add({ language }, `language:${language}`)
  }
  return rules
}

/**
 * The key of `map` that best serves `preferred` (the fallback language last): the first step of
 * {@link fallbackRules} some key meets, the first such key in sort order; else the first key in sort
 * order. Undefined for an empty map.
 */
export function pickLanguageKey(map: LanguageMap, preferred: readonly string[]): string | undefined {
  const keys = Object.keys(map).sort()
  if (keys.length === 0) return undefined
  const byTag = new Map<string, string>()
  const byLanguage = new Map<string, string>()
  for (const key of keys) {
    const lower = key.toLowerCase()
    if (!byTag.has(lower)) byTag.set(lower, key)
    if (!byLanguage.has(primaryOf(lower))) byLanguage.set(primaryOf(lower), key)
  }
  for (const rule of fallbackRules(preferred)) {
    const key = 'tag' in rule ? byTag.get(rule.tag) : byLanguage.get(rule.language)
    if (key !== undefined) return key
  }
  return keys[0]
}

/** How one request reads localized fields. */
export interface Locale {
  /** The Accept-Language languages by preference; undefined when the reader takes whole maps. */
  readonly requested?: readonly string[]
  /** The language that serves when none of the requested ones is there (DEFAULT_LANGUAGE). */
  readonly fallback: string
}

export function localeOf(acceptLanguage: string | undefined, fallback: string): Locale {
  return { requested: parseAcceptLanguage(acceptLanguage), fallback }
}

/** The languages a localized sort key without a language ranks by: the requested ones, then the fallback. */
export function sortLanguages(locale: Locale): string[] {
  return [...(locale.requested ?? []), locale.fallback]
}

/** The map as the reader sees it: whole, or only its best entry when specific languages were asked for. */
export function localize(map: LanguageMap, locale: Locale): LanguageMap {
  if (!locale.requested) return map
  const key = pickLanguageKey(map, sortLanguages(locale))
  return key === undefined ? {} : { [key]: map[key] }
}

/**
 * Turns a written value into the map to store. A plain string needs a Content-Language naming its
 * language and becomes (or replaces) that entry; a map under a specific Content-Language adds its entries
 * to the stored map (so a map read with Accept-Language can be written back with the same language);
 * a map under `*` or no header replaces the stored map.
 */
export function toLanguageMap(
  value: string | LanguageMap,
  language: string | undefined,
  field: string,
  existing?: LanguageMap | null,
): LanguageMap {
  if (typeof value !== 'string') return language ? { ...(existing ?? {}), ...value } : value
  if (!language) {
    throw errors.invalidParameter(field, 'a plain string needs a Content-Language header naming its language; otherwise send a map')
  }
  return { ...(existing ?? {}), [language]: value }
}

/**
 * Localized fields: language maps in storage, `Content-Language` on write, `Accept-Language` on read.
 * A specific Content-Language lets a writer send a plain string for that language; `*` or no header
 * means maps. A specific Accept-Language turns each map into a string in the best available language.
 */
import { errors } from '../errors.js'
import type { LanguageMap } from '../domain.js'

const TAG = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/

/** The single language named by Content-Language, or undefined for `*` / absent. */
export function parseContentLanguage(header: string | undefined): string | undefined {
  const value = header?.trim()
  if (!value || value === '*') return undefined
  if (!TAG.test(value)) throw errors.invalidParameter('Content-Language', `'${value}' is not a language tag`)
  return value
}

/** Languages of Accept-Language by preference, or undefined when the client takes maps (`*` / absent). */
export function parseAcceptLanguage(header: string | undefined): string[] | undefined {
  if (!header?.trim()) return undefined
  const ranked: { tag: string; q: number; order: number }[] = []
  header.split(',').forEach((part, order) => {
    const [tag, ...params] = part.trim().split(';')
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const q = qParam ? Number.parseFloat(qParam.slice(2)) : 1
    if (tag && tag !== '*' && TAG.test(tag) && q > 0) ranked.push({ tag, q: Number.isNaN(q) ? 0 : q, order })
  })
  if (ranked.length === 0) return undefined
  return ranked.sort((a, b) => b.q - a.q || a.order - b.order).map((r) => r.tag)
}

/** Picks the text in the most preferred available language, falling back from `fr-CH` to `fr`, then to any. */
export function pickLanguage(map: LanguageMap, preferred: string[]): string | undefined {
  const key = pickLanguageKey(map, preferred)
  return key === undefined ? undefined : map[key]
}

/**
 * The key of `map` that best serves `preferred`: an exact tag, else its base language (`de-CH` → `de`),
 * in the order given; else the first key in sort order. Undefined for an empty map.
 */
export function pickLanguageKey(map: LanguageMap, preferred: string[]): string | undefined {
  const keys = Object.keys(map)
  if (keys.length === 0) return undefined
  const lower = new Map(keys.map((k) => [k.toLowerCase(), k]))
  for (const tag of preferred) {
    const exact = lower.get(tag.toLowerCase())
    if (exact) return exact
    const base = lower.get(tag.split('-')[0].toLowerCase())
    if (base) return base
  }
  return keys.sort()[0]
}

/** Turns a written value (a map, or a string when Content-Language names one language) into a map. */
export function toLanguageMap(
  value: string | LanguageMap,
  language: string | undefined,
  field: string,
  existing?: LanguageMap | null,
): LanguageMap {
  if (typeof value !== 'string') return value
  if (!language) {
    throw errors.invalidParameter(field, 'a plain string needs a Content-Language header naming its language; otherwise send a map')
  }
  return { ...(existing ?? {}), [language]: value }
}

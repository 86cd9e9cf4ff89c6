/**
 * Regular expressions in webhook filters. Whatever dialect a pattern is written in, it runs on RE2
 * (re2js), in time linear in its input, within a length limit, compiled once (cached):
 * - RFC 9485 I-Regexp (`match()`, `search()`): RE2 syntax but for `.`, which excludes only `\n` and `\r`;
 * - Java, as Jayway JsonPath reads `=~ /pattern/flags`: `.` excludes every Java line terminator (only
 *   `\n` with `d`, none with `s`); `i`, `m` and `s` become RE2 inline flags; `u` (Unicode case folding)
 *   is what RE2 does anyway. What RE2 lacks (look-around, back-references, possessive quantifiers, the
 *   `x` and `U` flags) is refused.
 */
import { RE2JS } from 're2js'
import { FilterError } from './filter-error.js'

/** Characters of a regular expression as written, literal or read from the payload. */
export const PATTERN_LENGTH = 500

export type RegexDialect = { kind: 'i-regexp' } | { kind: 'java'; flags: string }

export const I_REGEXP: RegexDialect = { kind: 'i-regexp' }

const I_REGEXP_DOT = '[^\\n\\r]'
const JAVA_DOT = '[^\\n\\r\\x{85}\\x{2028}\\x{2029}]'
const JAVA_UNIX_LINES_DOT = '[^\\n]'

/** Java pattern flags and the RE2 inline flag each becomes ('' : nothing to do). */
const JAVA_FLAGS: Record<string, string> = { i: 'i', m: 'm', s: 's', d: '', u: '' }

/** `pattern` with each `.` outside a character class replaced by `dot`; escapes are copied as they are. */
function replaceDots(pattern: string, dot: string): string {
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
      out += ch === '.' ? dot : ch
    }
  }
  return out
}

/** Refuses flags Java does not know or RE2 cannot honour, naming them. */
function checkJavaFlags(flags: string): void {
  for (const flag of flags) {
    if (!Object.hasOwn(JAVA_FLAGS, flag)) throw new FilterError(`the regular expression flag '${flag}' is not supported; use i, m, s, d or u`)
  }
}

function toRe2(pattern: string, dialect: RegexDialect): string {
  if (dialect.kind === 'i-regexp') return replaceDots(pattern, I_REGEXP_DOT)
  const { flags } = dialect
  checkJavaFlags(flags)
  const inline = [...new Set([...flags].map((flag) => JAVA_FLAGS[flag]).filter(Boolean))].join('')
  const body = flags.includes('s') ? pattern : replaceDots(pattern, flags.includes('d') ? JAVA_UNIX_LINES_DOT : JAVA_DOT)
  return inline ? `(?${inline})${body}` : body
}

const REGEX_CACHE_SIZE = 500
const regexCache = new Map<string, RE2JS>()

/**
 * The compiled pattern (cached): anchored at both ends when `whole`. Throws a FilterError for a pattern
 * too long, with a flag it cannot honour, or not valid.
 */
export function compilePattern(pattern: string, whole: boolean, dialect: RegexDialect = I_REGEXP): RE2JS {
  const key = `${whole ? 'm' : 's'}${dialect.kind === 'java' ? `j${dialect.flags}` : 'i'}\u0000${pattern}`
  const cached = regexCache.get(key)
  if (cached) return cached
  if (pattern.length > PATTERN_LENGTH) throw new FilterError(`a regular expression may have at most ${PATTERN_LENGTH} characters`)
  const re2 = toRe2(pattern, dialect)
  let compiled: RE2JS
  try {
    // The pattern's own inline flags stay inside the group, so that (?m) cannot unanchor the match.
    compiled = RE2JS.compile(whole ? `^(?:${re2})$` : re2)
  } catch (error) {
    throw new FilterError(`'${pattern}' is not a regular expression this service can run: ${(error as Error).message}`)
  }
  if (regexCache.size >= REGEX_CACHE_SIZE) regexCache.delete(regexCache.keys().next().value as string)
  regexCache.set(key, compiled)
  return compiled
}

/**
 * Bounds on a `q` regular expression (`field:~pattern`), which PostgreSQL runs with its own engine: a
 * pattern it can run in time that does not explode. Length is bounded; back-references are refused (they
 * make PostgreSQL's engine backtrack); and counted repetitions may not multiply beyond a bound when nested
 * (`(a{1,255}){1,255}` compiles into a machine of 65,000 states, or fails as too complex). Whatever
 * passes here still runs under the statement timeout on a PostgreSQL server.
 */
import { QueryError } from './query-error.js'

export const REGEX_LIMITS = {
  /** Characters of a pattern. */
  length: 256,
  /** Product of the counts of nested counted repetitions (`{n,m}` counts m). */
  repetition: 1_000,
} as const

class Scanner {
  pos = 0
  constructor(readonly pattern: string) {}

  /** The largest product of counted repetitions in a sequence (until `)` or the end). */
  sequence(): number {
    let worst = 1
    while (this.pos < this.pattern.length && this.pattern[this.pos] !== ')') {
      const atom = this.atom()
      worst = Math.max(worst, atom * this.quantifier())
      if (worst > REGEX_LIMITS.repetition) {
        throw new Error(`counted repetitions multiply to more than ${REGEX_LIMITS.repetition}`)
      }
    }
    return worst
  }

  private atom(): number {
    const ch = this.pattern[this.pos]
    if (ch === '\\') {
      const next = this.pattern[this.pos + 1] ?? ''
      if (/[1-9]/.test(next)) throw new Error('back-references are not supported')
      this.pos += 2
      return 1
    }
    if (ch === '[') {
      this.pos += 1
      if (this.pattern[this.pos] === '^') this.pos += 1
      if (this.pattern[this.pos] === ']') this.pos += 1
      while (this.pos < this.pattern.length && this.pattern[this.pos] !== ']') this.pos += this.pattern[this.pos] === '\\' ? 2 : 1
      this.pos += 1
      return 1
    }
    if (ch === '(') {
      this.pos += 1
      const inner = this.sequence()
      this.pos += 1
      return inner
    }
    this.pos += 1
    return 1
  }

  /** The count a quantifier allows, for the product: `{n}` n, `{n,m}` m, `{n,}` n; others 1. */
  private quantifier(): number {
    const counted = /^\{(\d+)(,(\d*))?\}/.exec(this.pattern.slice(this.pos))
    if (!counted) return 1
    this.pos += counted[0].length
    if (this.pattern[this.pos] === '?') this.pos += 1
    return Number(counted[3] || counted[1])
  }
}

/** Throws a QueryError (a 400) saying why `pattern`, given for `name` at `position`, is not accepted. */
export function checkRegex(name: string, pattern: string, position: number): void {
  const refuse = (reason: string) => new QueryError(`Invalid regex for '${name}' at position ${position}: ${reason}`, position)
  if (pattern.length > REGEX_LIMITS.length) throw refuse(`a pattern may have at most ${REGEX_LIMITS.length} characters`)
  try {
    new RegExp(pattern)
  } catch (error) {
    throw refuse(error instanceof Error ? error.message : String(error))
  }
  try {
    new Scanner(pattern).sequence()
  } catch (error) {
    throw refuse((error as Error).message)
  }
}

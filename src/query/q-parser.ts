/**
 * Parser for the `q` query language (Emporix conventions §1.1) into a typed AST.
 *
 *   query      = term { whitespace term }                    terms are ANDed
 *   term       = field ":" condition
 *   field      = segment { "." segment }                     segment = [A-Za-z0-9_$-]+
 *   condition  = "null" | "exists" | "missing"               (unquoted keywords)
 *              | comparator value                            f:>20   f:<="2021-05-18"
 *              | "~" pattern                                 f:~^AB  f:~(AB CD)
 *              | "(" "~" pattern ")"                         f:(~AB CD)
 *              | "(" comparison { "AND" comparison } ")"     f:(>=10 AND <=20)
 *              | "(" value { "," value } ")"                 f:(a,b,"c d")
 *              | value                                       f:abc   f:"Golden Segment"
 *   value      = '"' chars '"' | bare                        \" and \\ escape inside quotes
 *
 * Values stay text here: what `20`, `true` or a date means depends on the field's type, which only
 * the compiler knows. Positions are 0-based offsets into `q`, for error messages.
 */
import { QueryError } from './query-error.js'

export type Comparator = '>' | '<' | '>=' | '<='

export interface QueryValue {
  readonly text: string
  /** Written in double quotes: always a string literal, never a keyword. */
  readonly quoted: boolean
  readonly position: number
}

export interface QueryComparison {
  readonly comparator: Comparator
  readonly value: QueryValue
}

export type QueryCondition =
  | { readonly kind: 'equals'; readonly position: number; readonly value: QueryValue }
  /** One comparison (`f:>1`) or a range (`f:(>=1 AND <5)`); all must hold. */
  | { readonly kind: 'compare'; readonly position: number; readonly comparisons: readonly QueryComparison[] }
  | { readonly kind: 'in'; readonly position: number; readonly values: readonly QueryValue[] }
  | { readonly kind: 'regex'; readonly position: number; readonly pattern: string }
  | { readonly kind: 'null' | 'exists' | 'missing'; readonly position: number }

export interface QueryTerm {
  readonly field: string
  readonly position: number
  readonly condition: QueryCondition
}

export interface QueryAst {
  readonly terms: readonly QueryTerm[]
}

/**
 * Longer input is refused: it bounds parse time and keeps the number of SQL parameters far below
 * PostgreSQL's 65535 limit, so a huge IN list is a 400 and not a database error.
 */
export const MAX_Q_LENGTH = 10_000

const KEYWORDS = new Set(['null', 'exists', 'missing'])

export function parseQ(q: string): QueryAst {
  return new Parser(q).parseQuery()
}

/**
 * Reads the one `field:condition` term of `src` that starts at `position`, for a language built on q's
 * terms (rules/rule-query.ts); `name` is what messages call the text. What follows the term is the
 * caller's to check.
 */
export function parseTermAt(src: string, position: number, name: string): { term: QueryTerm; end: number } {
  return new Parser(src, name).termAt(position)
}

function isWhitespace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v'
}

function isFieldChar(ch: string | undefined): boolean {
  if (ch === undefined) return false
  return (
    (ch >= 'a' && ch <= 'z') ||
    (ch >= 'A' && ch <= 'Z') ||
    (ch >= '0' && ch <= '9') ||
    ch === '_' ||
    ch === '-' ||
    ch === '$'
  )
}

/** Characters that end an unquoted value (besides whitespace). */
function isDelimiter(ch: string | undefined): boolean {
  return ch === '(' || ch === ')' || ch === ',' || ch === '"'
}

class Parser {
  private pos = 0

  constructor(
    private readonly src: string,
    private readonly name = 'q',
  ) {}

  termAt(position: number): { term: QueryTerm; end: number } {
    this.pos = position
    const term = this.parseTerm()
    return { term, end: this.pos }
  }

  parseQuery(): QueryAst {
    if (this.src.length > MAX_Q_LENGTH) {
      throw new QueryError(`q is too long (${this.src.length} characters, at most ${MAX_Q_LENGTH})`, MAX_Q_LENGTH)
    }
    // PostgreSQL text cannot hold NUL; refuse it here rather than let the database fail.
    const nul = this.src.indexOf('\u0000')
    if (nul >= 0) throw new QueryError(`Invalid character U+0000 at position ${nul}`, nul)

    const terms: QueryTerm[] = []
    this.skipWhitespace()
    while (!this.atEnd()) {
      terms.push(this.parseTerm())
      this.expectTermEnd()
      this.skipWhitespace()
    }
    return { terms }
  }

  private parseTerm(): QueryTerm {
    const position = this.pos
    const field = this.parseField()
    if (this.peek() !== ':') {
      if (this.atEnd() || isWhitespace(this.peek())) {
        throw new QueryError(`Expected ':' after field '${field}' at position ${this.pos}`, this.pos)
      }
      throw this.unexpected(`expected ':' after field '${field}'`)
    }
    this.pos++
    return { field, position, condition: this.parseCondition(field) }
  }

  private parseField(): string {
    const start = this.pos
    while (isFieldChar(this.peek()) || this.peek() === '.') this.pos++
    const field = this.src.slice(start, this.pos)
    if (field === '') throw this.unexpected('expected a field name')
    if (field.split('.').includes('')) {
      throw new QueryError(`Invalid field name '${field}' at position ${start}: empty path segment`, start)
    }
    return field
  }

  private parseCondition(field: string): QueryCondition {
    const position = this.pos
    const ch = this.peek()
    if (ch === undefined || isWhitespace(ch)) this.missingValue(`${field}:`)
    if (ch === '(') return this.parseGroup(field)
    if (ch === '~') {
      this.pos++
      return { kind: 'regex', position, pattern: this.parseRegex(`${field}:~`) }
    }
    if (ch === '>' || ch === '<') {
      return { kind: 'compare', position, comparisons: [this.parseComparison()] }
    }
    const value = this.parseValue(`${field}:`)
    if (!value.quoted && KEYWORDS.has(value.text)) {
      return { kind: value.text as 'null' | 'exists' | 'missing', position }
    }
    return { kind: 'equals', position, value }
  }

  /** `(` already seen: a regex group, a range of comparisons, or an IN list. */
  private parseGroup(field: string): QueryCondition {
    const position = this.pos
    this.pos++
    this.skipWhitespace()
    const ch = this.peek()
    if (ch === undefined) throw this.unclosed(position)
    if (ch === ')') throw new QueryError(`Empty parentheses after '${field}:' at position ${position}`, position)

    let condition: QueryCondition
    if (ch === '~') {
      this.pos++
      condition = { kind: 'regex', position, pattern: this.parseRegex(`${field}:(~`, position) }
    } else if (ch === '>' || ch === '<') {
      const comparisons = [this.parseComparison()]
      for (;;) {
        this.skipWhitespace()
        if (this.peek() === ')') break
        if (this.atEnd()) throw this.unclosed(position)
        this.expectAnd()
        comparisons.push(this.parseComparison())
      }
      condition = { kind: 'compare', position, comparisons }
    } else {
      const values = [this.parseValue(`${field}:(`)]
      for (;;) {
        this.skipWhitespace()
        if (this.peek() === ')') break
        if (this.atEnd()) throw this.unclosed(position)
        if (this.peek() !== ',') throw this.unexpected(`expected ',' or ')'`)
        this.pos++
        this.skipWhitespace()
        values.push(this.parseValue(','))
      }
      condition = { kind: 'in', position, values }
    }
    if (this.peek() !== ')') throw this.unclosed(position)
    this.pos++
    return condition
  }

  private expectAnd(): void {
    const word = this.src.slice(this.pos, this.pos + 3)
    const next = this.src[this.pos + 3]
    if (word.toUpperCase() !== 'AND' || isFieldChar(next)) throw this.unexpected(`expected 'AND' or ')'`)
    this.pos += 3
    this.skipWhitespace()
    const ch = this.peek()
    if (ch !== '>' && ch !== '<') {
      if (ch === undefined) this.missingValue('AND')
      throw this.unexpected(`expected a comparison (>, <, >=, <=) after 'AND'`)
    }
  }

  private parseComparison(): QueryComparison {
    let comparator: Comparator = this.peek() === '>' ? '>' : '<'
    this.pos++
    if (this.peek() === '=') {
      comparator = comparator === '>' ? '>=' : '<='
      this.pos++
    }
    const ch = this.peek()
    if (ch === '>' || ch === '<' || ch === '=' || ch === '~') throw this.unexpected(`expected a value after '${comparator}'`)
    return { comparator, value: this.parseValue(comparator) }
  }

  /** A quoted string or a bare word; `after` names what precedes it, for the error message. */
  private parseValue(after: string): QueryValue {
    const position = this.pos
    const ch = this.peek()
    if (ch === '"') return { text: this.parseQuoted(), quoted: true, position }
    if (ch === undefined || isWhitespace(ch)) this.missingValue(after)
    if (isDelimiter(ch)) throw this.unexpected(`expected a value after '${after}'`)
    while (!this.atEnd() && !isWhitespace(this.peek()) && !isDelimiter(this.peek())) this.pos++
    return { text: this.src.slice(position, this.pos), quoted: false, position }
  }

  private parseQuoted(): string {
    const start = this.pos
    this.pos++
    let text = ''
    for (;;) {
      const ch = this.peek()
      if (ch === undefined) throw new QueryError(`Unterminated string starting at position ${start}`, start)
      this.pos++
      if (ch === '"') return text
      // Only \" and \\ are escapes; any other backslash is kept, so "C:\dir" means what it says.
      if (ch === '\\' && (this.peek() === '"' || this.peek() === '\\')) {
        text += this.peek()
        this.pos++
      } else {
        text += ch
      }
    }
  }

  /**
   * A regex pattern, read verbatim. Parentheses and [brackets] are tracked so the pattern's own
   * groups do not end it: unwrapped, it ends at whitespace outside any group; inside `(~…)` it ends
   * at the `)` that closes the group. An unwrapped pattern written entirely in `(…)` loses those
   * parentheses (`f:~(AB CD)`): a plain outer group changes nothing in a match. `(?…)` constructs
   * are not plain groups and are kept.
   */
  private parseRegex(after: string, groupOpenedAt?: number): string {
    const inGroup = groupOpenedAt !== undefined
    const start = this.pos
    let depth = 0
    let openedAt = -1
    let inBracket = false
    let bracketStart = -1
    let firstGroupEnd = -1
    for (;;) {
      const ch = this.peek()
      if (ch === undefined) {
        if (depth > 0) throw this.unclosed(openedAt)
        if (inGroup) throw this.unclosed(groupOpenedAt)
        break
      }
      if (ch === '\\') {
        this.pos += Math.min(2, this.src.length - this.pos)
        continue
      }
      if (inBracket) {
        // A ']' right after '[' or '[^' is a literal member, as in POSIX bracket expressions.
        const offset = this.pos - bracketStart
        const literal = offset === 1 || (offset === 2 && this.src[bracketStart + 1] === '^')
        if (ch === ']' && !literal) inBracket = false
      } else if (ch === '[') {
        inBracket = true
        bracketStart = this.pos
      } else if (ch === '(') {
        if (depth === 0) openedAt = this.pos
        depth++
      } else if (ch === ')') {
        if (depth === 0) break
        depth--
        if (depth === 0 && firstGroupEnd < 0) firstGroupEnd = this.pos
      } else if (depth === 0 && !inGroup && isWhitespace(ch)) {
        break
      }
      this.pos++
    }
    let pattern = this.src.slice(start, this.pos)
    const wrapped = pattern.startsWith('(') && !pattern.startsWith('(?') && firstGroupEnd === this.pos - 1
    if (!inGroup && wrapped) pattern = pattern.slice(1, -1)
    if (pattern === '') {
      if (this.pos === start) this.missingValue(after)
      throw new QueryError(`Empty regex after '${after}' at position ${start}`, start)
    }
    return pattern
  }

  /** After a term: only whitespace or the end may follow. */
  private expectTermEnd(): void {
    if (this.atEnd() || isWhitespace(this.peek())) return
    throw this.unexpected(this.peek() === ',' ? 'write a list in parentheses: f:(a,b)' : undefined)
  }

  private skipWhitespace(): void {
    while (isWhitespace(this.peek())) this.pos++
  }

  private peek(): string | undefined {
    return this.src[this.pos]
  }

  private atEnd(): boolean {
    return this.pos >= this.src.length
  }

  private missingValue(after: string): never {
    throw new QueryError(`Missing value after '${after}' at position ${this.pos}`, this.pos)
  }

  private unclosed(openedAt: number): QueryError {
    return new QueryError(`Missing ')' for '(' at position ${openedAt}`, openedAt)
  }

  private unexpected(expected?: string): QueryError {
    const what = this.atEnd() ? `end of ${this.name}` : `'${this.peek()}'`
    const suffix = expected === undefined ? '' : `, ${expected}`
    return new QueryError(`Unexpected ${what} at position ${this.pos}${suffix}`, this.pos)
  }
}

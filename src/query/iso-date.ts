/**
 * Strict ISO-8601 timestamps for date fields in `q`. JavaScript's Date.parse alone is too lenient
 * (it accepts 2021-02-30, 24:00 and year 0, which PostgreSQL rejects), and any value that reaches
 * SQL must be one PostgreSQL accepts, so a bad date is a 400 from us and never a database error.
 */

/**
 * Accepts `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|±HH:MM]` and returns it with an
 * explicit zone (a date is midnight UTC, a time without a zone is UTC), so the result does not
 * depend on the database session's TimeZone. Returns undefined when the text is not such a timestamp.
 */
export function normalizeTimestamp(text: string): string | undefined {
  const reader = new DigitReader(text)
  const year = reader.digits(4)
  const month = reader.expect('-') ? reader.digits(2) : undefined
  const day = reader.expect('-') ? reader.digits(2) : undefined
  if (year === undefined || month === undefined || day === undefined) return undefined
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (reader.done()) return Number.isNaN(Date.parse(text)) ? undefined : `${text}T00:00:00Z`

  if (!reader.expect('T')) return undefined
  const hour = reader.digits(2)
  const minute = reader.expect(':') ? reader.digits(2) : undefined
  if (hour === undefined || minute === undefined || hour > 23 || minute > 59) return undefined
  if (reader.expect(':')) {
    const second = reader.digits(2)
    if (second === undefined || second > 59) return undefined
    if (reader.expect('.')) {
      // PostgreSQL keeps microseconds; more digits would be silently rounded.
      const fraction = reader.digitRun()
      if (fraction < 1 || fraction > 6) return undefined
    }
  }
  let zoned = true
  if (reader.done()) zoned = false
  else if (reader.expect('Z')) zoned = true
  else if (reader.expect('+') || reader.expect('-')) {
    const offsetHour = reader.digits(2)
    const offsetMinute = reader.expect(':') ? reader.digits(2) : undefined
    // PostgreSQL refuses offsets beyond ±15:59.
    if (offsetHour === undefined || offsetMinute === undefined || offsetHour > 15 || offsetMinute > 59) return undefined
  } else return undefined
  if (!reader.done()) return undefined

  const normalized = zoned ? text : `${text}Z`
  return Number.isNaN(Date.parse(normalized)) ? undefined : normalized
}

/**
 * Whether a date-time PostgreSQL can keep: the date-time format admits a leap second and years
 * PostgreSQL refuses (0, or 10000 after the offset is applied).
 */
export function storableInstant(text: string): boolean {
  const time = new Date(text)
  const year = time.getUTCFullYear()
  return !Number.isNaN(time.getTime()) && year >= 1 && year <= 9999
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

class DigitReader {
  private pos = 0

  constructor(private readonly text: string) {}

  /** Exactly `count` ASCII digits as a number, or undefined. */
  digits(count: number): number | undefined {
    const start = this.pos
    if (this.digitRun() !== count) return undefined
    return Number(this.text.slice(start, this.pos))
  }

  /** Consumes a run of ASCII digits and returns its length. */
  digitRun(): number {
    const start = this.pos
    while (this.pos < this.text.length && this.text[this.pos] >= '0' && this.text[this.pos] <= '9') this.pos++
    return this.pos - start
  }

  expect(ch: string): boolean {
    if (this.text[this.pos] !== ch) return false
    this.pos++
    return true
  }

  done(): boolean {
    return this.pos === this.text.length
  }
}

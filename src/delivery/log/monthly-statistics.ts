/**
 * Webhook statistics: successful deliveries per UTC calendar month, newest month first, every month of
 * the range listed (zero when nothing was delivered). A delivery counts in the month it was delivered.
 */
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { MonthStatistics } from './log-schemas.js'

/** A calendar month; `month` counts from 1. */
export interface YearMonth {
  year: number
  month: number
}

/** `YYYY-MM` (year 0001-9999, month 01-12), or undefined when the text is not one. */
export function parseYearMonth(text: string): YearMonth | undefined {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text)
  if (!match || match[1] === '0000') return undefined
  return { year: Number(match[1]), month: Number(match[2]) }
}

export function yearMonthOf(time: Date): YearMonth {
  return { year: time.getUTCFullYear(), month: time.getUTCMonth() + 1 }
}

function formatYearMonth({ year, month }: YearMonth): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`
}

/** Months from `from` to `to`, both included: 1 for one month, 0 or less when `to` is earlier. */
export function monthCount(from: YearMonth, to: YearMonth): number {
  return (to.year - from.year) * 12 + (to.month - from.month) + 1
}

function addMonths({ year, month }: YearMonth, months: number): YearMonth {
  const index = year * 12 + (month - 1) + months
  return { year: Math.floor(index / 12), month: (index % 12) + 1 }
}

function monthStart({ year, month }: YearMonth): Date {
  const start = new Date(0)
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  start.setUTCFullYear(year, month - 1, 1)
  return start
}

/**
 * Successful deliveries of `tenants` per UTC month from `from` (until `until`, when given): those in the
 * log and those retention deleted after counting them into `delivery_month`. One statement, so a prune
 * committing in between cannot count a delivery twice or not at all.
 */
export async function deliveredByMonth(db: Kysely<DB>, tenants: string[], from: Date, until?: Date): Promise<{ tenant: string; month: string; delivered: number }[]> {
  const { rows } = await sql<{ tenant: string; month: string; delivered: number | string }>`
    select tenant, month, sum(delivered) as delivered from (
      select tenant, to_char(finished_at at time zone 'UTC', 'YYYY-MM') as month, count(*) as delivered
      from delivery
      where state = 'delivered' and tenant = any(${tenants}::text[]) and finished_at >= ${from}
        ${until ? sql`and finished_at < ${until}` : sql``}
      group by 1, 2
      union all
      select tenant, to_char(month, 'YYYY-MM'), delivered
      from delivery_month
      where tenant = any(${tenants}::text[]) and month >= (${from}::timestamptz at time zone 'UTC')::date
        ${until ? sql`and month < (${until}::timestamptz at time zone 'UTC')::date` : sql``}
    ) counted
    group by 1, 2`.execute(db)
  return rows.map((row) => ({ tenant: row.tenant, month: row.month, delivered: Number(row.delivered) }))
}

/** The successful deliveries of the current UTC month, per tenant. */
export function deliveredThisMonth(db: Kysely<DB>, tenants: string[], now = new Date()): Promise<{ tenant: string; delivered: number }[]> {
  return deliveredByMonth(db, tenants, monthStart(yearMonthOf(now)))
}

export async function deliveredPerMonth(db: Kysely<DB>, tenant: string, from: YearMonth, to: YearMonth): Promise<MonthStatistics[]> {
  const end = addMonths(to, 1)
  // Year 10000 has no ISO 8601 text a driver would send; nothing after 9999 needs excluding anyway.
  const rows = await deliveredByMonth(db, [tenant], monthStart(from), end.year <= 9999 ? monthStart(end) : undefined)
  const delivered = new Map(rows.map((row) => [row.month, row.delivered]))
  const months: MonthStatistics[] = []
  for (let i = monthCount(from, to) - 1; i >= 0; i--) {
    const statisticsMonth = formatYearMonth(addMonths(from, i))
    months.push({ statisticsMonth, succesfullySentWebhooks: delivered.get(statisticsMonth) ?? 0 })
  }
  return months
}

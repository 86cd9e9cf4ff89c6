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

export async function deliveredPerMonth(db: Kysely<DB>, tenant: string, from: YearMonth, to: YearMonth): Promise<MonthStatistics[]> {
  let select = db
    .selectFrom('delivery')
    .select([sql<string>`to_char(finished_at at time zone 'UTC', 'YYYY-MM')`.as('month'), (eb) => eb.fn.countAll().as('delivered')])
    .where('tenant', '=', tenant)
    .where('state', '=', 'delivered')
    .where('finished_at', '>=', monthStart(from))
  const end = addMonths(to, 1)
  // Year 10000 has no ISO 8601 text a driver would send; nothing after 9999 needs excluding anyway.
  if (end.year <= 9999) select = select.where('finished_at', '<', monthStart(end))
  const rows = await select.groupBy(sql`1`).execute()
  // Deliveries that retention deleted were counted here first.
  let pruned = db
    .selectFrom('delivery_month')
    .select([sql<string>`to_char(month, 'YYYY-MM')`.as('month'), 'delivered'])
    .where('tenant', '=', tenant)
    .where('month', '>=', sql<Date>`${`${formatYearMonth(from)}-01`}::date`)
  if (end.year <= 9999) pruned = pruned.where('month', '<', sql<Date>`${`${formatYearMonth(end)}-01`}::date`)
  const delivered = new Map<string, number>()
  for (const row of [...rows, ...(await pruned.execute())]) delivered.set(row.month, (delivered.get(row.month) ?? 0) + Number(row.delivered))
  const months: MonthStatistics[] = []
  for (let i = monthCount(from, to) - 1; i >= 0; i--) {
    const statisticsMonth = formatYearMonth(addMonths(from, i))
    months.push({ statisticsMonth, succesfullySentWebhooks: delivered.get(statisticsMonth) ?? 0 })
  }
  return months
}

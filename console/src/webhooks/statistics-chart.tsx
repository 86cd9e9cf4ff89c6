/**
 * Successful deliveries per month as a bar chart (SVG drawn here: a dozen bars need no chart library),
 * with the same figures in a table for screen readers and for copying, and the monthly limit if any.
 */
import type { Schemas } from '../api/client'
import './statistics-chart.css'

const WIDTH = 640
const HEIGHT = 180
const AXIS = 24

export function StatisticsChart({ statistics }: { statistics: Schemas['WebhookStatistics'] }) {
  const months = [...statistics.monthStatistics].reverse()
  const top = Math.max(1, statistics.webhooksLimit ?? 0, ...months.map((month) => month.succesfullySentWebhooks))
  const slot = (WIDTH - AXIS) / Math.max(months.length, 1)
  const y = (value: number) => HEIGHT - AXIS - (value / top) * (HEIGHT - AXIS - 8)
  return (
    <section aria-labelledby="statistics-title" class="statistics">
      <h2 id="statistics-title">Successful deliveries per month</h2>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="statistics-title" class="chart">
        {months.map((month, index) => (
          <g>
            <rect class="bar" x={AXIS + index * slot + slot * 0.15} width={slot * 0.7} y={y(month.succesfullySentWebhooks)} height={HEIGHT - AXIS - y(month.succesfullySentWebhooks)}>
              <title>{month.statisticsMonth}: {month.succesfullySentWebhooks}</title>
            </rect>
            <text class="label" x={AXIS + index * slot + slot / 2} y={HEIGHT - 8} text-anchor="middle">{month.statisticsMonth.slice(2)}</text>
          </g>
        ))}
        {statistics.webhooksLimit !== undefined && <line class="limit" x1={AXIS} x2={WIDTH} y1={y(statistics.webhooksLimit)} y2={y(statistics.webhooksLimit)} />}
        <line class="axis" x1={AXIS} x2={WIDTH} y1={HEIGHT - AXIS} y2={HEIGHT - AXIS} />
      </svg>
      <table class="figures">
        <caption class="visually-hidden">Successful deliveries per month</caption>
        <thead><tr><th scope="col">Month</th><th scope="col">Delivered</th></tr></thead>
        <tbody>{statistics.monthStatistics.map((month) => <tr data-month={month.statisticsMonth}><td>{month.statisticsMonth}</td><td>{month.succesfullySentWebhooks}</td></tr>)}</tbody>
      </table>
      {statistics.webhooksLimit !== undefined && <p class="muted">The limit is {statistics.webhooksLimit} a month (the dashed line).</p>}
    </section>
  )
}

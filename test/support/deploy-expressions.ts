/**
 * The PromQL expressions of the example dashboard and alert rules under deploy/, and the metric names
 * they use: what the metrics suites check against a real scrape.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './cli-path.js'

/** Metrics a process has only with a read replica (DATABASE_READ_URL). */
export const REPLICA_METRIC = /^segments_database_replica_/

/**
 * The metric names a PromQL expression uses, roughly: label matchers, ranges, grouping lists and strings
 * taken out, then every identifier not called as a function and not a keyword.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
  const keywords = new Set(['and', 'or', 'unless', 'offset', 'bool', 'by', 'without', 'inf', 'nan'])
  return [...stripped.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((m) => m[1]).filter((name) => !keywords.has(name.toLowerCase()))
}

/** The expressions of the example dashboard and alert rules. */
export function deployExpressions(): { where: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/dashboard.json'), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] }
  const fromDashboard = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map(({ expr }) => ({ where: `dashboard panel "${panel.title}"`, expr })))
  // The rules file is plain YAML: each `expr:` is one line, or a `|` block of the lines indented under it.
  const lines = readFileSync(join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8').split('\n')
  const fromAlerts: { where: string; expr: string }[] = []
  let alert = ''
  lines.forEach((line, i) => {
    const named = /^\s*- alert: (\S+)/.exec(line)
    if (named) alert = named[1]
    const expr = /^(\s*)expr:\s*(.*)$/.exec(line)
    if (!expr) return
    let text = expr[2]
    if (text === '|') {
      const block: string[] = []
      for (let j = i + 1; j < lines.length && (lines[j].trim() === '' || lines[j].search(/\S/) > expr[1].length); j++) block.push(lines[j])
      text = block.join('\n')
    }
    fromAlerts.push({ where: `alert ${alert}`, expr: text })
  })
  return [...fromDashboard, ...fromAlerts]
}

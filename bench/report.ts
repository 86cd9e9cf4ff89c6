/** Printing benchmark results: numbers, aligned tables, and what went wrong in a load run. */

/** A number with thousands separators and `digits` decimals. */
export function fmt(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

/** Non-2xx answers, errors and timeouts of a load run, or undefined when there were none. */
export function problems(summary: { statusCodes: Record<string, number>; errors: number; timeouts: number }): string | undefined {
  const bad = Object.entries(summary.statusCodes).filter(([code]) => !code.startsWith('2'))
  const parts: string[] = []
  if (bad.length > 0) parts.push(`non-2xx: ${bad.map(([code, n]) => `${n}×${code}`).join(', ')}`)
  if (summary.errors > 0) parts.push(`${summary.errors} errors`)
  if (summary.timeouts > 0) parts.push(`${summary.timeouts} timeouts`)
  return parts.length > 0 ? parts.join('; ') : undefined
}

/**
 * CPU time of other processes, read from /proc (Linux): how much of the machine a benchmark's service,
 * receiver and PostgreSQL backends used, to say what bounds a figure. Elsewhere it reads as unknown.
 */
import { readFileSync } from 'node:fs'
import pg from 'pg'

const TICKS_PER_SECOND = 100

/** User plus system CPU seconds of `pid` so far (its own threads; not its children); NaN when unreadable. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces), counted from field 3 (state).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return Number.NaN
  }
}

/** CPU seconds so far of each PostgreSQL backend connected to `database` (the server runs on this machine). */
export async function backendsCpu(admin: pg.Pool | pg.Client, database: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database])
  return new Map(rows.map(({ pid }) => [pid, processCpuSeconds(pid) || 0]))
}

/** CPU seconds the backends used between two readings; a backend that started between them counts whole. */
export function backendsCpuUsed(before: Map<number, number>, after: Map<number, number>): number {
  let used = 0
  for (const [pid, seconds] of after) used += seconds - (before.get(pid) ?? 0)
  return used
}

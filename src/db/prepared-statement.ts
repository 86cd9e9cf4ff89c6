/**
 * Statements prepared once per connection: the storefront's hot reads. Planning their joins costs
 * PostgreSQL more than running them (0.5–0.7 ms against 0.3–0.7 ms, at every request). A statement marked
 * with `PREPARED` is sent on PostgreSQL as a named prepared statement, so the server parses it once per
 * connection and, after a few executions, plans it once for all parameters when that plan is no worse
 * than planning each time (its `plan_cache_mode`). PGlite runs the text as always.
 *
 * Each connection keeps every statement it prepared until it closes: mark only statements whose text comes
 * in a few shapes (no client-written query or sort), and that name their columns (no `select *`, whose row
 * type a migration could change under a prepared plan).
 */
import { createHash } from 'node:crypto'
import { sql } from 'kysely'

const MARK = '/* prepared */'

/** Put first in a raw statement, or in a query builder's `modifyFront`. */
export const PREPARED = sql.raw(MARK)

/** Statement names by text; the texts are few, so this stays small. */
const names = new Map<string, string>()
const MAX_NAMES = 1_000

/** The name a marked statement is prepared under (the same for the same text), or undefined when unmarked. */
export function preparedName(text: string): string | undefined {
  // The mark comes first (after at most a `select `): only the start of each statement is looked at.
  const at = text.lastIndexOf(MARK, 16)
  if (at === -1) return undefined
  let name = names.get(text)
  if (name === undefined) {
    if (names.size >= MAX_NAMES) names.clear()
    name = `css_${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`
    names.set(text, name)
  }
  return name
}

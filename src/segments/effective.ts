/** An effective segment is ACTIVE and now is inside its validity (`from` inclusive, `to` exclusive). */
import { type RawBuilder, type SqlBool, sql } from 'kysely'

/** The condition on the segment table (or alias) `table`, evaluated at the statement's time. */
export function isEffective(table: string): RawBuilder<SqlBool> {
  const column = (name: string) => sql.ref(`${table}.${name}`)
  return sql<SqlBool>`(${column('status')} = 'ACTIVE'
    and (${column('validity_from')} is null or ${column('validity_from')} <= now())
    and (${column('validity_to')} is null or ${column('validity_to')} > now()))`
}

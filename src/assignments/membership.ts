/**
 * Whose view a read is: everyone's (an operator with segment_read), or one customer's (a customer token,
 * or an operator asking with `customerId`) — then only segments that customer is assigned to count, as a
 * B2C customer or within the given legal entity, and for customers themselves only effective ones.
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely'

export interface Membership {
  customerId: string
  /** The legal entity the customer acts for: its assignments and the B2C ones count. */
  legalEntityId?: string
  /**
   * Without a legal entity, count the customer's assignments in every legal entity (an operator asking
   * about a customer) rather than the B2C ones alone (a customer token that names no legal entity).
   */
  anyLegalEntity?: boolean
}

/** The condition on a customer_assignment alias that its legal entity is one the member acts in. */
export function actsIn(alias: string, member: Membership): RawBuilder<SqlBool> {
  if (member.legalEntityId === undefined && member.anyLegalEntity) return sql<SqlBool>`true`
  return sql<SqlBool>`${sql.ref(`${alias}.legal_entity_id`)} in ('', ${member.legalEntityId ?? ''})`
}

/** `segmentColumn` (e.g. `s.id`) is a segment the member is assigned to. Uses the customer index. */
export function isMemberOf(tenantColumn: string, segmentColumn: string, member: Membership): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (
    select 1 from customer_assignment m
    where m.tenant = ${sql.ref(tenantColumn)} and m.customer_id = ${member.customerId}
      and ${actsIn('m', member)} and m.segment_id = ${sql.ref(segmentColumn)})`
}


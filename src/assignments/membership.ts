/**
 * Whose view a read is: everyone's (an operator with segment_read), or one customer's (a customer token,
 * or an operator asking with `customerId`) — then only segments that customer is assigned to count, as a
 * B2C customer or within the given legal entity, and for customers themselves only effective ones.
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely'

export interface Membership {
  customerId: string
  /** The legal entity the customer acts for; B2C assignments count too. */
  legalEntityId?: string
}

/** `segmentColumn` (e.g. `s.id`) is a segment the member is assigned to. Uses the customer index. */
export function isMemberOf(tenantColumn: string, segmentColumn: string, member: Membership): RawBuilder<SqlBool> {
  const legalEntities = member.legalEntityId ? [''].concat(member.legalEntityId) : ['']
  return sql<SqlBool>`exists (
    select 1 from customer_assignment m
    where m.tenant = ${sql.ref(tenantColumn)} and m.customer_id = ${member.customerId}
      and m.legal_entity_id in (${sql.join(legalEntities)}) and m.segment_id = ${sql.ref(segmentColumn)})`
}


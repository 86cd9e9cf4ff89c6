/** Row types of the tables, as Kysely sees them (see migrations/ for the DDL). */
import type { ColumnType, Generated } from 'kysely'
import type { PreviousSecret, StoredHttpConfiguration } from '../webhooks/stored-config.js'

export type Json = ColumnType<unknown, string, string>
export type LanguageMap = Record<string, string>
/** A directory entry's free attributes: a JSON object (see directory/entry-attributes.ts). */
export type Attributes = Record<string, unknown>

export interface SegmentTable {
  tenant: string
  id: string
  name: ColumnType<LanguageMap, string, string>
  description: ColumnType<LanguageMap | null, string | null, string | null>
  validity_from: Date | null
  validity_to: Date | null
  status: 'ACTIVE' | 'INACTIVE'
  site_code: string
  mixins: ColumnType<Record<string, unknown> | null, string | null, string | null>
  metadata_mixins: ColumnType<Record<string, unknown> | null, string | null, string | null>
  version: number
  created_at: Date
  modified_at: Date
}

export interface CustomerAssignmentTable {
  tenant: string
  segment_id: string
  customer_id: string
  legal_entity_id: string
  legal_entity_ref: ColumnType<string | null, never, never>
  assignment_type: 'MANUAL' | 'AUTOMATIC'
  mixins: ColumnType<Record<string, unknown> | null, string | null, string | null>
  metadata_mixins: ColumnType<Record<string, unknown> | null, string | null, string | null>
  version: number
  created_at: Date
  modified_at: Date
}

export interface SegmentRuleTable {
  tenant: string
  segment_id: string
  query: string | null
  b2b: boolean
  relative: boolean
  version: number
  created_at: Date
  modified_at: Date
  state: 'PENDING' | 'RUNNING' | 'DONE'
  cursor: string | null
  evaluated: ColumnType<number, number | undefined, number>
  total: ColumnType<number, number | undefined, number>
  added: ColumnType<number, number | undefined, number>
  removed: ColumnType<number, number | undefined, number>
  started_at: Date | null
  finished_at: Date | null
  error: string | null
  progressed_at: Date
}

export interface ItemAssignmentTable {
  tenant: string
  segment_id: string
  type: 'PRODUCT' | 'CATEGORY'
  item_id: string
  mixins: ColumnType<Record<string, unknown> | null, string | null, string | null>
  metadata_mixins: ColumnType<Record<string, unknown> | null, string | null, string | null>
  version: number
  created_at: Date
  modified_at: Date
}

export interface OutboxEventTable {
  sequence: Generated<number>
  id: string
  tenant: string
  type: string
  subject: string
  payload: ColumnType<Record<string, unknown>, string, never>
  published_at: Date
  dispatched_at: Date | null
  /** W3C traceparent of the traced request that wrote the event (tracing on). */
  traceparent: string | null
}

export interface SchemaMigrationTable {
  version: number
  name: string
  applied_at: Generated<Date>
}

type JsonMap = ColumnType<LanguageMap | null, string | null, string | null>

export interface DirectoryCustomerTable {
  tenant: string
  id: string
  email: string | null
  first_name: string | null
  last_name: string | null
  tags: string[] | null
  attributes: ColumnType<Attributes | null, string | null, string | null>
  legal_entity_ids: string[] | null
  modified_at: Date
}

export interface DirectoryLegalEntityTable {
  tenant: string
  id: string
  name: string | null
  attributes: ColumnType<Attributes | null, string | null, string | null>
  modified_at: Date
}

export interface DirectoryProductTable {
  tenant: string
  id: string
  code: string | null
  name: JsonMap
  category_ids: string[]
  modified_at: Date
}

export interface DirectoryCategoryTable {
  tenant: string
  id: string
  parent_id: string | null
  code: string | null
  name: JsonMap
  description: JsonMap
  slug: JsonMap
  ecn: string[] | null
  validity_from: Date | null
  validity_to: Date | null
  position: number | null
  published: boolean | null
  modified_at: Date
}

export interface WebhookConfigTable {
  tenant: string
  code: string
  provider: string
  active: boolean
  configuration: ColumnType<StoredHttpConfiguration, string, string>
  created_at: Date
  modified_at: Date
}

export interface PortalEndpointTable {
  tenant: string
  id: string
  url: string
  description: string
  event_types: string[] | null
  secret: string
  previous_secrets: ColumnType<PreviousSecret[], string, string>
  disabled: boolean
  created_at: Date
  modified_at: Date
}

export interface PortalLinkTable {
  key_hash: string
  tenant: string
  expires_at: Date
}

export interface DeliveryMonthTable {
  tenant: string
  /** The first day of the UTC month. */
  month: Date
  delivered: number | string
}

export interface ConsoleLinkUseTable {
  jti: string
  expires_at: Date
}

export interface EventSubscriptionTable {
  tenant: string
  event_type: string
  subscribed: boolean
  excluded_fields: ColumnType<string[], string, string>
  version: number
  created_at: Date
  modified_at: Date
}

export interface DeliveryTargetTable {
  tenant: string
  config_code: string
  target_id: string
  disabled_at: Date | null
  disabled_reason: string | null
  failing_since: Date | null
}

export type DeliveryState = 'pending' | 'delivered' | 'failed'

export interface DeliveryTable {
  id: Generated<number>
  tenant: string
  event_sequence: number
  config_code: string
  target_id: string
  state: DeliveryState
  attempts: Generated<number>
  /** `attempts` when an operator last resent or recovered the delivery; the retry schedule counts from here. */
  attempt_base: Generated<number>
  next_attempt_at: Date
  locked_by: string | null
  /** When the current claim began; null when the row is not claimed. */
  locked_at: Date | null
  created_at: Date
  finished_at: Date | null
  last_status: number | null
  last_error: string | null
}

export interface DeliveryAttemptTable {
  delivery_id: number
  attempt: number
  /** When the claim that made the attempt took the delivery; the log is partitioned by it. */
  claimed_at: Date
  started_at: Date
  /** Null when the outcome is unknown (the worker making the attempt was lost). */
  duration_ms: number | null
  status: number | null
  response_excerpt: string | null
  error: string | null
  /** What the attempt sent, configured header values masked; null when unknown. */
  request_headers: Record<string, string> | string | null
}

/** Bumped (by triggers) on every change to a tenant's webhook configs or subscriptions. */
export interface WebhookRoutingVersionTable {
  tenant: string
  version: number
}

/** An API client of a tenant; secrets are kept only as SHA-256 hashes. */
export interface ApiClientTable {
  id: string
  tenant: string
  name: string | null
  scopes: string[]
  secret_hash: Uint8Array
  previous_secret_hash: Uint8Array | null
  previous_secret_expires_at: Date | null
  created_at: Date
  secret_rotated_at: Date | null
  last_used_at: Date | null
}

export interface DB {
  segment: SegmentTable
  customer_assignment: CustomerAssignmentTable
  item_assignment: ItemAssignmentTable
  segment_rule: SegmentRuleTable
  outbox_event: OutboxEventTable
  schema_migration: SchemaMigrationTable
  directory_customer: DirectoryCustomerTable
  directory_legal_entity: DirectoryLegalEntityTable
  directory_product: DirectoryProductTable
  directory_category: DirectoryCategoryTable
  webhook_config: WebhookConfigTable
  portal_endpoint: PortalEndpointTable
  portal_link: PortalLinkTable
  console_link_use: ConsoleLinkUseTable
  delivery_month: DeliveryMonthTable
  event_subscription: EventSubscriptionTable
  delivery_target: DeliveryTargetTable
  delivery: DeliveryTable
  delivery_attempt: DeliveryAttemptTable
  webhook_routing_version: WebhookRoutingVersionTable
  api_client: ApiClientTable
}

/** Who is calling: the verified claims of a bearer token, and the scopes this service knows. */

export const SCOPES = {
  segmentManage: 'customersegment.segment_manage',
  segmentRead: 'customersegment.segment_read',
  segmentReadOwn: 'customersegment.segment_read_own',
  webhookManage: 'webhook.subscription_manage',
  webhookRead: 'webhook.subscription_read',
  /** Manage the tenant's API clients (`/customer-segment/{tenant}/api-clients`). */
  clientManage: 'customersegment.client_manage',
} as const

/** Every scope this service knows. */
export const KNOWN_SCOPES: readonly string[] = Object.values(SCOPES)

/** The scopes of an operator (everything but a customer's own read): `segments token`, the console. */
export const OPERATOR_SCOPES: readonly string[] = KNOWN_SCOPES.filter((scope) => scope !== SCOPES.segmentReadOwn)

export interface Principal {
  tenant: string
  scopes: ReadonlySet<string>
  customerId?: string
  legalEntityId?: string
}

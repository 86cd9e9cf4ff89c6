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

export interface Principal {
  tenant: string
  scopes: ReadonlySet<string>
  customerId?: string
  legalEntityId?: string
}

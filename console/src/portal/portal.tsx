/** The portal's page: the SVIX_SHARED config, its endpoints, the event types, and the messages of a day. */
import { ok, type Api } from '../api/client'
import { useLoad } from '../components/use-load'
import { PortalConfig } from './portal-config'
import { PortalEndpoints } from './portal-endpoints'
import { PortalMessages } from './portal-messages'
import { PortalSubscriptions } from './portal-subscriptions'

export const CONFIG_CODE = 'svix_shared'

export function Portal({ tenant, api }: { tenant: string; api: Api }) {
  const params = { params: { path: { tenant } } }
  const state = useLoad(async () => {
    const since = new Date(Date.now() - 24 * 3_600_000).toISOString()
    const [configs, subscriptions, endpoints, events] = await Promise.all([
      ok(api.GET('/webhook/{tenant}/config', params)),
      ok(api.GET('/webhook/{tenant}/event-subscriptions', params)),
      ok(api.GET('/webhook/{tenant}/portal/endpoints', params)),
      ok(api.GET('/webhook/{tenant}/events', { params: { path: { tenant }, query: { since, pageSize: '100' } } })),
    ])
    return { config: configs.find((config) => config.code === CONFIG_CODE), subscriptions, endpoints, events }
  }, [tenant])
  const context = { tenant, api, reload: state.reload }
  return (
    <main>
      <header>
        <h1>Webhook portal</h1>
        <p class="lead">Tenant <strong>{tenant}</strong>: the endpoints that receive its events, their signing secrets, and what was delivered.</p>
      </header>
      {state.error && <p role="alert">{state.error}</p>}
      {!state.data ? <p>Loading…</p> : (
        <>
          <PortalConfig {...context} config={state.data.config} />
          <PortalEndpoints {...context} endpoints={state.data.endpoints} subscriptions={state.data.subscriptions} />
          <PortalSubscriptions {...context} subscriptions={state.data.subscriptions} />
          <PortalMessages {...context} endpoints={state.data.endpoints} events={state.data.events} />
        </>
      )}
    </main>
  )
}

/** What every section of the portal gets. */
export interface PortalContext {
  tenant: string
  api: Api
  reload(): Promise<void>
}

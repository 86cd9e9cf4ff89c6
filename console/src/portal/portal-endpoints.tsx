/** The endpoints: their signing secrets (revealed or rotated), enabling and disabling, removing. */
import { useState } from 'preact/hooks'
import { ok, type Schemas } from '../api/client'
import { Note } from '../components/note'
import { useAction } from '../components/use-action'
import { AddEndpoint } from './add-endpoint'
import type { PortalContext } from './portal'

type Endpoint = Schemas['PortalEndpoint']

interface EndpointsProps extends PortalContext {
  endpoints: Endpoint[]
  subscriptions: Schemas['EventSubscription'][]
}

export function PortalEndpoints({ tenant, api, reload, endpoints, subscriptions }: EndpointsProps) {
  const action = useAction()
  const [secrets, setSecrets] = useState<Record<string, string>>({})
  const path = (endpointId: string) => ({ params: { path: { tenant, endpointId } } })
  const show = async (id: string) => {
    const { key } = await ok(api.GET('/webhook/{tenant}/portal/endpoints/{endpointId}/secret', path(id)))
    setSecrets({ ...secrets, [id]: key })
  }
  const reveal = (id: string) => action.run('The secret is shown.', () => show(id))
  const rotate = (id: string) => action.run('The secret is replaced; the old one keeps signing for the grace period.', async () => {
    await ok(api.POST('/webhook/{tenant}/portal/endpoints/{endpointId}/secret/rotate', { ...path(id), body: {} }))
    await show(id)
  })
  const setDisabled = (endpoint: Endpoint) => action.run(endpoint.disabled ? 'The endpoint is enabled.' : 'The endpoint is disabled.', async () => {
    await ok(api.PATCH('/webhook/{tenant}/portal/endpoints/{endpointId}', { ...path(endpoint.id), body: { disabled: !endpoint.disabled } }))
    await reload()
  })
  const remove = (endpoint: Endpoint) => {
    if (!window.confirm(`Remove the endpoint ${endpoint.url}? Deliveries to it stop.`)) return
    void action.run('The endpoint is removed.', async () => {
      await ok(api.DELETE('/webhook/{tenant}/portal/endpoints/{endpointId}', path(endpoint.id)))
      await reload()
    })
  }
  return (
    <section aria-labelledby="endpoints-title">
      <h2 id="endpoints-title">Endpoints</h2>
      {endpoints.length === 0 ? <p>No endpoints yet.</p> : (
        <table>
          <thead><tr><th scope="col">URL</th><th scope="col">Event types</th><th scope="col">Description</th><th scope="col">Status</th><th scope="col"><span class="muted">Actions</span></th></tr></thead>
          <tbody>
            {endpoints.map((endpoint) => (
              <tr data-endpoint={endpoint.id}>
                <td>{endpoint.url}{secrets[endpoint.id] && <><br /><code class="secret" aria-label="Signing secret">{secrets[endpoint.id]}</code></>}</td>
                <td>{endpoint.eventTypes === null ? 'all subscribed' : endpoint.eventTypes.join(', ')}</td>
                <td>{endpoint.description}</td>
                <td>{endpoint.disabled ? 'disabled' : 'enabled'}</td>
                <td>
                  <button disabled={action.busy} onClick={() => reveal(endpoint.id)}>Reveal secret</button>
                  <button disabled={action.busy} onClick={() => rotate(endpoint.id)}>Rotate secret</button>
                  <button disabled={action.busy} onClick={() => setDisabled(endpoint)}>{endpoint.disabled ? 'Enable' : 'Disable'}</button>
                  <button class="danger" disabled={action.busy} onClick={() => remove(endpoint)}>Remove</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Note outcome={action.outcome} />
      <AddEndpoint tenant={tenant} api={api} reload={reload} eventTypes={subscriptions.map((subscription) => subscription.event.type)} />
    </section>
  )
}

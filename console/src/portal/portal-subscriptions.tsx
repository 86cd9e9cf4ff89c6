import { ok, type Schemas } from '../api/client'
import { Note } from '../components/note'
import { useAction } from '../components/use-action'
import { localized } from '../segments/localized'
import type { PortalContext } from './portal'

/** The event types, and subscribing to one: only subscribed types are delivered. */
export function PortalSubscriptions({ tenant, api, reload, subscriptions }: PortalContext & { subscriptions: Schemas['EventSubscription'][] }) {
  const action = useAction()
  const subscribe = (subscription: Schemas['EventSubscription']) => action.run(`Subscribed to ${subscription.event.type}.`, async () => {
    const version = subscription.metadata.version
    const item = { eventType: subscription.event.type, action: 'SUBSCRIBE' as const, ...(version !== undefined ? { metadata: { version } } : {}) }
    const [result] = await ok(api.PATCH('/webhook/{tenant}/event-subscriptions', { params: { path: { tenant } }, body: [item] }))
    if (result && result.code >= 300) throw new Error(result.message ?? `status ${result.code}`)
    await reload()
  })
  return (
    <section aria-labelledby="subscriptions-title">
      <h2 id="subscriptions-title">Event types</h2>
      <p class="muted">Only subscribed event types are delivered.</p>
      <table>
        <thead><tr><th scope="col">Event type</th><th scope="col">Subscribed</th><th scope="col">Description</th><th scope="col"><span class="muted">Action</span></th></tr></thead>
        <tbody>
          {subscriptions.map((subscription) => {
            const subscribed = subscription.subscription === 'SUBSCRIBED'
            return (
              <tr>
                <td>{subscription.event.type}</td>
                <td>{subscribed ? 'yes' : 'no'}</td>
                <td>{localized(subscription.event.description)}</td>
                <td>{!subscribed && <button disabled={action.busy} aria-label={`Subscribe to ${subscription.event.type}`} onClick={() => subscribe(subscription)}>Subscribe</button>}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <Note outcome={action.outcome} />
    </section>
  )
}

/**
 * Which event types are delivered, and without which payload fields: the event subscriptions, changed
 * one type at a time (the service answers per item, and its message is shown).
 */
import { useState } from 'preact/hooks'
import { ok, type Schemas } from '../api/client'
import { Note } from '../components/note'
import { useAction } from '../components/use-action'
import { localized } from '../segments/localized'
import { type Session, SCOPES } from '../session/session'

type Subscription = Schemas['EventSubscription']
type Change = Schemas['EventSubscriptionChange']

interface SubscriptionsProps {
  session: Session
  subscriptions: Subscription[]
  onChanged(): Promise<void>
}

export function Subscriptions({ session, subscriptions, onChanged }: SubscriptionsProps) {
  const action = useAction()
  const [fields, setFields] = useState<Record<string, string>>({})
  const manage = session.can(SCOPES.webhookManage)

  const change = (done: string, item: Change) => action.run(done, async () => {
    const [result] = await ok(session.api.PATCH('/webhook/{tenant}/event-subscriptions', { params: { path: { tenant: session.tenant } }, body: [item] }))
    if (result && result.code >= 300) throw new Error(result.message ?? `The service answered ${result.code}.`)
    await onChanged()
  })
  const subscribeAll = (types: string[]) => action.run(`Subscribed to ${types.length} event types.`, async () => {
    const results = await ok(session.api.PATCH('/webhook/{tenant}/event-subscriptions', { params: { path: { tenant: session.tenant } }, body: types.map((eventType) => ({ eventType, action: 'SUBSCRIBE' as const })) }))
    await onChanged()
    const refused = results.filter((result) => result.code >= 300)
    if (refused.length > 0) throw new Error(refused.map((result) => `${result.eventType}: ${result.message ?? result.status}`).join('; '))
  })
  const unsubscribed = subscriptions.filter((subscription) => subscription.subscription !== 'SUBSCRIBED').map((subscription) => subscription.event.type)
  const saveFields = (subscription: Subscription) => {
    const wanted = (fields[subscription.event.type] ?? subscription.excludedFields.join(', ')).split(',').map((field) => field.trim()).filter(Boolean)
    const unsubscribe = wanted.filter((field) => !subscription.excludedFields.includes(field))
    const subscribe = subscription.excludedFields.filter((field) => !wanted.includes(field))
    return change(`The excluded fields of ${subscription.event.type} are saved.`, {
      eventType: subscription.event.type,
      ...(unsubscribe.length > 0 ? { fieldsToUnsubscribe: unsubscribe } : {}),
      ...(subscribe.length > 0 ? { fieldsToSubscribe: subscribe } : {}),
    })
  }

  return (
    <section aria-labelledby="subscriptions-title">
      <h2 id="subscriptions-title">Event types</h2>
      <p class="muted">Only subscribed types are delivered. Excluded fields (comma-separated) are left out of every delivery of the type.</p>
      {manage && unsubscribed.length > 0 && <p><button type="button" disabled={action.busy} onClick={() => subscribeAll(unsubscribed)}>Subscribe to all {unsubscribed.length} other types</button></p>}
      <div class="table-scroll">
        <table>
          <thead><tr><th scope="col">Event type</th><th scope="col">Subscribed</th><th scope="col">Excluded fields</th></tr></thead>
          <tbody>
            {subscriptions.map((subscription) => {
              const type = subscription.event.type
              const subscribed = subscription.subscription === 'SUBSCRIBED'
              return (
                <tr data-event-type={type}>
                  <td><code>{type}</code><br /><span class="muted">{localized(subscription.event.description)}</span></td>
                  <td>
                    {subscribed ? 'Yes' : 'No'}{' '}
                    {manage && (
                      <button type="button" disabled={action.busy} aria-label={`${subscribed ? 'Unsubscribe from' : 'Subscribe to'} ${type}`}
                        onClick={() => change(`${subscribed ? 'Unsubscribed from' : 'Subscribed to'} ${type}.`, { eventType: type, action: subscribed ? 'UNSUBSCRIBE' : 'SUBSCRIBE' })}>
                        {subscribed ? 'Unsubscribe' : 'Subscribe'}
                      </button>
                    )}
                  </td>
                  <td>
                    {manage ? (
                      <div class="row nowrap">
                        <input size={16} aria-label={`Excluded fields of ${type}`} value={fields[type] ?? subscription.excludedFields.join(', ')} onInput={(e) => setFields({ ...fields, [type]: e.currentTarget.value })} />
                        <button type="button" disabled={action.busy} aria-label={`Save the excluded fields of ${type}`} onClick={() => saveFields(subscription)}>Save</button>
                      </div>
                    ) : subscription.excludedFields.join(', ')}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      <Note outcome={action.outcome} />
    </section>
  )
}

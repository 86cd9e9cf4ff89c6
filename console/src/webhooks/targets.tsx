/**
 * The delivery targets with their state and backlog: send a test event, recover what a target missed
 * since a time, re-enable a disabled one.
 */
import { useState } from 'preact/hooks'
import { aDayAgo } from '../components/local-time'
import { ok, type Schemas } from '../api/client'
import { Note } from '../components/note'
import { useAction } from '../components/use-action'
import { type Session, SCOPES } from '../session/session'

type Target = Schemas['DeliveryTarget']


export function Targets({ session, targets, onChanged }: { session: Session; targets: Target[]; onChanged(): Promise<void> }) {
  const action = useAction()
  const [since, setSince] = useState(aDayAgo)
  const manage = session.can(SCOPES.webhookManage)
  const path = (target: Target) => ({ tenant: session.tenant, configCode: target.configCode, targetId: target.targetId })
  const label = (target: Target) => target.name ?? (target.targetId === 'default' ? `${target.configCode} (destination URL)` : `${target.configCode}/${target.targetId}`)

  const test = (target: Target) => action.run('', async () => {
    const result = await ok(session.api.POST('/webhook/{tenant}/targets/{configCode}/{targetId}/test', { params: { path: path(target) } }))
    if (result.status === null) throw new Error(`The test event to ${result.url} got no answer: ${result.error}`)
    return `The test event to ${result.url} was answered ${result.status} in ${Math.round(result.durationMs)} ms${result.error ? ` (${result.error})` : ''}.`
  })
  const recover = (target: Target) => action.run('', async () => {
    const answer = await ok(session.api.POST('/webhook/{tenant}/targets/{configCode}/{targetId}/recover', { params: { path: path(target) }, body: { since: new Date(since).toISOString() } }))
    await onChanged()
    return `${answer.recovered} deliveries to ${label(target)} are sent again.`
  })
  const enable = (target: Target) => action.run(`${label(target)} is enabled again.`, async () => {
    await ok(session.api.POST('/webhook/{tenant}/targets/{configCode}/{targetId}/enable', { params: { path: path(target) } }))
    await onChanged()
  })

  return (
    <section aria-labelledby="targets-title">
      <h2 id="targets-title">Targets</h2>
      {targets.length === 0 ? <p>No targets yet: configure a destination.</p> : (
        <div class="table-scroll">
          <table>
            <thead><tr><th scope="col">Target</th><th scope="col">URL</th><th scope="col">State</th><th scope="col">Waiting</th><th scope="col">Failed</th>{manage && <th scope="col"><span class="visually-hidden">Actions</span></th>}</tr></thead>
            <tbody>
              {targets.map((target) => (
                <tr data-target={`${target.configCode}/${target.targetId}`}>
                  <td>{label(target)}{target.eventType && <><br /><code>{target.eventType}</code></>}</td>
                  <td>{target.url}</td>
                  <td>{target.disabled ? `Disabled: ${target.disabledReason ?? ''}` : !target.active ? 'Inactive' : target.failingSince ? `Failing since ${new Date(target.failingSince).toLocaleString()}` : 'Healthy'}</td>
                  <td>{target.pendingDeliveries}</td>
                  <td>{target.failedDeliveries}</td>
                  {manage && (
                    <td class="row">
                      {target.active && !target.disabled && <button type="button" disabled={action.busy} aria-label={`Send a test event to ${label(target)}`} onClick={() => test(target)}>Send a test event</button>}
                      <button type="button" disabled={action.busy} aria-label={`Recover ${label(target)}`} onClick={() => recover(target)}>Recover</button>
                      {target.disabled && <button type="button" disabled={action.busy} aria-label={`Re-enable ${label(target)}`} onClick={() => enable(target)}>Re-enable</button>}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {manage && targets.length > 0 && (
        <label>Recover sends again what a target has not received since<input type="datetime-local" value={since} onInput={(e) => setSince(e.currentTarget.value)} /></label>
      )}
      <Note outcome={action.outcome} />
    </section>
  )
}

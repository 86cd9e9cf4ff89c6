import { useState } from 'preact/hooks'
import { ok } from '../api/client'
import { Note } from '../components/note'
import { useAction } from '../components/use-action'
import type { PortalContext } from './portal'

/** A new endpoint: its URL, a description, and the event types it takes (none chosen: every subscribed one). */
export function AddEndpoint({ tenant, api, reload, eventTypes }: PortalContext & { eventTypes: string[] }) {
  const action = useAction()
  const [url, setUrl] = useState('')
  const [description, setDescription] = useState('')
  const [types, setTypes] = useState<string[]>([])
  const toggle = (type: string) => setTypes(types.includes(type) ? types.filter((chosen) => chosen !== type) : [...types, type])
  const submit = (event: Event) => {
    event.preventDefault()
    void action.run('The endpoint is added.', async () => {
      await ok(api.POST('/webhook/{tenant}/portal/endpoints', { params: { path: { tenant } }, body: { url, description, eventTypes: types.length === 0 ? null : types } }))
      setUrl('')
      setDescription('')
      setTypes([])
      await reload()
    })
  }
  return (
    <form onSubmit={submit} aria-labelledby="add-title">
      <h3 id="add-title">Add an endpoint</h3>
      <label for="endpoint-url">URL</label>
      <input id="endpoint-url" type="url" required value={url} placeholder="https://example.com/webhooks" onInput={(e) => setUrl(e.currentTarget.value)} />
      <label for="endpoint-description">Description</label>
      <input id="endpoint-description" type="text" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      <fieldset>
        <legend>Event types (none chosen: all subscribed ones)</legend>
        {eventTypes.map((type) => <label><input type="checkbox" checked={types.includes(type)} onChange={() => toggle(type)} /> {type}</label>)}
      </fieldset>
      <button class="primary" type="submit" disabled={action.busy}>Add endpoint</button>
      <Note outcome={action.outcome} />
    </form>
  )
}

/**
 * The HTTP webhook config (code `http`): where events go, the secret they are signed with (write-only:
 * the service only says whether one is set), extra headers, and per-type entries. Saved with PUT, which
 * keeps entry ids and any secret left empty; created with POST when there is none yet.
 */
import { useState } from 'preact/hooks'
import { ok, type Schemas } from '../api/client'
import { Note } from '../components/note'
import type { Action } from '../components/use-action'
import type { Session } from '../session/session'
import { EntryFields, type EntryDraft } from './entry-fields'
import './http-config.css'

type Config = Schemas['WebhookConfig']
type Creation = Schemas['WebhookConfigCreation']
type Entry = NonNullable<NonNullable<Creation['configuration']>['eventsConfiguration']>[number]
type Headers = Record<string, { value: string }>
/** The configuration of an HTTP config (an SVIX_SHARED one has none). */
type HttpConfiguration = Extract<Config['configuration'], { eventsConfiguration: unknown }>

const CODE = 'http'

function draftsOf(config: Config | undefined): EntryDraft[] {
  const configuration = config?.configuration as Partial<HttpConfiguration> | undefined
  return (configuration?.eventsConfiguration ?? []).map((entry) => ({
    id: entry.id,
    eventType: entry.eventType,
    destinationUrl: entry.destinationUrl ?? '',
    secretKey: '',
    secretKeyExists: entry.secretKeyExists,
    filter: entry.filter ?? '',
    excludedFields: entry.excludedFields === null ? '' : entry.excludedFields.join(', '),
    active: entry.active,
  }))
}

function entryOf(draft: EntryDraft): Entry {
  const excluded = draft.excludedFields.split(',').map((field) => field.trim()).filter(Boolean)
  return {
    ...(draft.id ? { id: draft.id } : {}),
    eventType: draft.eventType,
    active: draft.active,
    ...(draft.destinationUrl.trim() ? { destinationUrl: draft.destinationUrl.trim() } : {}),
    ...(draft.secretKey ? { secretKey: draft.secretKey } : {}),
    ...(draft.filter.trim() ? { filter: draft.filter } : {}),
    excludedFields: excluded.length > 0 ? excluded : null,
  }
}

interface HttpConfigProps {
  session: Session
  /** Held by the page, so its outcome outlives the form, which is made anew from what was saved. */
  action: Action
  config: Config | undefined
  eventTypes: string[]
  onSaved(): Promise<void>
}

export function HttpConfig({ session, action, config, eventTypes, onSaved }: HttpConfigProps) {
  const root = (config?.configuration ?? {}) as Partial<HttpConfiguration>
  const [active, setActive] = useState(config?.active ?? true)
  const [url, setUrl] = useState(root.destinationUrl ?? '')
  const [secret, setSecret] = useState('')
  const [headers, setHeaders] = useState(Object.entries(root.headers ?? {}).map(([name, { value }]) => `${name}: ${value}`).join('\n'))
  const [entries, setEntries] = useState(draftsOf(config))
  const tenant = session.tenant

  const save = (event: Event) => {
    event.preventDefault()
    void action.run(config ? 'The webhook config is saved.' : 'The webhook config is created.', async () => {
      const headerMap: Headers = {}
      for (const line of headers.split('\n').filter((text) => text.trim() !== '')) {
        const colon = line.indexOf(':')
        if (colon <= 0) throw new Error(`Write each header as "Name: value" (not "${line}").`)
        headerMap[line.slice(0, colon).trim()] = { value: line.slice(colon + 1).trim() }
      }
      const body: Creation = {
        code: CODE,
        provider: 'HTTP',
        active,
        configuration: {
          ...(url.trim() ? { destinationUrl: url.trim() } : {}),
          ...(secret ? { secretKey: secret } : {}),
          headers: headerMap,
          eventsConfiguration: entries.map(entryOf),
        },
      }
      if (config) await ok(session.api.PUT('/webhook/{tenant}/config/{code}', { params: { path: { tenant, code: CODE } }, body }))
      else await ok(session.api.POST('/webhook/{tenant}/config', { params: { path: { tenant } }, body }))
      setSecret('')
      await onSaved()
    })
  }

  return (
    <form class="http-config" onSubmit={save} aria-labelledby="http-config-title">
      <h2 id="http-config-title">HTTP deliveries</h2>
      {!config && <p class="muted">There is no HTTP config yet: fill in where events should go.</p>}
      <label class="inline"><input type="checkbox" name="active" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} /> Active (activating it pauses the SVIX_SHARED config)</label>
      <div class="row">
        <label>Destination URL<input name="destinationUrl" type="url" size={40} value={url} placeholder="https://example.com/hooks/segments" onInput={(e) => setUrl(e.currentTarget.value)} /></label>
        <label>Secret {root.secretKeyExists ? '(set; type to replace)' : '(none yet)'}
          <input name="secretKey" type="password" autocomplete="new-password" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
        </label>
      </div>
      <label>Extra headers, one "Name: value" a line<textarea name="headers" rows={2} value={headers} onInput={(e) => setHeaders(e.currentTarget.value)} /></label>
      <h3>Entries per event type</h3>
      <p class="muted">A type with entries goes to each active entry whose filter matches; a type without entries goes to the destination URL.</p>
      {entries.map((entry, index) => (
        <EntryFields session={session} index={index} entry={entry} eventTypes={eventTypes}
          onChange={(changed) => setEntries(entries.map((old, at) => (at === index ? changed : old)))}
          onRemove={() => setEntries(entries.filter((_, at) => at !== index))} />
      ))}
      <div>
        <button type="button" onClick={() => setEntries([...entries, { eventType: '', destinationUrl: '', secretKey: '', secretKeyExists: false, filter: '', excludedFields: '', active: true }])}>Add an entry</button>
      </div>
      <Note outcome={action.outcome} />
      <div><button class="primary" disabled={action.busy}>{config ? 'Save the config' : 'Create the config'}</button></div>
    </form>
  )
}

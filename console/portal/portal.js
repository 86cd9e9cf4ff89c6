// The webhook portal: a tenant's consumer view of its SVIX_SHARED webhooks, on the service's public API.
// Opened from a one-time link (`/portal#key=…`, from GET /webhook/{tenant}/dashboard-access), whose key is
// exchanged once for a token kept in memory only. Preact with htm (one local file, no build step).
import { html, render, useEffect, useState } from './preact-htm.js'

const CONFIG_CODE = 'svix_shared'

/** Calls the API with the portal's token; resolves to the parsed body, or throws the API's message. */
function api(session, method, path, body) {
  const headers = { authorization: `Bearer ${session.token}` }
  if (body !== undefined) headers['content-type'] = 'application/json'
  return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (res) => {
    const text = await res.text()
    const parsed = text === '' ? undefined : JSON.parse(text)
    if (!res.ok) {
      const details = parsed && Array.isArray(parsed.details) ? ` (${parsed.details.join('; ')})` : ''
      throw new Error(`${(parsed && parsed.message) || `${res.status} ${res.statusText}`}${details}`)
    }
    return parsed
  })
}

/** Runs an action, showing its outcome: a note when it worked, the API's message when it did not. */
function useAction(setNote) {
  const [busy, setBusy] = useState(false)
  const run = async (label, action) => {
    setBusy(true)
    try {
      await action()
      setNote({ ok: true, text: label })
    } catch (error) {
      setNote({ ok: false, text: error.message })
    } finally {
      setBusy(false)
    }
  }
  return [busy, run]
}

function Note({ note }) {
  if (!note) return html`<p role="status"></p>`
  return note.ok ? html`<p role="status" class="note">${note.text}</p>` : html`<p role="alert">${note.text}</p>`
}

function Config({ session, config, reload, setNote }) {
  const [busy, run] = useAction(setNote)
  const base = `/webhook/${session.tenant}/config`
  if (config === null) {
    return html`<section aria-labelledby="config-title">
      <h2 id="config-title">Configuration</h2>
      <p>There is no SVIX_SHARED configuration yet: endpoints receive nothing until there is one.</p>
      <button class="primary" disabled=${busy} onClick=${() => run('The configuration is created and active.', async () => {
        await api(session, 'POST', base, { code: CONFIG_CODE, active: true, provider: 'SVIX_SHARED', configuration: {} })
        await reload()
      })}>Create it</button>
    </section>`
  }
  const toggle = () => run(config.active ? 'Deliveries are paused.' : 'Deliveries are on.', async () => {
    await api(session, 'PATCH', `${base}/${CONFIG_CODE}`, [{ op: 'UPSERT', path: '/active', value: !config.active }])
    await reload()
  })
  return html`<section aria-labelledby="config-title">
    <h2 id="config-title">Configuration</h2>
    <p>SVIX_SHARED deliveries are <strong>${config.active ? 'on' : 'paused'}</strong>.</p>
    <button disabled=${busy} onClick=${toggle}>${config.active ? 'Pause deliveries' : 'Turn deliveries on'}</button>
  </section>`
}

function Subscriptions({ session, catalogue, reload, setNote }) {
  const [busy, run] = useAction(setNote)
  const subscribe = (entry) => run(`Subscribed to ${entry.eventType}.`, async () => {
    const item = { eventType: entry.eventType, action: 'SUBSCRIBE' }
    if (entry.version !== undefined) item.metadata = { version: entry.version }
    const [result] = await api(session, 'PATCH', `/webhook/${session.tenant}/event-subscriptions`, [item])
    if (result && result.code >= 300) throw new Error(result.message || `status ${result.code}`)
    await reload()
  })
  return html`<section aria-labelledby="subscriptions-title">
    <h2 id="subscriptions-title">Event types</h2>
    <p class="muted">Only subscribed event types are delivered.</p>
    <table>
      <thead><tr><th scope="col">Event type</th><th scope="col">Subscribed</th><th scope="col">Description</th><th scope="col"><span class="muted">Action</span></th></tr></thead>
      <tbody>${catalogue.map((entry) => html`<tr>
        <td>${entry.eventType}</td>
        <td>${entry.subscribed ? 'yes' : 'no'}</td>
        <td>${entry.description}</td>
        <td>${entry.subscribed ? '' : html`<button disabled=${busy} aria-label=${`Subscribe to ${entry.eventType}`} onClick=${() => subscribe(entry)}>Subscribe</button>`}</td>
      </tr>`)}</tbody>
    </table>
  </section>`
}

function AddEndpoint({ session, catalogue, reload, setNote }) {
  const [busy, run] = useAction(setNote)
  const [url, setUrl] = useState('')
  const [description, setDescription] = useState('')
  const [types, setTypes] = useState([])
  const toggle = (type) => setTypes(types.includes(type) ? types.filter((t) => t !== type) : [...types, type])
  const submit = (event) => {
    event.preventDefault()
    run('The endpoint is added.', async () => {
      await api(session, 'POST', `/webhook/${session.tenant}/portal/endpoints`, { url, description, eventTypes: types.length === 0 ? null : types })
      setUrl('')
      setDescription('')
      setTypes([])
      await reload()
    })
  }
  return html`<form onSubmit=${submit} aria-labelledby="add-title">
    <h3 id="add-title">Add an endpoint</h3>
    <label for="endpoint-url">URL</label>
    <input id="endpoint-url" type="url" required value=${url} onInput=${(e) => setUrl(e.currentTarget.value)} placeholder="https://example.com/webhooks" />
    <label for="endpoint-description">Description</label>
    <input id="endpoint-description" type="text" value=${description} onInput=${(e) => setDescription(e.currentTarget.value)} />
    <fieldset>
      <legend>Event types (none chosen: all subscribed ones)</legend>
      ${catalogue.map((entry) => html`<label><input type="checkbox" checked=${types.includes(entry.eventType)} onChange=${() => toggle(entry.eventType)} /> ${entry.eventType}</label>`)}
    </fieldset>
    <button class="primary" type="submit" disabled=${busy}>Add endpoint</button>
  </form>`
}

function Endpoints({ session, endpoints, catalogue, reload, setNote }) {
  const [busy, run] = useAction(setNote)
  const [secrets, setSecrets] = useState({})
  const base = `/webhook/${session.tenant}/portal/endpoints`
  const reveal = (id) => run('The secret is shown.', async () => {
    const { key } = await api(session, 'GET', `${base}/${id}/secret`)
    setSecrets({ ...secrets, [id]: key })
  })
  const rotate = (id) => run('The secret is replaced; the old one keeps signing for the grace period.', async () => {
    await api(session, 'POST', `${base}/${id}/secret/rotate`, {})
    const { key } = await api(session, 'GET', `${base}/${id}/secret`)
    setSecrets({ ...secrets, [id]: key })
  })
  const setDisabled = (endpoint) => run(endpoint.disabled ? 'The endpoint is enabled.' : 'The endpoint is disabled.', async () => {
    await api(session, 'PATCH', `${base}/${endpoint.id}`, { disabled: !endpoint.disabled })
    await reload()
  })
  const remove = (endpoint) => {
    if (!window.confirm(`Remove the endpoint ${endpoint.url}? Deliveries to it stop.`)) return
    run('The endpoint is removed.', async () => {
      await api(session, 'DELETE', `${base}/${endpoint.id}`)
      await reload()
    })
  }
  return html`<section aria-labelledby="endpoints-title">
    <h2 id="endpoints-title">Endpoints</h2>
    ${endpoints.length === 0
      ? html`<p>No endpoints yet.</p>`
      : html`<table>
        <thead><tr><th scope="col">URL</th><th scope="col">Event types</th><th scope="col">Description</th><th scope="col">Status</th><th scope="col"><span class="muted">Actions</span></th></tr></thead>
        <tbody>${endpoints.map((endpoint) => html`<tr data-endpoint=${endpoint.id}>
          <td>${endpoint.url}${secrets[endpoint.id] ? html`<br /><code class="secret" aria-label="Signing secret">${secrets[endpoint.id]}</code>` : ''}</td>
          <td>${endpoint.eventTypes === null ? 'all subscribed' : endpoint.eventTypes.join(', ')}</td>
          <td>${endpoint.description}</td>
          <td>${endpoint.disabled ? 'disabled' : 'enabled'}</td>
          <td>
            <button disabled=${busy} onClick=${() => reveal(endpoint.id)}>Reveal secret</button>
            <button disabled=${busy} onClick=${() => rotate(endpoint.id)}>Rotate secret</button>
            <button disabled=${busy} onClick=${() => setDisabled(endpoint)}>${endpoint.disabled ? 'Enable' : 'Disable'}</button>
            <button class="danger" disabled=${busy} onClick=${() => remove(endpoint)}>Remove</button>
          </td>
        </tr>`)}</tbody>
      </table>`}
    <${AddEndpoint} session=${session} catalogue=${catalogue} reload=${reload} setNote=${setNote} />
  </section>`
}

function Messages({ session, endpoints, events, reload, setNote }) {
  const [busy, run] = useAction(setNote)
  const urls = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint.url]))
  const resend = (event, delivery) => run(`${event.type} is sent again to ${urls.get(delivery.targetId) || delivery.targetId}.`, async () => {
    await api(session, 'POST', `/webhook/${session.tenant}/events/${event.id}/resend`, { configCode: CONFIG_CODE, targetId: delivery.targetId })
    await reload()
  })
  const rows = events.flatMap((event) => event.deliveries.filter((d) => d.configCode === CONFIG_CODE).map((delivery) => ({ event, delivery })))
  return html`<section aria-labelledby="messages-title">
    <h2 id="messages-title">Messages</h2>
    <p class="muted">Deliveries of the last 24 hours to these endpoints, oldest first. <button onClick=${() => run('Refreshed.', reload)} disabled=${busy}>Refresh</button></p>
    ${rows.length === 0
      ? html`<p>No deliveries yet.</p>`
      : html`<table>
        <thead><tr><th scope="col">Event</th><th scope="col">Endpoint</th><th scope="col">Published</th><th scope="col">State</th><th scope="col"><span class="muted">Action</span></th></tr></thead>
        <tbody>${rows.map(({ event, delivery }) => html`<tr data-event=${event.id}>
          <td>${event.type}<br /><span class="muted">${event.subject}</span></td>
          <td>${urls.get(delivery.targetId) || delivery.targetId}</td>
          <td>${event.time}</td>
          <td class=${`state-${delivery.state}`}>${delivery.state}, ${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}${delivery.lastStatus ? ` (HTTP ${delivery.lastStatus})` : ''}${delivery.lastError ? html`<br /><span class="muted">${delivery.lastError}</span>` : ''}</td>
          <td><button disabled=${busy} onClick=${() => resend(event, delivery)}>Resend</button></td>
        </tr>`)}</tbody>
      </table>`}
  </section>`
}

function Portal({ session }) {
  const [state, setState] = useState(undefined)
  const [note, setNote] = useState(undefined)
  const load = async () => {
    const t = session.tenant
    const since = new Date(Date.now() - 24 * 3_600_000).toISOString()
    const [configs, catalogue, endpoints, events] = await Promise.all([
      api(session, 'GET', `/webhook/${t}/config`),
      api(session, 'GET', `/webhook/${t}/event-subscriptions`),
      api(session, 'GET', `/webhook/${t}/portal/endpoints`),
      api(session, 'GET', `/webhook/${t}/events?since=${encodeURIComponent(since)}&pageSize=100`),
    ])
    const types = catalogue.map((entry) => ({
      eventType: entry.event.type,
      description: Object.values(entry.event.description)[0] || '',
      subscribed: entry.subscription === 'SUBSCRIBED',
      version: entry.metadata.version,
    }))
    setState({ config: configs.find((c) => c.code === CONFIG_CODE) || null, catalogue: types, endpoints, events })
  }
  useEffect(() => {
    load().catch((error) => setNote({ ok: false, text: error.message }))
  }, [])
  const props = { session, reload: load, setNote }
  return html`<header>
      <h1>Webhook portal</h1>
      <p class="lead">Tenant <strong>${session.tenant}</strong>: the endpoints that receive its events, their signing secrets, and what was delivered.</p>
    </header>
    <${Note} note=${note} />
    ${state === undefined
      ? html`<p>Loading…</p>`
      : html`
        <${Config} ...${props} config=${state.config} />
        <${Endpoints} ...${props} endpoints=${state.endpoints} catalogue=${state.catalogue} />
        <${Subscriptions} ...${props} catalogue=${state.catalogue} />
        <${Messages} ...${props} endpoints=${state.endpoints} events=${state.events} />`}`
}

async function open() {
  const root = document.getElementById('app')
  const key = new URLSearchParams(location.hash.slice(1)).get('key')
  // The key works once: it leaves the address bar (and the history) at once.
  history.replaceState(null, '', location.pathname)
  if (!key) {
    render(html`<h1>Webhook portal</h1><p role="alert">Open the portal with the link from dashboard-access (GET /webhook/{tenant}/dashboard-access).</p>`, root)
    return
  }
  try {
    const res = await fetch('/portal/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) })
    const body = await res.json()
    if (!res.ok) throw new Error(body.message || `${res.status} ${res.statusText}`)
    render(html`<${Portal} session=${body} />`, root)
  } catch (error) {
    render(html`<h1>Webhook portal</h1><p role="alert">${error.message}</p>`, root)
  }
}

open()

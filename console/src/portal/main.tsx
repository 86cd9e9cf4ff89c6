// The webhook portal: a tenant's consumer view of its SVIX_SHARED webhooks, on the service's public API.
// Opened from a one-time link (`/portal#key=…`, from GET /webhook/{tenant}/dashboard-access), whose key is
// exchanged once for a token kept in memory only.
import { render } from 'preact'
import { apiClient, errorMessage } from '../api/client'
import { Portal } from './portal'
import './portal.css'

function Problem({ text }: { text: string }) {
  return (
    <main>
      <h1>Webhook portal</h1>
      <p role="alert">{text}</p>
    </main>
  )
}

async function open(root: HTMLElement): Promise<void> {
  const key = new URLSearchParams(location.hash.slice(1)).get('key')
  // The key works once: it leaves the address bar (and the history) at once.
  history.replaceState(null, '', location.pathname)
  root.textContent = ''
  if (!key) {
    render(<Problem text="Open the portal with the link from dashboard-access (GET /webhook/{tenant}/dashboard-access)." />, root)
    return
  }
  try {
    const response = await fetch('/portal/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) })
    const body = (await response.json()) as { tenant: string; token: string }
    if (!response.ok) throw new Error(errorMessage(response.status, body))
    const unauthorized = () => render(<Problem text="The portal's session has ended: ask for a new link (dashboard-access)." />, root)
    render(<Portal tenant={body.tenant} api={apiClient(body.token, unauthorized)} />, root)
  } catch (error) {
    render(<Problem text={(error as Error).message} />, root)
  }
}

void open(document.getElementById('app') as HTMLElement)

/**
 * Signing in: with API credentials (a client id and secret, exchanged at /oauth/token as any client
 * does), with a pasted bearer token, or with the one-time link `segments console` prints, whose key is
 * exchanged once at /console/session.
 */
import { useEffect, useState } from 'preact/hooks'
import { errorMessage } from '../api/client'
import { Note } from '../components/note'
import { useAction } from '../components/use-action'
import './sign-in.css'

async function post(path: string, body: string, type: string): Promise<Record<string, unknown>> {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': type }, body })
  const text = await response.text()
  const parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>)
  if (!response.ok) {
    const oauth = typeof parsed.error_description === 'string' ? parsed.error_description : undefined
    throw new Error(oauth ?? errorMessage(response.status, parsed))
  }
  return parsed
}

/** The key of a sign-in link, taken out of the address bar. */
function linkKey(): string | undefined {
  const match = /^#key=([A-Za-z0-9._~-]+)$/.exec(location.hash)
  if (!match) return undefined
  history.replaceState(null, '', location.pathname)
  return match[1]
}

export function SignIn({ onToken, reason }: { onToken(token: string): string | undefined; reason?: string }) {
  const action = useAction()
  const [clientId, setClientId] = useState('')
  const [clientSecret, setClientSecret] = useState('')
  const [token, setToken] = useState('')
  const use = (value: string) => {
    const refused = onToken(value)
    if (refused) throw new Error(refused)
  }

  useEffect(() => {
    const key = linkKey()
    if (key) void action.run('Signed in.', async () => use(String((await post('/console/session', JSON.stringify({ key }), 'application/json')).token)))
    else if (reason) action.say({ ok: false, text: reason })
  }, [])

  const withCredentials = (event: Event) => {
    event.preventDefault()
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId.trim(), client_secret: clientSecret })
    void action.run('Signed in.', async () => use(String((await post('/oauth/token', form.toString(), 'application/x-www-form-urlencoded')).access_token)))
  }
  const withToken = (event: Event) => {
    event.preventDefault()
    void action.run('Signed in.', async () => use(token))
  }

  return (
    <main class="sign-in">
      <h1>Customer Segment Service</h1>
      <Note outcome={action.outcome} />
      <form onSubmit={withCredentials} aria-labelledby="credentials-title">
        <h2 id="credentials-title">Sign in with API credentials</h2>
        <label>Client id<input name="client_id" autocomplete="username" required value={clientId} onInput={(e) => setClientId(e.currentTarget.value)} /></label>
        <label>Client secret<input name="client_secret" type="password" autocomplete="current-password" required value={clientSecret} onInput={(e) => setClientSecret(e.currentTarget.value)} /></label>
        <button class="primary" disabled={action.busy}>Sign in</button>
      </form>
      <form onSubmit={withToken} aria-labelledby="token-title">
        <h2 id="token-title">Or with a token</h2>
        <label>Bearer token<textarea name="token" rows={3} required value={token} onInput={(e) => setToken(e.currentTarget.value)} /></label>
        <button disabled={action.busy}>Use this token</button>
      </form>
      <p class="hint">On the machine that runs the service, <code>segments console --tenant &lt;tenant&gt;</code> prints a sign-in link.</p>
    </main>
  )
}

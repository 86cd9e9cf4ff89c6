/**
 * Webhooks: the HTTP config, the event types, the targets, the monthly statistics, and the ways to the
 * event log and to the webhook portal (for SVIX_SHARED endpoints).
 */
import { useState } from 'preact/hooks'
import { ok } from '../api/client'
import { Note } from '../components/note'
import { useAction } from '../components/use-action'
import { useLoad } from '../components/use-load'
import { href } from '../router'
import { type Session, SCOPES } from '../session/session'
import { HttpConfig } from './http-config'
import { StatisticsChart } from './statistics-chart'
import { Subscriptions } from './subscriptions'
import { Targets } from './targets'

const MONTHS = 12

function yearMonth(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`
}

export function WebhookPage({ session }: { session: Session }) {
  const tenant = session.tenant
  const params = { params: { path: { tenant } } }
  const data = useLoad(async () => {
    const now = new Date()
    const from = yearMonth(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (MONTHS - 1), 1)))
    const [configs, subscriptions, targets, statistics] = await Promise.all([
      ok(session.api.GET('/webhook/{tenant}/config', params)),
      ok(session.api.GET('/webhook/{tenant}/event-subscriptions', params)),
      ok(session.api.GET('/webhook/{tenant}/targets', params)),
      ok(session.api.GET('/webhook/{tenant}/statistics', { params: { path: { tenant }, query: { fromYearMonth: from } } })),
    ])
    return { configs, subscriptions, targets, statistics }
  }, [tenant])
  const saving = useAction()
  const portal = useAction()
  const [portalUrl, setPortalUrl] = useState<string | undefined>(undefined)
  const openPortal = () => portal.run('', async () => {
    setPortalUrl((await ok(session.api.GET('/webhook/{tenant}/dashboard-access', params))).url)
  })

  if (data.error) return <p role="alert" class="note failed">{data.error}</p>
  if (!data.data) return <p role="status">Loading the webhook settings…</p>
  const { configs, subscriptions, targets, statistics } = data.data
  const http = configs.find((config) => config.code === 'http')
  const shared = configs.find((config) => config.code === 'svix_shared')
  return (
    <section aria-labelledby="webhooks-title">
      <div class="title-row">
        <h1 id="webhooks-title">Webhooks</h1>
        <a href={href('webhooks', 'events')}>Event log and deliveries</a>
      </div>
      {session.can(SCOPES.webhookManage) ? (
        <HttpConfig key={JSON.stringify(http)} session={session} action={saving} config={http} eventTypes={subscriptions.map((subscription) => subscription.event.type)} onSaved={data.reload} />
      ) : (
        <pre aria-label="The webhook configs">{JSON.stringify(configs, null, 2)}</pre>
      )}
      <Subscriptions session={session} subscriptions={subscriptions} onChanged={data.reload} />
      <Targets session={session} targets={targets} onChanged={data.reload} />
      <StatisticsChart statistics={statistics} />
      {session.can(SCOPES.webhookManage) && (
        <section aria-labelledby="portal-title">
          <h2 id="portal-title">Webhook portal</h2>
          <p>
            Receivers that manage their own endpoints use the portal (provider SVIX_SHARED{shared ? `, ${shared.active ? 'active' : 'paused'}` : ', not configured yet'}).
            A link opens it once, within 10 minutes.
          </p>
          {portalUrl ? (
            <p><a href={portalUrl} target="_blank" rel="noopener noreferrer" onClick={() => setTimeout(() => setPortalUrl(undefined))}>Open the webhook portal</a> (a one-time link)</p>
          ) : (
            <button type="button" disabled={portal.busy} onClick={openPortal}>Get a link to the webhook portal</button>
          )}
          <Note outcome={portal.outcome} />
        </section>
      )}
    </section>
  )
}

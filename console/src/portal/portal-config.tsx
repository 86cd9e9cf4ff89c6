import { ok, type Schemas } from '../api/client'
import { Note } from '../components/note'
import { useAction } from '../components/use-action'
import { CONFIG_CODE, type PortalContext } from './portal'

/** Whether SVIX_SHARED deliveries are on: the config is created when there is none, then paused or resumed. */
export function PortalConfig({ tenant, api, reload, config }: PortalContext & { config: Schemas['WebhookConfig'] | undefined }) {
  const action = useAction()
  const path = { tenant }
  if (!config) {
    const create = () => action.run('The configuration is created and active.', async () => {
      await ok(api.POST('/webhook/{tenant}/config', { params: { path }, body: { code: CONFIG_CODE, active: true, provider: 'SVIX_SHARED', configuration: {} } }))
      await reload()
    })
    return (
      <section aria-labelledby="config-title">
        <h2 id="config-title">Configuration</h2>
        <p>There is no SVIX_SHARED configuration yet: endpoints receive nothing until there is one.</p>
        <button class="primary" disabled={action.busy} onClick={create}>Create it</button>
        <Note outcome={action.outcome} />
      </section>
    )
  }
  const toggle = () => action.run(config.active ? 'Deliveries are paused.' : 'Deliveries are on.', async () => {
    await ok(api.PATCH('/webhook/{tenant}/config/{code}', { params: { path: { tenant, code: CONFIG_CODE } }, body: [{ op: 'UPSERT', path: '/active', value: !config.active }] }))
    await reload()
  })
  return (
    <section aria-labelledby="config-title">
      <h2 id="config-title">Configuration</h2>
      <p>SVIX_SHARED deliveries are <strong>{config.active ? 'on' : 'paused'}</strong>.</p>
      <button disabled={action.busy} onClick={toggle}>{config.active ? 'Pause deliveries' : 'Turn deliveries on'}</button>
      <Note outcome={action.outcome} />
    </section>
  )
}

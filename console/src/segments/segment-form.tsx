/**
 * A segment's fields as a form: names and descriptions in several languages, site, status, validity, and
 * mixins as JSON (checked as it is typed). The service validates again and its message is shown.
 */
import { useState } from 'preact/hooks'
import type { Schemas } from '../api/client'
import { JsonField, parseJsonObject } from '../components/json-field'
import { fromLocalInput, toLocalInput } from '../components/local-time'
import { Note } from '../components/note'
import { toMap, toRows, TranslationsField } from '../components/translations-field'
import type { Action } from '../components/use-action'

type Segment = Schemas['Segment']
export type SegmentFields = Schemas['SegmentCreation'] & Pick<Schemas['SegmentUpdate'], 'metadata'>

interface SegmentFormProps {
  initial?: Segment
  action: Action
  submitLabel: string
  onSubmit(fields: SegmentFields): Promise<unknown>
}

const shown = (iso: string | undefined) => (iso ? toLocalInput(new Date(iso)) : '')

export function SegmentForm({ initial, action, submitLabel, onSubmit }: SegmentFormProps) {
  const [id, setId] = useState('')
  const [names, setNames] = useState(toRows(initial?.name))
  const [descriptions, setDescriptions] = useState(toRows(initial?.description))
  const [siteCode, setSiteCode] = useState(initial?.siteCode ?? 'main')
  const [status, setStatus] = useState<'ACTIVE' | 'INACTIVE'>(initial?.status ?? 'ACTIVE')
  const [from, setFrom] = useState(shown(initial?.validity?.from))
  const [to, setTo] = useState(shown(initial?.validity?.to))
  const [mixins, setMixins] = useState(initial?.mixins ? JSON.stringify(initial.mixins, null, 2) : '')

  const submit = (event: Event) => {
    event.preventDefault()
    void action.run('Saved.', () => {
      const parsed = parseJsonObject(mixins)
      if (parsed.error) return Promise.reject(new Error(`Mixins are not valid JSON: ${parsed.error}`))
      const validity = from || to ? { from: fromLocalInput(from), to: fromLocalInput(to) } : undefined
      const description = toMap(descriptions)
      return onSubmit({
        ...(initial ? {} : id.trim() ? { id: id.trim() } : {}),
        name: toMap(names),
        ...(Object.keys(description).length > 0 ? { description } : {}),
        siteCode: siteCode.trim(),
        status,
        ...(validity ? { validity } : {}),
        ...(parsed.value ? { mixins: parsed.value } : {}),
        ...(initial?.metadata?.version !== undefined ? { metadata: { version: initial.metadata.version } } : {}),
      })
    })
  }

  return (
    <form class="segment-form" onSubmit={submit}>
      {!initial && <label>Id (optional: one is generated)<input name="id" value={id} maxLength={255} onInput={(e) => setId(e.currentTarget.value)} /></label>}
      <TranslationsField legend="Name" name="name" rows={names} required onChange={setNames} />
      <TranslationsField legend="Description" name="description" rows={descriptions} onChange={setDescriptions} />
      <div class="row">
        <label>Site code<input name="siteCode" required value={siteCode} onInput={(e) => setSiteCode(e.currentTarget.value)} /></label>
        <label>Status
          <select name="status" value={status} onChange={(e) => setStatus(e.currentTarget.value as 'ACTIVE' | 'INACTIVE')}>
            <option value="ACTIVE">Active</option><option value="INACTIVE">Inactive</option>
          </select>
        </label>
        <label>Valid from<input type="datetime-local" name="validFrom" value={from} onInput={(e) => setFrom(e.currentTarget.value)} /></label>
        <label>Valid to<input type="datetime-local" name="validTo" value={to} onInput={(e) => setTo(e.currentTarget.value)} /></label>
      </div>
      <JsonField label="Mixins (JSON)" name="mixins" text={mixins} onChange={setMixins} />
      <Note outcome={action.outcome} />
      <div><button class="primary" disabled={action.busy}>{submitLabel}</button></div>
    </form>
  )
}

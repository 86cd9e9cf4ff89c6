/**
 * One `eventsConfiguration` entry of the HTTP config: an event type sent to its own URL and secret, only
 * when its filter matches, without some payload fields. The filter can be tried on a sample payload here.
 */
import { FilterTryout } from './filter-tryout'
import type { Session } from '../session/session'

export interface EntryDraft {
  id?: string
  eventType: string
  destinationUrl: string
  /** Typed here to set a new secret; empty keeps the stored one. */
  secretKey: string
  secretKeyExists: boolean
  filter: string
  /** Comma-separated; empty: the subscription's. */
  excludedFields: string
  active: boolean
}

interface EntryFieldsProps {
  session: Session
  index: number
  entry: EntryDraft
  eventTypes: string[]
  onChange(entry: EntryDraft): void
  onRemove(): void
}

export function EntryFields({ session, index, entry, eventTypes, onChange, onRemove }: EntryFieldsProps) {
  const set = <K extends keyof EntryDraft>(key: K, value: EntryDraft[K]) => onChange({ ...entry, [key]: value })
  const name = (field: string) => `entry-${index}-${field}`
  return (
    <fieldset class="entry">
      <legend>Entry {index + 1}{entry.eventType ? `: ${entry.eventType}` : ''}</legend>
      <div class="row">
        <label>Event type
          <select name={name('eventType')} aria-label={`Event type of entry ${index + 1}`} value={entry.eventType} required onChange={(e) => set('eventType', e.currentTarget.value)}>
            <option value="">Choose…</option>
            {[...new Set([...eventTypes, entry.eventType].filter(Boolean))].map((type) => <option value={type}>{type}</option>)}
          </select>
        </label>
        <label>URL (empty: the config's)<input name={name('url')} type="url" value={entry.destinationUrl} size={36} onInput={(e) => set('destinationUrl', e.currentTarget.value)} /></label>
        <label>Secret {entry.secretKeyExists ? '(set; type to replace)' : '(empty: the config\'s)'}
          <input name={name('secret')} type="password" autocomplete="new-password" value={entry.secretKey} onInput={(e) => set('secretKey', e.currentTarget.value)} />
        </label>
        <label class="inline"><input type="checkbox" checked={entry.active} onChange={(e) => set('active', e.currentTarget.checked)} /> Active</label>
      </div>
      <label>Filter (JsonPath; empty: every event)<input name={name('filter')} value={entry.filter} placeholder="$[?(@.status == 'ACTIVE')]" onInput={(e) => set('filter', e.currentTarget.value)} /></label>
      <FilterTryout session={session} filter={entry.filter} eventType={entry.eventType} />
      <label>Excluded fields (comma-separated top-level fields; empty: the subscription's)
        <input name={name('excluded')} value={entry.excludedFields} onInput={(e) => set('excludedFields', e.currentTarget.value)} />
      </label>
      <div><button type="button" class="danger" onClick={onRemove}>Remove entry {index + 1}</button></div>
    </fieldset>
  )
}

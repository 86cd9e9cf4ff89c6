/**
 * Bulk add: ids pasted or a CSV file, sent in the API's bulk batches (200 a request) one after another,
 * with a progress bar and, at the end, each refused line with the service's reason.
 */
import { useState } from 'preact/hooks'
import { ok } from '../api/client'
import { useAction } from '../components/use-action'
import { Note } from '../components/note'
import type { Session } from '../session/session'
import { type MemberLine, parseMemberLines } from './csv-lines'
import './csv-upload.css'

const BATCH = 200

interface Progress {
  sent: number
  total: number
  added: number
  problems: { line: number; message: string }[]
}

export function CsvUpload({ session, segmentId, onAdded }: { session: Session; segmentId: string; onAdded(): Promise<void> }) {
  const [text, setText] = useState('')
  const [progress, setProgress] = useState<Progress | undefined>(undefined)
  const action = useAction()

  const readFile = async (file: File | undefined) => {
    if (file) setText(await file.text())
  }

  const upload = (event: Event) => {
    event.preventDefault()
    void action.run('', async () => {
      const { members, problems } = parseMemberLines(text)
      if (members.length === 0) throw new Error(problems.length > 0 ? `No customer ids: line ${problems[0].line} has ${problems[0].message}.` : 'There are no customer ids to add.')
      const state: Progress = { sent: 0, total: members.length, added: 0, problems: [...problems] }
      setProgress({ ...state })
      for (let start = 0; start < members.length; start += BATCH) {
        const batch: MemberLine[] = members.slice(start, start + BATCH)
        const body = batch.map(({ customerId, legalEntityId }) => ({ customerId, ...(legalEntityId ? { legalEntityId } : {}) }))
        const results = await ok(session.api.PUT('/customer-segment/{tenant}/segments/{segmentId}/customers/bulk', { params: { path: { tenant: session.tenant, segmentId } }, body }))
        for (const result of results) {
          const member = batch[result.index - 1]
          if (result.code < 300) state.added += 1
          else if (member) state.problems.push({ line: member.line, message: `${member.customerId}: ${result.message ?? result.status}` })
        }
        state.sent += batch.length
        setProgress({ ...state, problems: [...state.problems] })
      }
      state.problems.sort((a, b) => a.line - b.line)
      await onAdded()
      setProgress({ ...state })
      return `${state.added} of ${state.total} added${state.problems.length > 0 ? `; ${state.problems.length} line${state.problems.length === 1 ? '' : 's'} refused` : ''}.`
    })
  }

  return (
    <section aria-labelledby="bulk-title" class="csv-upload">
      <h2 id="bulk-title">Add many members</h2>
      <form onSubmit={upload}>
        <label>Customer ids, one per line (a second column is the legal entity), or a CSV with columns customerId and legalEntityId
          <textarea name="ids" rows={6} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <label>Or a CSV file<input type="file" accept=".csv,text/csv,text/plain" onChange={(e) => readFile(e.currentTarget.files?.[0])} /></label>
        <div><button class="primary" disabled={action.busy || text.trim() === ''}>Add these members</button></div>
      </form>
      {progress && (
        <div>
          <label>Progress <progress max={progress.total} value={progress.sent}>{progress.sent} of {progress.total}</progress></label>
          <p class="muted">{progress.sent} of {progress.total} sent, {progress.added} added.</p>
        </div>
      )}
      <Note outcome={action.outcome} />
      {progress && progress.problems.length > 0 && (
        <div role="region" aria-labelledby="refused-title">
          <h3 id="refused-title">Refused lines</h3>
          <ul class="refused">{progress.problems.map((problem) => <li>Line {problem.line}: {problem.message}</li>)}</ul>
        </div>
      )}
    </section>
  )
}

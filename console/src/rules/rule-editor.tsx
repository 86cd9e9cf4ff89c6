/**
 * A segment's rule: the query, with a live preview of how many directory customers it selects and who
 * (the service's rule-preview, asked again a moment after each edit), saved as the segment's rule, and the
 * evaluation's progress until membership follows it.
 */
import { useEffect, useState } from 'preact/hooks'
import { ApiError, ok, type Schemas } from '../api/client'
import { Note } from '../components/note'
import { useAction } from '../components/use-action'
import { type Session, SCOPES } from '../session/session'
import { RulePreview } from './rule-preview'
import { EvaluationProgress } from './evaluation-progress'
import './rule-editor.css'

const PREVIEW_DELAY_MS = 400
const POLL_MS = 1_000

type Rule = Schemas['SegmentRule']

export function RuleEditor({ session, segmentId }: { session: Session; segmentId: string }) {
  const path = { tenant: session.tenant, segmentId }
  const [rule, setRule] = useState<Rule | null | undefined>(undefined)
  const [query, setQuery] = useState('')
  const [b2b, setB2b] = useState(false)
  const [preview, setPreview] = useState<{ result?: Schemas['RulePreview']; error?: string; busy: boolean }>({ busy: false })
  const action = useAction()
  const manage = session.can(SCOPES.segmentManage)

  const load = async () => {
    const answer = await session.api.GET('/customer-segment/{tenant}/segments/{segmentId}/rule', { params: { path } })
    if (answer.response.status === 404) return null
    return ok(Promise.resolve(answer))
  }
  useEffect(() => {
    load().then((loaded) => {
      setRule(loaded)
      if (loaded) {
        setQuery(loaded.query)
        setB2b(loaded.b2b)
      }
    }, (error: Error) => action.say({ ok: false, text: error.message }))
  }, [segmentId])

  // The evaluation's progress, until it is done.
  useEffect(() => {
    if (!rule || rule.evaluation.state === 'DONE') return
    const timer = setTimeout(() => void load().then(setRule, () => {}), POLL_MS)
    return () => clearTimeout(timer)
  }, [rule])

  // The preview, a moment after the last edit.
  useEffect(() => {
    if (query.trim() === '') {
      setPreview({ busy: false })
      return
    }
    let current = true
    const timer = setTimeout(() => {
      setPreview((last) => ({ ...last, busy: true }))
      ok(session.api.POST('/customer-segment/{tenant}/segments/rule-preview', { params: { path: { tenant: session.tenant } }, body: { query, b2b } })).then(
        (result) => current && setPreview({ result, busy: false }),
        (error: ApiError) => current && setPreview({ error: error.message, busy: false }),
      )
    }, PREVIEW_DELAY_MS)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [query, b2b])

  const save = (event: Event) => {
    event.preventDefault()
    void action.run('The rule is saved; membership follows it once the evaluation is done.', async () => {
      const body = { query, b2b, ...(rule ? { metadata: { version: rule.metadata.version } } : {}) }
      await ok(session.api.PUT('/customer-segment/{tenant}/segments/{segmentId}/rule', { params: { path }, body }))
      setRule(await load())
    })
  }
  const remove = () => action.run('The rule is removed; its members stay, as manual members.', async () => {
    await ok(session.api.DELETE('/customer-segment/{tenant}/segments/{segmentId}/rule', { params: { path } }))
    setRule(null)
  })

  if (rule === undefined) return <p role="status">Loading the rule…</p>
  return (
    <section aria-labelledby="rule-title" class="rule-editor">
      <h2 id="rule-title">Rule</h2>
      {rule === null && <p class="muted">This segment has no rule: its members are added by hand.</p>}
      {rule && <EvaluationProgress evaluation={rule.evaluation} />}
      <form onSubmit={save}>
        <label>Query
          <textarea name="query" rows={3} value={query} readOnly={!manage} placeholder="tags:wholesale AND attributes.spent:>=1000" onInput={(e) => setQuery(e.currentTarget.value)} />
        </label>
        <label class="inline"><input type="checkbox" checked={b2b} disabled={!manage} onChange={(e) => setB2b(e.currentTarget.checked)} /> B2B: one member per customer and legal entity</label>
        <RulePreview {...preview} />
        {manage && (
          <div class="row">
            <button class="primary" disabled={action.busy || query.trim() === ''}>{rule ? 'Save the rule' : 'Give the segment this rule'}</button>
            {rule && <button type="button" class="danger" disabled={action.busy} onClick={remove}>Remove the rule</button>}
          </div>
        )}
      </form>
      <Note outcome={action.outcome} />
    </section>
  )
}

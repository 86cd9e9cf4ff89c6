import type { Schemas } from '../api/client'

const STATES = { PENDING: 'Waiting to be evaluated', RUNNING: 'Being evaluated', DONE: 'Evaluated' } as const

/** How far the evaluation of the saved rule has come. */
export function EvaluationProgress({ evaluation }: { evaluation: Schemas['SegmentRule']['evaluation'] }) {
  return (
    <div class="evaluation" aria-live="polite">
      <label>{STATES[evaluation.state]}: {evaluation.evaluated} of {evaluation.total} customers
        <progress max={Math.max(evaluation.total, 1)} value={evaluation.state === 'DONE' ? Math.max(evaluation.total, 1) : evaluation.evaluated} />
      </label>
      <p class="muted">{evaluation.added} added, {evaluation.removed} removed{evaluation.finishedAt ? `, finished ${new Date(evaluation.finishedAt).toLocaleString()}` : ''}.</p>
      {evaluation.error && <p role="alert" class="note failed">The last chunk failed and will be tried again: {evaluation.error}</p>}
    </div>
  )
}

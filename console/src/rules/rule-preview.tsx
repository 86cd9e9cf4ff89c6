import type { Schemas } from '../api/client'

interface RulePreviewProps {
  result?: Schemas['RulePreview']
  error?: string
  busy: boolean
}

/** What the query selects in the directory now: the count and the first customers. */
export function RulePreview({ result, error, busy }: RulePreviewProps) {
  return (
    <div class="rule-preview" aria-live="polite" aria-busy={busy}>
      {error && <p class="field-error" role="alert">{error}</p>}
      {!error && result && (
        <>
          <p><strong data-preview-count>{result.matching}</strong> of {result.total} directory customers match{busy ? ' (updating…)' : ''}.</p>
          {result.sample.length > 0 && (
            <table>
              <caption class="visually-hidden">The first matching customers</caption>
              <thead><tr><th scope="col">Customer</th><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Legal entity</th></tr></thead>
              <tbody>
                {result.sample.map((customer) => (
                  <tr><td><code>{customer.id}</code></td><td>{customer.email}</td><td>{[customer.firstName, customer.lastName].filter(Boolean).join(' ')}</td><td>{customer.legalEntityId}</td></tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  )
}

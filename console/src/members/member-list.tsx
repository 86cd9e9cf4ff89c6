/**
 * A segment's customer assignments with the directory's details (email and name, legal entity), searched
 * by customer id, paged by the server; a customer added or removed by hand. AUTOMATIC members belong to
 * the segment's rule and cannot be removed here (the service answers why).
 */
import { useState } from 'preact/hooks'
import { ok, totalOf } from '../api/client'
import { Note } from '../components/note'
import { Pager } from '../components/pager'
import { useAction } from '../components/use-action'
import { useLoad } from '../components/use-load'
import { type Session, SCOPES } from '../session/session'
import { escapeRegex } from '../segments/segment-query'
import { CsvUpload } from './csv-upload'
import { quoted } from './quoted'

const PAGE_SIZE = 25

export function MemberList({ session, segmentId }: { session: Session; segmentId: string }) {
  const [page, setPage] = useState(1)
  const [search, setSearch] = useState('')
  const [applied, setApplied] = useState('')
  const [customerId, setCustomerId] = useState('')
  const [legalEntityId, setLegalEntityId] = useState('')
  const action = useAction()
  const path = { tenant: session.tenant, segmentId }
  const manage = session.can(SCOPES.segmentManage)

  const members = useLoad(async () => {
    const q = applied.trim() ? `customer.id:~${quoted(`(?i)${escapeRegex(applied.trim())}`)}` : undefined
    const answer = session.api.GET('/customer-segment/{tenant}/segments/{segmentId}/customers', {
      params: { path, query: { q, pageNumber: String(page), pageSize: String(PAGE_SIZE), sort: 'customer.id' }, header: { 'x-total-count': 'true' } },
    })
    return { rows: await ok(answer), total: totalOf((await answer).response) }
  }, [segmentId, page, applied])

  const add = (event: Event) => {
    event.preventDefault()
    void action.run(`${customerId.trim()} is a member.`, async () => {
      const item = { customerId: customerId.trim(), ...(legalEntityId.trim() ? { legalEntityId: legalEntityId.trim() } : {}) }
      const [result] = await ok(session.api.PUT('/customer-segment/{tenant}/segments/{segmentId}/customers/bulk', { params: { path }, body: [item] }))
      if (result && result.code >= 300) throw new Error(result.message ?? `The service answered ${result.code}.`)
      setCustomerId('')
      setLegalEntityId('')
      await members.reload()
    })
  }
  const remove = (customer: string, legalEntity?: string) => action.run(`${customer} is no longer a member.`, async () => {
    if (legalEntity) {
      await ok(session.api.DELETE('/customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}/{legalEntityId}', { params: { path: { ...path, customerId: customer, legalEntityId: legalEntity } } }))
    } else {
      await ok(session.api.DELETE('/customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}', { params: { path: { ...path, customerId: customer } } }))
    }
    await members.reload()
  })

  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <form class="row" role="search" onSubmit={(event) => { event.preventDefault(); setPage(1); setApplied(search) }}>
        <label>Customer id contains<input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} /></label>
        <button>Search</button>
      </form>
      {members.error && <p role="alert" class="note failed">{members.error}</p>}
      <div class="table-scroll">
        <table aria-busy={members.loading}>
          <caption class="visually-hidden">Members of {segmentId}</caption>
          <thead><tr><th scope="col">Customer</th><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Legal entity</th><th scope="col">How</th>{manage && <th scope="col"><span class="visually-hidden">Actions</span></th>}</tr></thead>
          <tbody>
            {members.data?.rows.map((row) => (
              <tr data-member={row.customer?.id}>
                <td><code>{row.customer?.id}</code></td>
                <td>{row.customer?.email}</td>
                <td>{[row.customer?.firstName, row.customer?.lastName].filter(Boolean).join(' ')}</td>
                <td>{row.legalEntity?.id && <>{row.legalEntity.name ?? ''} <code>{row.legalEntity.id}</code></>}</td>
                <td>{row.assignmentType === 'AUTOMATIC' ? 'By rule' : 'By hand'}</td>
                {manage && <td>{row.assignmentType !== 'AUTOMATIC' && row.customer?.id && (
                  <button type="button" disabled={action.busy} aria-label={`Remove ${row.customer.id}`} onClick={() => remove(row.customer?.id as string, row.legalEntity?.id)}>Remove</button>
                )}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {members.data && <Pager page={page} pageSize={PAGE_SIZE} shown={members.data.rows.length} total={members.data.total} onPage={setPage} />}
      {manage && (
        <form class="row" onSubmit={add} aria-labelledby="add-member-title">
          <h3 id="add-member-title" class="visually-hidden">Add a member</h3>
          <label>Customer id<input name="customerId" required value={customerId} onInput={(e) => setCustomerId(e.currentTarget.value)} /></label>
          <label>Legal entity (B2B, optional)<input name="legalEntityId" value={legalEntityId} onInput={(e) => setLegalEntityId(e.currentTarget.value)} /></label>
          <button class="primary" disabled={action.busy}>Add member</button>
        </form>
      )}
      <Note outcome={action.outcome} />
      {manage && <CsvUpload session={session} segmentId={segmentId} onAdded={members.reload} />}
    </section>
  )
}

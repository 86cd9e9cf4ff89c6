/** Segments: search (q), status and site filters, sorting, and paging by the server. */
import { useState } from 'preact/hooks'
import { ok, totalOf } from '../api/client'
import { Pager } from '../components/pager'
import { useLoad } from '../components/use-load'
import { href } from '../router'
import { type Session, SCOPES } from '../session/session'
import { localized } from './localized'
import { segmentQuery } from './segment-query'
import { StatusBadge } from './status-badge'

const PAGE_SIZE = 20
const SORTS = [
  ['metadata.modifiedAt:desc', 'Last changed'],
  ['name', 'Name'],
  ['id', 'Id'],
  ['metadata.createdAt:desc', 'Newest'],
] as const

export function SegmentList({ session }: { session: Session }) {
  const [search, setSearch] = useState('')
  const [status, setStatus] = useState('')
  const [siteCode, setSiteCode] = useState('')
  const [sort, setSort] = useState<string>(SORTS[0][0])
  const [page, setPage] = useState(1)
  const [applied, setApplied] = useState({ search: '', status: '', siteCode: '' })
  const list = useLoad(async () => {
    const q = segmentQuery(applied.search, applied.status, applied.siteCode)
    const answer = session.api.GET('/customer-segment/{tenant}/segments', {
      params: { path: { tenant: session.tenant }, query: { q, sort, pageNumber: String(page), pageSize: String(PAGE_SIZE) }, header: { 'x-total-count': 'true' } },
    })
    const segments = await ok(answer)
    return { segments, total: totalOf((await answer).response) }
  }, [applied, sort, page])

  const apply = (event: Event) => {
    event.preventDefault()
    setPage(1)
    setApplied({ search, status, siteCode })
  }
  return (
    <section aria-labelledby="segments-title">
      <div class="title-row">
        <h1 id="segments-title">Segments</h1>
        {session.can(SCOPES.segmentManage) && <a class="button-link" href={href('segments', 'new')}>New segment</a>}
      </div>
      <form class="row" role="search" onSubmit={apply}>
        <label>Search<input type="search" name="q" value={search} placeholder="name, or q: status:ACTIVE name.en:~^Gold" size={36} onInput={(e) => setSearch(e.currentTarget.value)} /></label>
        <label>Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">Any</option><option value="ACTIVE">Active</option><option value="INACTIVE">Inactive</option>
          </select>
        </label>
        <label>Site<input name="siteCode" value={siteCode} size={10} onInput={(e) => setSiteCode(e.currentTarget.value)} /></label>
        <button class="primary">Search</button>
        <label>Sort by
          <select value={sort} onChange={(e) => { setSort(e.currentTarget.value); setPage(1) }}>
            {SORTS.map(([value, label]) => <option value={value}>{label}</option>)}
          </select>
        </label>
      </form>
      {list.error && <p role="alert" class="note failed">{list.error}</p>}
      <div class="table-scroll">
        <table aria-busy={list.loading}>
          <caption class="visually-hidden">Segments of tenant {session.tenant}</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Status</th><th scope="col">Site</th><th scope="col">Valid</th><th scope="col">Changed</th></tr></thead>
          <tbody>
            {list.data?.segments.map((segment) => (
              <tr data-segment={segment.id}>
                <td><a href={href('segments', segment.id)}>{localized(segment.name) || segment.id}</a></td>
                <td><code>{segment.id}</code></td>
                <td><StatusBadge status={segment.status} /></td>
                <td>{segment.siteCode}</td>
                <td>{validity(segment.validity)}</td>
                <td>{segment.metadata?.modifiedAt ? new Date(segment.metadata.modifiedAt).toLocaleString() : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.data && <Pager page={page} pageSize={PAGE_SIZE} shown={list.data.segments.length} total={list.data.total} onPage={setPage} />}
    </section>
  )
}

function validity(range: { from?: string; to?: string } | undefined): string {
  if (!range || (!range.from && !range.to)) return 'Always'
  const day = (value?: string) => (value ? new Date(value).toLocaleDateString() : '…')
  return `${day(range.from)} – ${day(range.to)}`
}

import './pager.css'

interface PagerProps {
  page: number
  pageSize: number
  /** Rows on this page. */
  shown: number
  /** All matches, when the service counted them. */
  total?: number
  onPage(page: number): void
}

/** Previous and next for a list paged by the server. */
export function Pager({ page, pageSize, shown, total, onPage }: PagerProps) {
  const last = total === undefined ? shown < pageSize : page * pageSize >= total
  const first = (page - 1) * pageSize + (shown > 0 ? 1 : 0)
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>Previous</button>
      <span aria-live="polite">
        {shown === 0 ? 'Nothing here' : `${first}–${first + shown - 1}${total !== undefined ? ` of ${total}` : ''}`}
      </span>
      <button type="button" disabled={last} onClick={() => onPage(page + 1)}>Next</button>
    </nav>
  )
}

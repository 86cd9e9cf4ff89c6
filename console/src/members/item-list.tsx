/** A segment's item assignments (products and categories), paged by the server; added and removed by id. */
import { useState } from 'preact/hooks'
import { ok, totalOf } from '../api/client'
import { Note } from '../components/note'
import { Pager } from '../components/pager'
import { useAction } from '../components/use-action'
import { useLoad } from '../components/use-load'
import { localized } from '../segments/localized'
import { type Session, SCOPES } from '../session/session'

const PAGE_SIZE = 25
type ItemType = 'PRODUCT' | 'CATEGORY'

export function ItemList({ session, segmentId }: { session: Session; segmentId: string }) {
  const [page, setPage] = useState(1)
  const [type, setType] = useState<ItemType>('PRODUCT')
  const [itemId, setItemId] = useState('')
  const action = useAction()
  const path = { tenant: session.tenant, segmentId }
  const manage = session.can(SCOPES.segmentManage)
  const items = useLoad(async () => {
    const answer = session.api.GET('/customer-segment/{tenant}/segments/{segmentId}/items', {
      params: { path, query: { pageNumber: String(page), pageSize: String(PAGE_SIZE) }, header: { 'x-total-count': 'true' } },
    })
    return { rows: await ok(answer), total: totalOf((await answer).response) }
  }, [segmentId, page])

  const add = (event: Event) => {
    event.preventDefault()
    void action.run(`${type === 'PRODUCT' ? 'Product' : 'Category'} ${itemId.trim()} is assigned.`, async () => {
      await ok(session.api.PUT('/customer-segment/{tenant}/segments/{segmentId}/items/{type}/{itemId}', { params: { path: { ...path, type, itemId: itemId.trim() } }, body: {} }))
      setItemId('')
      await items.reload()
    })
  }
  const remove = (itemType: ItemType, id: string) => action.run(`${id} is no longer assigned.`, async () => {
    await ok(session.api.DELETE('/customer-segment/{tenant}/segments/{segmentId}/items/{type}/{itemId}', { params: { path: { ...path, type: itemType, itemId: id } } }))
    await items.reload()
  })

  return (
    <section aria-labelledby="items-title">
      <h2 id="items-title">Products and categories</h2>
      {items.error && <p role="alert" class="note failed">{items.error}</p>}
      <div class="table-scroll">
        <table aria-busy={items.loading}>
          <caption class="visually-hidden">Items of {segmentId}</caption>
          <thead><tr><th scope="col">Type</th><th scope="col">Id</th><th scope="col">Name</th>{manage && <th scope="col"><span class="visually-hidden">Actions</span></th>}</tr></thead>
          <tbody>
            {items.data?.rows.map((row) => (
              <tr data-item={row.item?.id}>
                <td>{row.type === 'CATEGORY' ? 'Category' : 'Product'}</td>
                <td><code>{row.item?.id}</code></td>
                <td>{localized(row.item?.name)}</td>
                {manage && <td><button type="button" disabled={action.busy} aria-label={`Remove ${row.item?.id}`} onClick={() => remove(row.type ?? 'PRODUCT', row.item?.id ?? '')}>Remove</button></td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {items.data && <Pager page={page} pageSize={PAGE_SIZE} shown={items.data.rows.length} total={items.data.total} onPage={setPage} />}
      {manage && (
        <form class="row" onSubmit={add}>
          <label>Type
            <select name="type" value={type} onChange={(e) => setType(e.currentTarget.value as ItemType)}>
              <option value="PRODUCT">Product</option><option value="CATEGORY">Category</option>
            </select>
          </label>
          <label>Item id<input name="itemId" required value={itemId} onInput={(e) => setItemId(e.currentTarget.value)} /></label>
          <button class="primary" disabled={action.busy}>Assign item</button>
        </form>
      )}
      <Note outcome={action.outcome} />
    </section>
  )
}

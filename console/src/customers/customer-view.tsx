/**
 * What a customer sees, for debugging the storefront: the customer's effective segments, the items of
 * those segments, the category trees, and which of a list of products match. The operator's token asks
 * the same questions a customer's token would, narrowed by `customerId` (and `legalEntityId`).
 */
import { useState } from 'preact/hooks'
import { ok, type Schemas } from '../api/client'
import { Note } from '../components/note'
import { useAction } from '../components/use-action'
import { href } from '../router'
import { localized } from '../segments/localized'
import type { Session } from '../session/session'
import { CategoryTrees, type Tree } from './category-trees'
import './customer-view.css'

interface View {
  customerId: string
  segments: Schemas['Segment'][]
  items: Schemas['ItemAssignment'][]
  trees: Tree[]
  products?: { asked: string[]; matching: Set<string> }
}

/** ACTIVE, and now within its validity (`from` inclusive, `to` exclusive). */
function effective(segment: Schemas['Segment'], now: number): boolean {
  if (segment.status !== 'ACTIVE') return false
  const from = segment.validity?.from ? Date.parse(segment.validity.from) : Number.NEGATIVE_INFINITY
  const to = segment.validity?.to ? Date.parse(segment.validity.to) : Number.POSITIVE_INFINITY
  return from <= now && now < to
}

export function CustomerView({ session }: { session: Session }) {
  const [customerId, setCustomerId] = useState('')
  const [legalEntityId, setLegalEntityId] = useState('')
  const [siteCode, setSiteCode] = useState('main')
  const [products, setProducts] = useState('')
  const [view, setView] = useState<View | undefined>(undefined)
  const action = useAction()

  const look = (event: Event) => {
    event.preventDefault()
    void action.run('', async () => {
      const tenant = session.tenant
      const who = { customerId: customerId.trim(), ...(legalEntityId.trim() ? { legalEntityId: legalEntityId.trim() } : {}) }
      const site = siteCode.trim() ? { siteCode: siteCode.trim() } : {}
      const [listed, items, trees] = await Promise.all([
        ok(session.api.GET('/customer-segment/{tenant}/segments', { params: { path: { tenant }, query: { ...who, pageSize: '1000' } } })),
        ok(session.api.GET('/customer-segment/{tenant}/segments/items', { params: { path: { tenant }, query: { ...who, ...site, onlyActive: 'true', pageSize: '1000' } } })),
        ok(session.api.GET('/customer-segment/{tenant}/segments/items/category-trees', { params: { path: { tenant }, query: { ...who, ...site } } })),
      ])
      const now = Date.now()
      const segments = listed.filter((segment) => effective(segment, now) && (!site.siteCode || segment.siteCode === site.siteCode))
      const asked = [...new Set(products.split(/[\s,]+/).filter(Boolean))]
      let matched: View['products']
      if (asked.length > 0) {
        const body = { ...site, items: asked.map((id) => ({ id })), segmentIds: segments.map((segment) => segment.id) }
        const answer = await ok(session.api.POST('/customer-segment/{tenant}/segments/match', { params: { path: { tenant }, query: who }, body }))
        matched = { asked, matching: new Set(answer.map((product) => product.id)) }
      }
      setView({ customerId: who.customerId, segments, items, trees: trees as unknown as Tree[], products: matched })
    })
  }

  return (
    <section aria-labelledby="customer-title" class="customer-view">
      <h1 id="customer-title">What a customer sees</h1>
      <form class="row" onSubmit={look}>
        <label>Customer id<input name="customerId" required value={customerId} onInput={(e) => setCustomerId(e.currentTarget.value)} /></label>
        <label>Legal entity (B2B)<input name="legalEntityId" value={legalEntityId} onInput={(e) => setLegalEntityId(e.currentTarget.value)} /></label>
        <label>Site<input name="siteCode" value={siteCode} size={8} onInput={(e) => setSiteCode(e.currentTarget.value)} /></label>
        <label>Products to check (ids)<input name="products" value={products} size={30} placeholder="espresso-machine, grinder" onInput={(e) => setProducts(e.currentTarget.value)} /></label>
        <button class="primary" disabled={action.busy}>Show</button>
      </form>
      <Note outcome={action.outcome} />
      {view && (
        <div class="columns">
          <section aria-labelledby="effective-title">
            <h2 id="effective-title">Effective segments of {view.customerId}</h2>
            {view.segments.length === 0 ? <p>None: this customer sees no segment prices or assortments.</p> : (
              <ul>{view.segments.map((segment) => <li data-effective={segment.id}><a href={href('segments', segment.id)}>{localized(segment.name) || segment.id}</a> <code>{segment.id}</code></li>)}</ul>
            )}
          </section>
          <section aria-labelledby="visible-items-title">
            <h2 id="visible-items-title">Items</h2>
            {view.items.length === 0 ? <p>No products or categories.</p> : (
              <ul>{view.items.map((item) => <li>{item.type === 'CATEGORY' ? 'Category' : 'Product'} <code>{item.item?.id}</code> {localized(item.item?.name)} <span class="muted">in {item.segmentId}</span></li>)}</ul>
            )}
          </section>
          <section aria-labelledby="trees-title">
            <h2 id="trees-title">Category trees</h2>
            {view.trees.length === 0 ? <p>No categories.</p> : <CategoryTrees trees={view.trees} />}
          </section>
          {view.products && (
            <section aria-labelledby="match-title">
              <h2 id="match-title">Products</h2>
              <table>
                <caption class="visually-hidden">Which products match the customer's segments</caption>
                <thead><tr><th scope="col">Product</th><th scope="col">In the customer's segments</th></tr></thead>
                <tbody>{view.products.asked.map((id) => <tr data-product={id}><td><code>{id}</code></td><td>{view.products?.matching.has(id) ? 'Yes' : 'No'}</td></tr>)}</tbody>
              </table>
            </section>
          )}
        </div>
      )}
    </section>
  )
}

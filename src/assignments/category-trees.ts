/**
 * Category trees for a site: the categories assigned to effective segments (a customer's own, in their
 * view), with all their ancestors so the tree can be drawn from its roots; `isSegmentAssigned` tells
 * which nodes are assigned themselves. Fields come from the directory.
 */
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import { PREPARED } from '../db/prepared-statement.js'
import type { DB } from '../db/schema.js'
import type { LanguageMap } from '../domain.js'
import { isEffective } from '../segments/effective.js'
import { MAX_CATEGORY_DEPTH } from './match-products.js'
import { isMemberOf, type Membership } from './membership.js'

export interface CategoryNode {
  id: string
  parentId?: string
  code?: string
  name?: LanguageMap
  localizedDescription?: LanguageMap
  localizedSlug?: LanguageMap
  ecn?: string[]
  validity?: { from?: string; to?: string }
  position?: number
  published?: boolean
  isSegmentAssigned: boolean
  subcategories: CategoryNode[]
}

interface Row {
  id: string
  assigned: boolean
  parent_id: string | null
  code: string | null
  name: LanguageMap | null
  description: LanguageMap | null
  slug: LanguageMap | null
  ecn: string[] | null
  validity_from: Date | null
  validity_to: Date | null
  position: number | null
  published: boolean | null
}

function toNode(row: Row): CategoryNode {
  const node: CategoryNode = { id: row.id, isSegmentAssigned: row.assigned, subcategories: [] }
  if (row.parent_id) node.parentId = row.parent_id
  if (row.code !== null) node.code = row.code
  if (row.name) node.name = row.name
  if (row.description) node.localizedDescription = row.description
  if (row.slug) node.localizedSlug = row.slug
  if (row.ecn) node.ecn = row.ecn
  if (row.validity_from || row.validity_to) {
    node.validity = {}
    if (row.validity_from) node.validity.from = row.validity_from.toISOString()
    if (row.validity_to) node.validity.to = row.validity_to.toISOString()
  }
  if (row.position !== null) node.position = row.position
  if (row.published !== null) node.published = row.published
  return node
}

function byPosition(a: CategoryNode, b: CategoryNode): number {
  return (a.position ?? Number.MAX_SAFE_INTEGER) - (b.position ?? Number.MAX_SAFE_INTEGER) || a.id.localeCompare(b.id)
}

export async function categoryTrees(
  db: Kysely<DB>,
  tenant: string,
  options: { siteCode?: string; member?: Membership },
): Promise<CategoryNode[]> {
  const { rows } = await treeRows(tenant, options).execute(db)
  const nodes = new Map(rows.map((row) => [row.id, toNode(row)]))
  const roots: CategoryNode[] = []
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined
    // A parent chain that loops back is cut where it closes, so every node shows up exactly once.
    if (parent && !isAncestor(node, parent, nodes)) parent.subcategories.push(node)
    else roots.push(node)
  }
  const sort = (list: CategoryNode[]) => {
    list.sort(byPosition)
    for (const node of list) sort(node.subcategories)
  }
  sort(roots)
  return roots
}

/** The statement {@link categoryTrees} runs: the assigned categories and their ancestors, one row each. */
export function treeRows(tenant: string, options: { siteCode?: string; member?: Membership }): RawBuilder<Row> {
  const site: RawBuilder<SqlBool> = options.siteCode === undefined ? sql<SqlBool>`true` : sql<SqlBool>`s.site_code = ${options.siteCode}`
  const member: RawBuilder<SqlBool> = options.member ? isMemberOf('s.tenant', 's.id', options.member) : sql<SqlBool>`true`
  return sql<Row>`${PREPARED}
    with recursive
      assigned as (
        select distinct ia.item_id as id from item_assignment ia
        join segment s on s.tenant = ia.tenant and s.id = ia.segment_id
        where ia.tenant = ${tenant} and ia.type = 'CATEGORY' and ${isEffective('s')} and ${site} and ${member}
      ),
      tree (id, depth) as (
        select id, 0 from assigned
        union
        select dc.parent_id, t.depth + 1
        from tree t join directory_category dc on dc.tenant = ${tenant} and dc.id = t.id
        where dc.parent_id is not null and t.depth < ${MAX_CATEGORY_DEPTH}
      )
    select n.id, n.id in (select id from assigned) as assigned,
           dc.parent_id, dc.code, dc.name, dc.description, dc.slug, dc.ecn, dc.validity_from, dc.validity_to, dc.position, dc.published
    from (select distinct id from tree) n
    left join directory_category dc on dc.tenant = ${tenant} and dc.id = n.id`
}

/** True when `node` is among the ancestors of `candidate` (so linking them would close a loop). */
function isAncestor(node: CategoryNode, candidate: CategoryNode, nodes: Map<string, CategoryNode>): boolean {
  let at: CategoryNode | undefined = candidate
  for (let depth = 0; at && depth <= MAX_CATEGORY_DEPTH; depth++) {
    if (at === node) return true
    at = at.parentId ? nodes.get(at.parentId) : undefined
  }
  return false
}

import { localized } from '../segments/localized'

export interface Tree {
  id: string
  name?: Record<string, string>
  isSegmentAssigned: boolean
  subcategories: Tree[]
}

/** Category trees as nested lists; the categories assigned to a segment are marked. */
export function CategoryTrees({ trees }: { trees: Tree[] }) {
  return (
    <ul class="trees">
      {trees.map((tree) => (
        <li>
          <span class={tree.isSegmentAssigned ? 'assigned' : undefined}>{localized(tree.name) || tree.id} <code>{tree.id}</code>{tree.isSegmentAssigned && <span class="visually-hidden"> (assigned)</span>}</span>
          {tree.subcategories.length > 0 && <CategoryTrees trees={tree.subcategories} />}
        </li>
      ))}
    </ul>
  )
}

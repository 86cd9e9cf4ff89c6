/** Reading the plans `explain (analyze, format json)` gives, for tests that check how a statement reads its tables. */

export interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  'Actual Rows': number
  'Actual Loops': number
  'Rows Removed by Join Filter'?: number
  'Rows Removed by Filter'?: number
  'Rows Removed by Index Recheck'?: number
  Plans?: PlanNode[]
}

/** The plan's nodes, the root first. */
export function* nodes(node: PlanNode): Generator<PlanNode> {
  yield node
  for (const child of node.Plans ?? []) yield* nodes(child)
}

/** The root of the plan in the first row an `explain (format json)` returned, whether the engine gave it as text or parsed. */
export function planOf(rows: { 'QUERY PLAN': unknown }[]): PlanNode {
  const raw = rows[0]['QUERY PLAN']
  const [{ Plan: plan }] = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }]
  return plan
}

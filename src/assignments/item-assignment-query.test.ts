import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compileOnly } from '../../test/support/compile-only.js'
import type { DB } from '../db/schema.js'
import { type Columns, type ItemListQuery, storefrontPage, storefrontPageQuery } from './item-assignment-query.js'
import type { Membership } from './membership.js'

const db = compileOnly<DB>()

describe('a storefront page from its shape’s template', () => {
  it('is the statement the query builder makes, for every shape and values', () => {
    const members: (Membership | undefined)[] = [
      undefined,
      { customerId: 'c1' },
      { customerId: "c'2", legalEntityId: 'le-1' },
      { customerId: 'c3', anyLegalEntity: true },
      { customerId: 'c4', legalEntityId: 'le-2', anyLegalEntity: true },
    ]
    let checked = 0
    for (const columns of ['objects', 'texts'] as Columns[]) {
      for (const segmentId of [undefined, 'seg-1', 'seg-2']) {
        for (const siteCode of [undefined, 'main', 'de']) {
          for (const onlyActive of [false, true]) {
            for (const member of members) {
              for (const [tenant, limit, offset] of [['t1', 60, 0], ['t2', 7, 140]] as const) {
                const query: ItemListQuery = { withTotal: false, segmentId, siteCode, onlyActive, member }
                const got = storefrontPage(db, tenant, query, columns, { limit, offset })
                const want = storefrontPageQuery(db, tenant, query, columns, { limit, offset }).compile()
                assert.equal(got.sql, want.sql)
                assert.deepEqual(got.parameters, want.parameters)
                checked++
              }
            }
          }
        }
      }
    }
    assert.equal(checked, 2 * 3 * 3 * 2 * members.length * 2)
  })
})

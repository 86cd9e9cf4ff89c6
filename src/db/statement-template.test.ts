import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { compileOnly } from '../../test/support/compile-only.js'
import { StatementTemplates } from './statement-template.js'

interface Tables {
  item: { tenant: string; id: string; name: string; rank: number }
}

const db = compileOnly<Tables>()

const page = (tenant: string, name: string | undefined, limit: number, offset: number) => {
  let query = db.selectFrom('item').select(['id', 'name']).where('tenant', '=', tenant).where('rank', '>', 3)
  if (name !== undefined) query = query.where('name', '=', name)
  return query.orderBy('id').limit(limit).offset(offset)
}

type Values = { tenant: string; name?: string; limit: number; offset: number }

function compiled(templates: StatementTemplates<Record<string, string | number>>, values: Values) {
  const { name, ...rest } = values
  const given: Record<string, string | number> = name === undefined ? rest : { ...rest, name }
  return templates.compile(name === undefined ? 'all' : 'named', given, (p) =>
    page(p.tenant as string, name === undefined ? undefined : (p.name as string), p.limit as number, p.offset as number),
  )
}

describe('statement templates', () => {
  it('give the text and parameters the builder gives, for other values of the same shape, keeping its constants', () => {
    const templates = new StatementTemplates<Record<string, string | number>>()
    const cases: Values[] = [
      { tenant: 't1', limit: 60, offset: 0 },
      { tenant: "o'brien", limit: 1, offset: 120 },
      { tenant: 't1', name: 'a', limit: 60, offset: 0 },
      { tenant: '\u0000x', name: '', limit: -7_919_000_001, offset: 3 },
      { tenant: 't2', name: 'b', limit: 5, offset: 5 },
    ]
    for (const values of cases) {
      const got = compiled(templates, values)
      const want = page(values.tenant, values.name, values.limit, values.offset).compile()
      assert.equal(got.sql, want.sql)
      assert.deepEqual(got.parameters, want.parameters)
    }
    assert.deepEqual(compiled(templates, { tenant: 't', limit: 2, offset: 4 }).parameters, ['t', 3, 2, 4])
  })

  it('build each shape once', () => {
    const templates = new StatementTemplates<Record<string, string | number>>()
    let builds = 0
    for (const tenant of ['a', 'b', 'c']) {
      templates.compile('one', { tenant }, (p) => {
        builds++
        return db.selectFrom('item').select('id').where('tenant', '=', p.tenant as string)
      })
    }
    assert.equal(builds, 1)
  })

  it('refuse a value written into the text, combined with other text, or computed with', () => {
    const templates = new StatementTemplates<Record<string, string | number>>()
    const tries: [string, (p: Record<string, string | number>) => { compile(): { sql: string } }, RegExp][] = [
      ['literal', (p) => db.selectFrom('item').select('id').where('tenant', '=', sql.lit(p.tenant as string)), /written into the text/],
      ['raw number', (p) => db.selectFrom('item').select('id').limit(sql.raw<number>(String(p.limit))), /'limit' was written into the text/],
      ['pattern', (p) => db.selectFrom('item').select('id').where('name', 'like', `%${p.tenant}%`), /combined with other text/],
      ['computed', (p) => db.selectFrom('item').select('id').limit((p.limit as number) + 1), /computed with/],
    ]
    for (const [shape, build, error] of tries) {
      assert.throws(() => templates.compile(shape, { tenant: 't', limit: 10 }, build as never), error, shape)
    }
  })
})

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { PGlite } from '@electric-sql/pglite'
import { sql } from 'kysely'
import type { FieldMap } from './field-map.js'
import { compileQ } from './q-compiler.js'
import { QueryError } from './query-error.js'
import { MAX_SORT_LENGTH, compileSort, sortBy, type SortOptions } from './sort.js'
import { INJECTION_ID, builder, createTestDb, run, segmentFields } from './test-db.js'
import { pickLanguageKey } from '../i18n/languages.js'
import type { LanguageMap } from '../domain.js'

let pg: PGlite

before(async () => {
  pg = await createTestDb()
})

after(async () => {
  await pg.close()
})

function sortSql(sort: string | undefined, options?: SortOptions) {
  return builder.selectFrom('segment').select('id').$call(sortBy(compileSort(sort, segmentFields, options))).compile()
}

/** Ids in the order the database returns them; id is the final tiebreak, as callers should add. */
async function order(sort: string, options?: SortOptions, q?: string): Promise<string[]> {
  const query = builder
    .selectFrom('segment')
    .select('id')
    .where(compileQ(q, segmentFields))
    .$call(sortBy(compileSort(sort, segmentFields, options)))
    .orderBy('id')
  return (await run(pg, query)).map((row) => row.id)
}

function fails(sort: string, message: RegExp, position?: number, options?: SortOptions): void {
  assert.throws(
    () => compileSort(sort, segmentFields, options),
    (error: unknown) => {
      assert.ok(error instanceof QueryError)
      assert.match(error.message, message)
      assert.equal(error.parameter, 'sort')
      if (position !== undefined) assert.equal(error.position, position)
      return true
    },
  )
}

describe('compileSort: parsing', () => {
  test('absent or empty sort gives no keys', () => {
    assert.deepEqual(compileSort(undefined, segmentFields), [])
    assert.deepEqual(compileSort('', segmentFields), [])
    assert.deepEqual(compileSort(' , ,', segmentFields), [])
  })

  test('keys in order, descending only for desc or DESC', () => {
    const keys = compileSort('siteCode, priority:desc,id:DESC,status:asc,metadata.createdAt:Desc,validity.from:', segmentFields)
    assert.deepEqual(
      keys.map((k) => [k.field, k.direction]),
      [
        ['siteCode', 'asc'],
        ['priority', 'desc'],
        ['id', 'desc'],
        ['status', 'asc'],
        ['metadata.createdAt', 'asc'],
        ['validity.from', 'asc'],
      ],
    )
  })

  test('SQL: identifiers from the map, language and paths as parameters', () => {
    const compiled = sortSql('siteCode,name.en:desc,mixins.a.b')
    assert.equal(
      compiled.sql,
      'select "id" from "segment" order by "site_code" asc, ("name" ->> $1::text) desc, jsonb_extract_path("mixins", $2::text, $3::text) asc',
    )
    assert.deepEqual(compiled.parameters, ['en', 'a', 'b'])
  })

  test('a bare localized field ranks the entries by the languages given, which are parameters', () => {
    const compiled = sortSql('name:desc', { languages: ['de-CH', "en'; drop table segment"] })
    assert.match(compiled.sql, /order by \(case when jsonb_typeof\("name"\) = 'object' then \(select entry\.value from jsonb_each_text\("name"\) as entry .* limit 1\) end\) desc$/)
    assert.doesNotMatch(compiled.sql, /drop table/)
    assert.deepEqual(compiled.parameters, ['de-ch', 'de', 'de', "en'; drop table segment", "en'; drop table segment"])
    assert.equal(compileSort('name', segmentFields, { languages: ['de'] })[0].field, 'name')
    // An explicit language beats the languages given.
    assert.deepEqual(sortSql('name.en', { languages: ['de'] }).parameters, ['en'])
  })

  test('refused sorts', () => {
    fails('siteCode,foo:desc', /^Unknown field 'foo' in sort\. Allowed: id, status, .*name\.<lang>/, 9)
    fails('name', /^Field 'name' needs a language in sort, e\.g\. 'name\.en'$/, 0)
    fails('name.en.x', /Unknown field 'name.en.x' in sort/)
    fails('mixins', /Field 'mixins' needs a path in sort/)
    fails('id, :desc', /^Missing field name in sort at position 4$/, 4)
    fails('name.*', /Unknown field 'name\.\*'/)
    fails('constructor', /Unknown field 'constructor'/)
    fails('siteCode.x', /Unknown field 'siteCode\.x'/)
    fails('a'.repeat(MAX_SORT_LENGTH + 1), /^sort is too long/)
  })
})

describe('compileSort on PostgreSQL', () => {
  test('numbers, with NULLs last ascending and first descending', async () => {
    assert.deepEqual(await order('priority'), ['s4', 's6', 's1', 's2', INJECTION_ID, 's3'])
    assert.deepEqual(await order('priority:desc'), [INJECTION_ID, 's3', 's2', 's1', 's6', 's4'])
  })

  test('several keys apply left to right', async () => {
    assert.deepEqual(await order('siteCode:desc,priority:desc'), [INJECTION_ID, 's2', 's1', 's6', 's3', 's4'])
  })

  test('dates', async () => {
    assert.deepEqual(await order('metadata.createdAt:desc', {}, 'siteCode:main'), ['s6', 's2', 's1'])
  })

  test('localized fields by language', async () => {
    assert.deepEqual(await order('name.en', {}, 'name.en:exists'), ['s1', INJECTION_ID, 's2', 's6'])
    // Without de, s2 and the injection row show their only (English) entry; s4 has no name and comes last.
    assert.deepEqual(await order('name', { languages: ['de'] }), ['s3', 's1', 's6', INJECTION_ID, 's2', 's4'])
    assert.deepEqual(await order('name:desc', { languages: ['fr', 'en'] }), ['s4', 's6', 's2', INJECTION_ID, 's1', 's3'])
  })

  test('a bare localized field sorts by the entry a response shows (pickLanguageKey), whatever the map', async () => {
    const maps: LanguageMap[] = [
      { en: 'a', de: 'b' },
      { 'de-CH': 'c', 'de-AT': 'd', fr: 'e' },
      { EN: 'f', 'en-gb': 'g' },
      { 'en-US': 'h', 'en-GB': 'i', it: 'j' },
      { zh: 'k', 'pt-BR': 'l' },
      { 'de-de': 'm', 'De-CH': 'n' },
      {},
    ]
    await pg.exec('create temporary table maps (id integer primary key, name jsonb)')
    for (const [id, map] of maps.entries()) await pg.query('insert into maps values ($1, $2::jsonb)', [id, JSON.stringify(map)])
    const fields: FieldMap = { 'name.*': { type: 'localized', column: 'name' } }
    for (const languages of [['de-CH', 'en'], ['en-US'], ['en'], ['de'], ['fr', 'it'], ['pt'], ['xx'], ['DE-ch', 'EN-gb']]) {
      const [key] = compileSort('name', fields, { languages })
      const compiled = sql<{ shown: string | null }>`select ${key.expression} as shown from maps order by id`.compile(builder)
      const shown = (await pg.query<{ shown: string | null }>(compiled.sql, [...compiled.parameters])).rows.map((row) => row.shown)
      const expected = maps.map((map) => {
        const chosen = pickLanguageKey(map, languages)
        return chosen === undefined ? null : map[chosen]
      })
      assert.deepEqual(shown, expected, languages.join(','))
    }
  })

  test('json paths sort jsonb values without errors, whatever their types', async () => {
    assert.deepEqual(await order('mixins.tier', {}, 'mixins.tier:exists'), ['s3', 's1', 's2'])
    const mixed = await order('mixins.x:desc')
    assert.equal(mixed.length, 6)
  })

  test('quotes in a sort path are data', async () => {
    const rows = await order("mixins.a'b;drop table segment", {}, undefined)
    assert.equal(rows.length, 6)
    const fields: FieldMap = { siteCode: { type: 'string', column: 's.site_code' } }
    const compiled = builder.selectFrom('segment as s').select('s.id').$call(sortBy(compileSort('siteCode:desc', fields))).compile()
    assert.equal(compiled.sql, 'select "s"."id" from "segment" as "s" order by "s"."site_code" desc')
  })
})

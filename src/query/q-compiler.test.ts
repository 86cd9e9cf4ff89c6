import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { PGlite } from '@electric-sql/pglite'
import type { FieldMap } from './field-map.js'
import { compileQ } from './q-compiler.js'
import { QueryError } from './query-error.js'
import { ALL_IDS, INJECTION_ID, builder, createTestDb, run, segmentFields } from './test-db.js'

let pg: PGlite

before(async () => {
  pg = await createTestDb()
})

after(async () => {
  await pg.close()
})

function select(q: string | undefined, fields: FieldMap = segmentFields) {
  return builder.selectFrom('segment').select('id').where(compileQ(q, fields)).orderBy('id')
}

/** Runs q on the fixture and compares the matching ids, in any order. */
async function expectIds(q: string | undefined, expected: readonly string[]): Promise<void> {
  const rows = await run(pg, select(q))
  assert.deepEqual(rows.map((row) => row.id).sort(), [...expected].sort(), `q = ${q}`)
}

function rejects(q: string, message: RegExp, fields: FieldMap = segmentFields): QueryError {
  let caught: unknown
  try {
    compileQ(q, fields)
  } catch (error) {
    caught = error
  }
  assert.ok(caught instanceof QueryError, `expected a QueryError for ${q}`)
  assert.match(caught.message, message)
  return caught
}

describe('compileQ: SQL shape', () => {
  test('values are parameters and identifiers come from the field map', () => {
    const compiled = select('status:ACTIVE siteCode:main').compile()
    assert.equal(
      compiled.sql,
      'select "id" from "segment" where ("status" = $1) and ("site_code" = $2) order by "id"',
    )
    assert.deepEqual(compiled.parameters, ['ACTIVE', 'main'])
  })

  test('an empty q compiles to true', () => {
    for (const q of [undefined, '', '   \t ']) {
      assert.equal(select(q).compile().sql, 'select "id" from "segment" where true order by "id"')
    }
  })

  test('typed values are cast on the parameter side, never spliced', () => {
    const compiled = select('priority:>=5 featured:true metadata.createdAt:<"2021-05-20"').compile()
    assert.match(compiled.sql, /"priority" >= \$1::numeric/)
    assert.match(compiled.sql, /"featured" = \$2::boolean/)
    assert.match(compiled.sql, /"created_at" < \$3::timestamptz/)
    assert.deepEqual(compiled.parameters, ['5', 'true', '2021-05-20T00:00:00Z'])
  })

  test('localized and json paths are parameters too', () => {
    const compiled = select('name.en:x mixins.a.b:y').compile()
    assert.match(compiled.sql, /\("name" ->> \$1::text\) = \$2/)
    assert.match(compiled.sql, /jsonb_extract_path\("mixins", \$3::text, \$4::text\)/)
    assert.deepEqual(compiled.parameters.slice(0, 4), ['en', 'x', 'a', 'b'])
  })

  test('injection attempts end up as parameters only', () => {
    const compiled = select(`id:"${INJECTION_ID}" siteCode:main'or'1'='1`).compile()
    assert.ok(!compiled.sql.includes('drop'))
    assert.ok(!compiled.sql.includes("'1'"))
    assert.deepEqual(compiled.parameters, [INJECTION_ID, "main'or'1'='1"])
  })

  test('a qualified column renders as a qualified reference', () => {
    const fields: FieldMap = { siteCode: { type: 'string', column: 's.site_code' } }
    const query = builder.selectFrom('segment as s').select('s.id').where(compileQ('siteCode:main', fields))
    assert.equal(query.compile().sql, 'select "s"."id" from "segment" as "s" where ("s"."site_code" = $1)')
  })
})

describe('compileQ on PostgreSQL: plain columns', () => {
  test('empty q matches every row', async () => {
    await expectIds(undefined, ALL_IDS)
    await expectIds('  ', ALL_IDS)
  })

  test('string equality, AND of terms, IN lists', async () => {
    await expectIds('siteCode:main', ['s1', 's2', 's6'])
    await expectIds('siteCode:main status:ACTIVE', ['s1', 's6'])
    await expectIds('id:(s1,"s4", s6)', ['s1', 's4', 's6'])
    await expectIds('id:("s1,s2")', [])
  })

  test('injection attempts are data', async () => {
    await expectIds(`id:"${INJECTION_ID}"`, [INJECTION_ID])
    await expectIds(`siteCode:"o'brien"`, [INJECTION_ID])
    await expectIds("id:';drop", [])
    await expectIds("siteCode:main'or'1'='1", [])
    await expectIds(`id:("x');drop table segment;--",s1)`, ['s1'])
    await expectIds(`name.en:"Quote \\"test\\" \\\\ backslash"`, [INJECTION_ID])
    await expectIds(`name.en:~"`, [INJECTION_ID])
    const count = await pg.query<{ n: number }>('select count(*)::int as n from segment')
    assert.equal(count.rows[0].n, ALL_IDS.length)
  })

  test('enum fields accept only their values and no comparison', async () => {
    await expectIds('status:INACTIVE', ['s2', 's4'])
    await expectIds('status:(ACTIVE,INACTIVE)', ALL_IDS)
    await expectIds('status:~^IN', ['s2', 's4'])
    const error = rejects('status:active', /Invalid value 'active' for enum field 'status' at position 7; Allowed: ACTIVE, INACTIVE/)
    assert.equal(error.position, 7)
    rejects('status:(ACTIVE,nope)', /Invalid value 'nope'/)
    rejects('status:>ACTIVE', /Comparison '>' is not supported for enum field 'status'/)
  })

  test('number fields compare numerically', async () => {
    await expectIds('priority:10', ['s1'])
    await expectIds('priority:10.0', ['s1'])
    await expectIds('priority:10.5', [])
    await expectIds('priority:>7', ['s1', 's2'])
    await expectIds('priority:>=7', ['s1', 's2', 's6'])
    await expectIds('priority:<7', ['s4'])
    await expectIds('priority:<=7', ['s4', 's6'])
    await expectIds('priority:(>=5 AND <=10)', ['s1', 's4', 's6'])
    await expectIds('priority:(>5 AND <10)', ['s6'])
    await expectIds('priority:(5,20)', ['s2', 's4'])
    await expectIds('priority:-1e1', [])
    await expectIds('priority:>1.5e1', ['s2'])
    await expectIds('priority:"10"', ['s1'])
  })

  test('number fields refuse what is not a number', () => {
    for (const q of ['priority:abc', 'priority:1e9999', 'priority:0x10', 'priority:1.', 'priority:.5', 'priority:+1', 'priority:NaN', 'priority:Infinity', 'priority:(1,two)']) {
      rejects(q, /Invalid value .* for number field 'priority'.*expected a number/)
    }
    rejects('priority:~^1', /Regex is not supported for number field 'priority'/)
  })

  test('boolean fields', async () => {
    await expectIds('featured:true', ['s1', 's6'])
    await expectIds('featured:FALSE', ['s2'])
    await expectIds('featured:null', ['s3', 's4', INJECTION_ID])
    rejects('featured:yes', /Invalid value 'yes' for boolean field 'featured'.*expected true or false/)
    rejects('featured:>true', /Comparison '>' is not supported for boolean field 'featured'/)
    rejects('featured:~t', /Regex is not supported for boolean field/)
  })

  test('date fields: quoted ISO values, ranges, offsets', async () => {
    await expectIds('metadata.createdAt:(>="2021-05-18T07:27:27.455Z" AND <"2021-05-20T07:27:27.455Z")', ['s1', 's2'])
    await expectIds('metadata.createdAt:"2021-05-18T07:27:27.455Z"', ['s1'])
    await expectIds('metadata.createdAt:"2021-05-18T09:27:27.455+02:00"', ['s1'])
    await expectIds('metadata.createdAt:>"2021-05-21"', [INJECTION_ID, 's6'])
    await expectIds('metadata.createdAt:>=2021-05-21', ['s4', INJECTION_ID, 's6'])
    await expectIds('metadata.createdAt:<"2021-05-18T07:27:28"', ['s1'])
    await expectIds('metadata.createdAt:("2021-05-21T00:00:00Z","2021-05-23")', ['s4', 's6'])
    await expectIds('validity.to:null', ['s1', 's3', 's4', INJECTION_ID, 's6'])
    await expectIds('validity.to:exists', ['s2'])
    await expectIds('validity.from:missing validity.to:missing', ['s3', 's4', INJECTION_ID, 's6'])
  })

  test('every date form the compiler accepts, PostgreSQL accepts too', async () => {
    const forms = ['2021-05-18', '2021-05-18T07:27', '2021-05-18T07:27Z', '2021-05-18T07:27:27', '2021-05-18T07:27:27.123456Z',
      '2021-05-18T07:27:27+15:59', '2021-05-18T07:27:27.1-15:59', '0001-01-01T00:00:00+15:00', '9999-12-31T23:59:59.999999-15:59', '2024-02-29']
    for (const form of forms) await expectIds(`metadata.createdAt:<"${form}" validity.to:(>"${form}" AND <"${form}")`, [])
    // Without a zone means UTC, whatever the session's TimeZone.
    await pg.exec(`set timezone = 'America/New_York'`)
    try {
      await expectIds('metadata.createdAt:"2021-05-18T07:27:27.455"', ['s1'])
      await expectIds('metadata.createdAt:(>=2021-05-21 AND <2021-05-22)', ['s4'])
    } finally {
      await pg.exec(`set timezone = 'UTC'`)
    }
  })

  test('date fields refuse what the database would refuse', () => {
    for (const value of ['"yesterday"', '"2021-02-30"', '"2021-05-18T24:00:00Z"', '"0000-01-01"', '"2021-5-18"', '"2021-05-18T07:27:27+16:00"', '"May 18 2021"', '1621322847455']) {
      rejects(`metadata.createdAt:>${value}`, /Invalid value .* for date field 'metadata.createdAt'.*ISO-8601/)
    }
    rejects('validity.from:~2021', /Regex is not supported for date field/)
  })
})

describe('compileQ on PostgreSQL: localized fields', () => {
  test('equality and regex on one language', async () => {
    await expectIds('name.en:"Golden Segment"', ['s1'])
    await expectIds('name.de:"Golden Segment"', [])
    await expectIds('name.en:(Silver,"Golden Segment")', ['s1', 's2'])
    await expectIds('name.en:~(Yoghurt im)', ['s6'])
    await expectIds('name.de:(~Joghurt im)', ['s6'])
    await expectIds('name.en:~^G', ['s1'])
    await expectIds('description.en:~^Yog', ['s1'])
    await expectIds('name.en:>T', ['s6'])
  })

  test('null, exists and missing look at the language key', async () => {
    await expectIds('name.en:null', ['s3', 's4'])
    await expectIds('name.en:missing', ['s3', 's4'])
    await expectIds('name.en:exists', ['s1', 's2', INJECTION_ID, 's6'])
    // s3's description is a JSON string, not a map: no error, just no value.
    await expectIds('description.en:exists', ['s1'])
  })

  test('a localized field needs exactly one language', () => {
    rejects('name:Gold', /Field 'name' needs a language in q, e.g. 'name.en'/)
    rejects('name.en.x:Gold', /Unknown field 'name.en.x' in q/)
  })
})

describe('compileQ on PostgreSQL: json (mixins) fields', () => {
  test('an unquoted value matches a JSON number or string', async () => {
    await expectIds('mixins.x:15', ['s1', 's2'])
    await expectIds('mixins.x:15.00', ['s1'])
    await expectIds('mixins.x:abc', [INJECTION_ID])
  })

  test('a quoted value matches only the JSON string', async () => {
    await expectIds('mixins.x:"15"', ['s2'])
    await expectIds('mixins.flag:"true"', ['s6'])
  })

  test('booleans match the JSON boolean and the string', async () => {
    await expectIds('mixins.flag:true', ['s3', 's6'])
    await expectIds('mixins.flag:false', [])
  })

  test('nested paths, arrays and IN lists', async () => {
    await expectIds('mixins.nested.level:2', ['s1'])
    await expectIds('mixins.nested.level:high', ['s2'])
    await expectIds('mixins.tags:a', ['s1'])
    await expectIds('mixins.tags:c', [])
    await expectIds('mixins.tier:(gold,silver)', ['s1', 's2'])
    await expectIds('mixins.a-b:1', ['s6'])
    // The path runs through a number: no value, no error.
    await expectIds('mixins.x.y:1', [])
    await expectIds('mixins.tier.deeper:exists', [])
  })

  test('numeric comparisons see only JSON numbers and never fail on other values', async () => {
    await expectIds('mixins.x:>10', ['s1', 's6'])
    await expectIds('mixins.x:<100', ['s1', 's6'])
    await expectIds('mixins.x:(>=15 AND <20)', ['s1'])
    await expectIds('mixins.tier:>0', [])
    await expectIds('mixins.nested.level:>=2', ['s1'])
  })

  test('quoted and non-numeric comparisons compare JSON strings as text', async () => {
    await expectIds('mixins.when:>"2021-01-01"', ['s1'])
    await expectIds('mixins.when:(>="2020-01-01T00:00:00Z" AND <"2021-01-01")', ['s2'])
    await expectIds('mixins.x:>"1"', ['s2', INJECTION_ID])
    await expectIds('mixins.tier:>c', ['s1', 's2'])
  })

  test('null and missing include JSON null; exists is their complement', async () => {
    await expectIds('mixins.x:null', ['s3', 's4'])
    await expectIds('mixins.x:missing', ['s3', 's4'])
    await expectIds('mixins.x:exists', ['s1', 's2', INJECTION_ID, 's6'])
    await expectIds('mixins.flag:exists', ['s3', 's6'])
  })

  test('regex applies to the text of scalar values', async () => {
    await expectIds('mixins.x:~^1', ['s1', 's2'])
    await expectIds('mixins.tier:~^(gold|silver)$', ['s1', 's2'])
    await expectIds('mixins.nested:~level', [])
  })

  test('a json field needs a path', () => {
    rejects('mixins:exists', /Field 'mixins' needs a path in q/)
  })
})

describe('compileQ: refused input', () => {
  test('unknown fields name the allowed ones', () => {
    const error = rejects('status:ACTIVE foo:1', /^Unknown field 'foo' in q\. Allowed: id, status, siteCode, priority, featured, validity\.from, validity\.to, metadata\.createdAt, name\.<lang>, description\.<lang>, mixins\.<path>$/)
    assert.equal(error.position, 14)
    assert.equal(error.parameter, 'q')
  })

  test('object prototype names are not fields', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      rejects(`${name}:x`, /Unknown field/)
    }
  })

  test('regexes JavaScript rejects never reach the database', () => {
    rejects('name.en:~a{2,1}', /Invalid regex for 'name.en' at position 8/)
    rejects('siteCode:~[', /Invalid regex for 'siteCode'/)
    rejects('mixins.x:(~*a)', /Invalid regex for 'mixins.x'/)
  })

  test('a regex only PostgreSQL rejects fails with SQLSTATE 2201B, for the caller to map to 400', async () => {
    await assert.rejects(run(pg, select('siteCode:~(?<n>a)')), (error: { code?: string }) => error.code === '2201B')
  })

  test('parse errors surface as QueryError', () => {
    rejects('status:', /Missing value after 'status:'/)
    rejects('status:ACTIVE)', /Unexpected '\)' at position 13/)
  })

  test('a long IN list stays within the parameter limit', async () => {
    const values = Array.from({ length: 1500 }, (_, i) => `v${i}`)
    await expectIds(`id:(${values.join(',')},s1)`, ['s1'])
    await expectIds(`mixins.tier:(${values.slice(0, 1000).join(',')},gold)`, ['s1'])
  })
})

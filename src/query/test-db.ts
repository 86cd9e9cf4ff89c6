/**
 * Test fixture for this folder's tests (not used by the service): an in-memory PGlite holding a
 * small `segment` table, and a Kysely instance that only compiles, so tests can run the exact SQL
 * and parameters the query module produces against real PostgreSQL.
 */
import { PGlite } from '@electric-sql/pglite'
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Compilable,
  type Generated,
} from 'kysely'
import type { FieldMap } from './field-map.js'

export interface SegmentTable {
  id: string
  status: string
  site_code: string | null
  priority: number | null
  featured: boolean | null
  validity_from: Date | null
  validity_to: Date | null
  created_at: Generated<Date>
  name: unknown
  description: unknown
  mixins: unknown
}

export interface Database {
  segment: SegmentTable
}

export const segmentFields: FieldMap = {
  id: { type: 'string', column: 'id' },
  status: { type: 'enum', column: 'status', values: ['ACTIVE', 'INACTIVE'] },
  siteCode: { type: 'string', column: 'site_code' },
  priority: { type: 'number', column: 'priority' },
  featured: { type: 'boolean', column: 'featured' },
  'validity.from': { type: 'date', column: 'validity_from' },
  'validity.to': { type: 'date', column: 'validity_to' },
  'metadata.createdAt': { type: 'date', column: 'created_at' },
  'name.*': { type: 'localized', column: 'name' },
  'description.*': { type: 'localized', column: 'description' },
  'mixins.*': { type: 'json', column: 'mixins' },
}

export const INJECTION_ID = "'; drop table segment;--"

/** Columns: id, status, site_code, priority, featured, validity_from, validity_to, created_at, name, description, mixins. */
const ROWS: readonly (readonly unknown[])[] = [
  ['s1', 'ACTIVE', 'main', 10, true, '2021-05-18T07:27:27.455Z', null, '2021-05-18T07:27:27.455Z',
    { en: 'Golden Segment', de: 'Goldenes Segment' }, { en: 'Yoghurt imports' },
    { x: 15, tier: 'gold', tags: ['a', 'b'], nested: { level: 2 }, when: '2021-06-01T00:00:00Z' }],
  ['s2', 'INACTIVE', 'main', 20, false, '2021-01-01T00:00:00Z', '2021-12-31T00:00:00Z', '2021-05-19T07:27:27.455Z',
    { en: 'Silver' }, null,
    { x: '15', tier: 'silver', nested: { level: 'high' }, when: '2020-01-01T00:00:00Z' }],
  ['s3', 'ACTIVE', 'eu', null, null, null, null, '2021-05-20T07:27:27.455Z',
    { de: 'Bronze' }, 'plain text, not a map',
    { x: null, tier: 'bronze', flag: true }],
  ['s4', 'INACTIVE', 'eu', 5, null, null, null, '2021-05-21T00:00:00Z',
    null, null, null],
  [INJECTION_ID, 'ACTIVE', "o'brien", null, null, null, null, '2021-05-22T00:00:00Z',
    { en: 'Quote "test" \\ backslash' }, null, { x: 'abc' }],
  ['s6', 'ACTIVE', 'main', 7, true, null, null, '2021-05-23T00:00:00Z',
    { en: 'Yoghurt im Glas', de: 'Joghurt im Glas' }, null, { x: 20.5, flag: 'true', 'a-b': 1 }],
]

export const ALL_IDS = ROWS.map((row) => row[0] as string).sort()

export async function createTestDb(): Promise<PGlite> {
  const pg = new PGlite()
  await pg.exec(`
    create table segment (
      id            text primary key,
      status        text not null,
      site_code     text,
      priority      integer,
      featured      boolean,
      validity_from timestamptz,
      validity_to   timestamptz,
      created_at    timestamptz not null,
      name          jsonb,
      description   jsonb,
      mixins        jsonb
    )`)
  for (const row of ROWS) {
    const values = row.map((value) => (value !== null && typeof value === 'object' ? JSON.stringify(value) : value))
    // description of s3 is a bare JSON string, to prove a non-map never breaks a localized lookup.
    if (typeof row[9] === 'string') values[9] = JSON.stringify(row[9])
    await pg.query(
      'insert into segment values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11::jsonb)',
      values,
    )
  }
  return pg
}

/** Builds and compiles queries only; execution goes through PGlite. */
export const builder = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
})

export async function run<Row>(pg: PGlite, query: Compilable<Row>): Promise<Row[]> {
  const compiled = query.compile()
  const result = await pg.query<Row>(compiled.sql, [...compiled.parameters])
  return result.rows
}

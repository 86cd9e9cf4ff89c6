/**
 * Applies the numbered SQL files in migrations/ in order, each exactly once, in one transaction under an
 * advisory lock so that several processes starting together against one PostgreSQL do not race.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import type { Database } from './database.js'

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url))
const LOCK_KEY = 7_310_2024

interface Migration {
  version: number
  name: string
  file: string
}

function listMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ version: Number.parseInt(file.slice(0, 4), 10), name: file.slice(5, -4), file }))
}

/** Returns the names of the migrations it applied (empty when the schema was current). */
export async function migrate({ db }: Database): Promise<string[]> {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(tx)
    await sql`create table if not exists schema_migration (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`.execute(tx)
    const done = new Set((await tx.selectFrom('schema_migration').select('version').execute()).map((r) => r.version))
    const applied: string[] = []
    for (const migration of listMigrations()) {
      if (done.has(migration.version)) continue
      await sql.raw(readFileSync(MIGRATIONS_DIR + migration.file, 'utf8')).execute(tx)
      await tx.insertInto('schema_migration').values({ version: migration.version, name: migration.name }).execute()
      applied.push(`${migration.file}`)
    }
    return applied
  })
}

// Compiles src/ to dist/ (what `npm start` and `npm run segments` run) and copies the SQL migrations
// beside the compiled code. Runs on `npm install` (the prepare script) and before `npm test`.
import { execFileSync } from 'node:child_process'
import { cpSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
rmSync(`${root}dist`, { recursive: true, force: true })
execFileSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' })
cpSync(`${root}src/db/migrations`, `${root}dist/db/migrations`, { recursive: true })

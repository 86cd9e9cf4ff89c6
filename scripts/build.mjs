// Compiles src/ to dist/ (what `npm start` and `npm run segments` run), copies the SQL migrations beside
// the compiled code, and bundles the console and the webhook portal (console/src, Preact in TSX) into
// dist/console/ with esbuild.
// Runs on `npm install` (the prepare script) and before `npm test`.
import { execFileSync } from 'node:child_process'
import { cpSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
rmSync(`${root}dist`, { recursive: true, force: true })
execFileSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' })
cpSync(`${root}src/db/migrations`, `${root}dist/db/migrations`, { recursive: true })

// The console and the portal: one script and one stylesheet each (each component's styles, gathered), for browsers of the
// last few years; no eval, no inline code, so the page's Content-Security-Policy can stay strict.
await build({
  entryPoints: { console: `${root}console/src/main.tsx`, portal: `${root}console/src/portal/main.tsx` },
  outdir: `${root}dist/console`,
  bundle: true,
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
})
cpSync(`${root}console/index.html`, `${root}dist/console/index.html`)
cpSync(`${root}console/portal.html`, `${root}dist/console/portal.html`)
cpSync(`${root}console/src/favicon.svg`, `${root}dist/console/favicon.svg`)

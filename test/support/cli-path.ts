/**
 * The `segments` command as tests run it: the compiled build in dist/ (made by `npm run build`, which
 * `npm test` runs first), exactly what `npm start` and `npm run segments` run.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The repository root (the working directory of spawned commands). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** `node` arguments that run `segments`; append the command and its options. */
export const CLI = [fileURLToPath(new URL('../../dist/cli.js', import.meta.url))]

if (!existsSync(CLI[0])) throw new Error(`${CLI[0]} is missing: run \`npm run build\` (npm test does) before these tests`)

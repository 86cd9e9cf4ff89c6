/**
 * The `segments` command as tests run it: the compiled build in dist/ (made by `npm run build`, which
 * `npm test` runs first), exactly what `npm start` and `npm run segments` run.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

/** The repository root (the working directory of spawned commands). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** `node` arguments that run `segments`; append the command and its options. */
export const CLI = [fileURLToPath(new URL('../../dist/cli.js', import.meta.url))]

if (!existsSync(CLI[0])) throw new Error(`${CLI[0]} is missing: run \`npm run build\` (npm test does) before these tests`)

const run = promisify(execFile)

/** Runs `segments args` to its end with only PATH and `env` set; rejects on a non-zero exit. */
export function segments(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env } })
}

/** Runs `segments args`, which must fail; its exit code and what it printed. */
export async function segmentsFailure(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    await segments(args, env)
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string }
    return { code, stdout, stderr }
  }
  assert.fail(`segments ${args.join(' ')} should have failed`)
}

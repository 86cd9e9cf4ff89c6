/**
 * Runs an action and keeps its outcome for a Note: what was done, or the API's message when it failed.
 * Every button of the console goes through here, so no action ends silently.
 */
import { useState } from 'preact/hooks'

export interface Outcome {
  ok: boolean
  text: string
}

export interface Action {
  busy: boolean
  outcome: Outcome | undefined
  /** Runs `action`; on success shows `done` (or what `action` returns, when it is a string; nothing when both are empty). */
  run(done: string, action: () => Promise<unknown>): Promise<boolean>
  say(outcome: Outcome | undefined): void
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false)
  const [outcome, say] = useState<Outcome | undefined>(undefined)
  const run = async (done: string, action: () => Promise<unknown>) => {
    setBusy(true)
    say(undefined)
    try {
      const said = await action()
      const text = typeof said === 'string' ? said : done
      say(text ? { ok: true, text } : undefined)
      return true
    } catch (error) {
      say({ ok: false, text: (error as Error).message })
      return false
    } finally {
      setBusy(false)
    }
  }
  return { busy, outcome, run, say }
}

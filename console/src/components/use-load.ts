/**
 * Loads what a page shows, again whenever its inputs change or `reload` is called; a failure is kept as
 * the API's message for the page to show.
 */
import { useCallback, useEffect, useState } from 'preact/hooks'

export interface Loaded<T> {
  data: T | undefined
  error: string | undefined
  loading: boolean
  reload(): void
}

export function useLoad<T>(load: () => Promise<T>, inputs: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const [loading, setLoading] = useState(true)
  const [round, setRound] = useState(0)
  useEffect(() => {
    let current = true
    setLoading(true)
    load().then(
      (value) => {
        if (!current) return
        setData(value)
        setError(undefined)
        setLoading(false)
      },
      (failure: Error) => {
        if (!current) return
        setError(failure.message)
        setLoading(false)
      },
    )
    return () => {
      current = false
    }
  }, [...inputs, round])
  const reload = useCallback(() => setRound((value) => value + 1), [])
  return { data, error, loading, reload }
}

/**
 * Loads what a page shows, again whenever its inputs change or `reload` is called; a failure is kept as
 * the API's message for the page to show. `reload` resolves once the new data is shown, so an action can
 * report its outcome after the page reflects it.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'

export interface Loaded<T> {
  data: T | undefined
  error: string | undefined
  loading: boolean
  reload(): Promise<void>
}

export function useLoad<T>(load: () => Promise<T>, inputs: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const [loading, setLoading] = useState(true)
  const [round, setRound] = useState(0)
  const waiting = useRef<(() => void)[]>([])
  useEffect(() => {
    let current = true
    setLoading(true)
    const settle = () => {
      setLoading(false)
      for (const resolve of waiting.current.splice(0)) resolve()
    }
    load().then(
      (value) => {
        if (!current) return
        setData(value)
        setError(undefined)
        settle()
      },
      (failure: Error) => {
        if (!current) return
        setError(failure.message)
        settle()
      },
    )
    return () => {
      current = false
    }
  }, [...inputs, round])
  const reload = useCallback(
    () =>
      new Promise<void>((resolve) => {
        waiting.current.push(resolve)
        setRound((value) => value + 1)
      }),
    [],
  )
  return { data, error, loading, reload }
}

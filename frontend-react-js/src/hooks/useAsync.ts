import { useCallback, useEffect, useState, type DependencyList } from 'react'
import { useLatest } from './useLatest'

export type AsyncState<T> = {
  data: T | undefined
  error: unknown
  loading: boolean
  reload: () => void
  setData: (update: T | ((prev: T | undefined) => T | undefined)) => void
}

/** Run `load` when `deps` change, abort stale runs, and expose data/error/loading. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList, enabled = true): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<unknown>(null)
  const [loading, setLoading] = useState(enabled)
  const [attempt, setAttempt] = useState(0)
  const loadRef = useLatest(load)

  useEffect(() => {
    if (!enabled) {
      // eslint-disable-next-line react-hooks/set-state-in-effect -- `loading` tracks the request this effect starts or skips
      setLoading(false)
      return
    }
    const controller = new AbortController()
    setLoading(true)
    setError(null)
    loadRef
      .current(controller.signal)
      .then((value) => {
        if (!controller.signal.aborted) setData(value)
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(err)
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false)
      })
    return () => controller.abort()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps, spread: the rule cannot see inside them
  }, [...deps, attempt, enabled])

  const reload = useCallback(() => setAttempt((n) => n + 1), [])
  return { data, error, loading, reload, setData: setData as AsyncState<T>['setData'] }
}

import { useCallback, useEffect, useRef, useState } from 'react'
import type { Page } from '../api/client'
import { keptList, keepList, keepScroll } from '../lib/kept'
import { useLatest } from './useLatest'

export type PagedList<T> = {
  items: T[]
  status: 'loading' | 'ready' | 'error'
  error: unknown
  loadingMore: boolean
  moreError: unknown
  hasMore: boolean
  loadMore: () => void
  reload: () => void
  setItems: (update: (items: T[]) => T[]) => void
}

/**
 * A cursor-paginated list: the first page from `firstPath`, later pages from the `next` URL the
 * server returned. `fetchPage` is given the URL to read.
 *
 * With `keepAs` (the history entry's key, `useLocation().key`), the loaded items, the next cursor and
 * the window's scroll position are kept for that entry (lib/kept.ts): coming Back to it shows the same
 * items at the same place, without fetching.
 */
export function usePagedList<T extends object>(
  firstPath: string | null,
  fetchPage: (path: string, signal: AbortSignal) => Promise<Page<T>>,
  keyOf: (item: T) => string | undefined = defaultKey,
  { keepAs }: { keepAs?: string } = {},
): PagedList<T> {
  const keptKey = keepAs && firstPath ? `${keepAs} ${firstPath}` : null
  const [restored] = useState(() => (keptKey ? keptList<T>(keptKey) : undefined))
  const [items, setItemsState] = useState<T[]>(restored?.items ?? [])
  const [status, setStatus] = useState<PagedList<T>['status']>(restored ? 'ready' : 'loading')
  const [error, setError] = useState<unknown>(null)
  const [next, setNext] = useState<string | null>(restored?.next ?? null)
  const [loadingMore, setLoadingMore] = useState(false)
  const [moreError, setMoreError] = useState<unknown>(null)
  const [attempt, setAttempt] = useState(0)
  const fetchRef = useLatest(fetchPage)
  const generation = useRef(0)
  const skipFirstFetch = useRef(restored !== undefined)

  useEffect(() => {
    if (!firstPath) return
    if (skipFirstFetch.current) {
      skipFirstFetch.current = false // the kept list is on screen; a reload or another path fetches
      return
    }
    const controller = new AbortController()
    const gen = ++generation.current
    // A new first page restarts the list before its fetch (the external system).
    setStatus('loading')
    setError(null)
    setItemsState([])
    setNext(null)
    setMoreError(null)
    setLoadingMore(false)
    fetchRef
      .current(firstPath, controller.signal)
      .then((page) => {
        if (gen !== generation.current) return
        setItemsState(page.items)
        setNext(page.next)
        setStatus('ready')
      })
      .catch((err: unknown) => {
        if (gen !== generation.current || controller.signal.aborted) return
        setError(err)
        setStatus('error')
      })
    return () => controller.abort()
  }, [firstPath, attempt, fetchRef])

  const loadMore = useCallback(() => {
    if (!next || loadingMore || status !== 'ready') return
    const gen = generation.current
    setLoadingMore(true)
    setMoreError(null)
    fetchRef
      .current(next, new AbortController().signal)
      .then((page) => {
        if (gen !== generation.current) return
        setItemsState((prev) => {
          const seen = new Set(prev.map(keyOf))
          return [...prev, ...page.items.filter((i) => keyOf(i) === undefined || !seen.has(keyOf(i)))]
        })
        setNext(page.next)
      })
      .catch((err: unknown) => {
        if (gen === generation.current) setMoreError(err)
      })
      .finally(() => {
        if (gen === generation.current) setLoadingMore(false)
      })
  }, [next, loadingMore, status, keyOf, fetchRef])

  useEffect(() => {
    if (keptKey && status === 'ready') keepList(keptKey, { items, next })
  }, [keptKey, status, items, next])
  useEffect(() => (keptKey ? keepScroll(keptKey, restored?.scrollY) : undefined), [keptKey, restored])

  const reload = useCallback(() => setAttempt((n) => n + 1), [])
  const setItems = useCallback((update: (items: T[]) => T[]) => setItemsState(update), [])

  return { items, status, error, loadingMore, moreError, hasMore: next !== null, loadMore, reload, setItems }
}

/**
 * Items are the same when their uuid is: a crud appears once in a list (issue 18), where it was first
 * seen (the server folds reposts into the newest entry). Lists of things without a uuid (reports) pass
 * their own `keyOf`.
 */
function defaultKey(value: object): string | undefined {
  return (value as { uuid?: string }).uuid
}

import { useCallback, useEffect, useRef, useState } from 'react'
import type { Page } from '../api/client'
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
 */
export function usePagedList<T extends object>(
  firstPath: string | null,
  fetchPage: (path: string, signal: AbortSignal) => Promise<Page<T>>,
  keyOf: (item: T) => string | undefined = defaultKey,
): PagedList<T> {
  const [items, setItemsState] = useState<T[]>([])
  const [status, setStatus] = useState<PagedList<T>['status']>('loading')
  const [error, setError] = useState<unknown>(null)
  const [next, setNext] = useState<string | null>(null)
  const [loadingMore, setLoadingMore] = useState(false)
  const [moreError, setMoreError] = useState<unknown>(null)
  const [attempt, setAttempt] = useState(0)
  const fetchRef = useLatest(fetchPage)
  const generation = useRef(0)

  useEffect(() => {
    if (!firstPath) return
    const controller = new AbortController()
    const gen = ++generation.current
    // eslint-disable-next-line react-hooks/set-state-in-effect -- a new first page restarts the list before its fetch (the external system)
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

  const reload = useCallback(() => setAttempt((n) => n + 1), [])
  const setItems = useCallback((update: (items: T[]) => T[]) => setItemsState(update), [])

  return { items, status, error, loadingMore, moreError, hasMore: next !== null, loadMore, reload, setItems }
}

/**
 * Items are the same when their uuid is; a repost is its own item (same crud, another reposter).
 * Lists of things without a uuid (reports) pass their own `keyOf`.
 */
function defaultKey(value: object): string | undefined {
  const item = value as { uuid?: string; reposted_by?: { handle: string } | null }
  if (!item.uuid) return undefined
  return item.reposted_by ? `${item.uuid}:${item.reposted_by.handle}` : item.uuid
}

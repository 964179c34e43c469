import { useEffect, useRef, type ReactNode } from 'react'
import { errorMessage } from '../api/client'
import { useLatest } from '../hooks/useLatest'
import { Spinner } from './States'

type Props = {
  hasMore: boolean
  loading: boolean
  error: unknown
  onMore: () => void
  /** Shown once the last page is in (an end-of-feed marker). */
  end?: ReactNode
}

/** Loads the next page when it scrolls into view; a button when that is not possible or failed. */
export function InfiniteSentinel({ hasMore, loading, error, onMore, end }: Props) {
  const ref = useRef<HTMLDivElement>(null)
  const onMoreRef = useLatest(onMore)
  const supported = typeof IntersectionObserver !== 'undefined'

  useEffect(() => {
    const node = ref.current
    if (!node || !supported || !hasMore || error) return
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) onMoreRef.current()
    }, { rootMargin: '600px 0px' })
    observer.observe(node)
    return () => observer.disconnect()
  }, [hasMore, error, supported, loading, onMoreRef])

  if (!hasMore) return end ? <p className="feed__end muted">{end}</p> : null
  return (
    <div ref={ref} className="sentinel">
      {loading ? <Spinner label="Loading more" inline /> : null}
      {error ? <p className="form-error">{errorMessage(error)}</p> : null}
      {!loading && (error || !supported) ? (
        <button type="button" className="btn btn--ghost" onClick={onMore}>
          {error ? 'Try again' : 'Load more'}
        </button>
      ) : null}
    </div>
  )
}

import { useCallback, useEffect, type ReactNode } from 'react'
import type { Activity } from '../api/types'
import type { PagedList } from '../hooks/usePagedList'
import { useUnexpired } from '../hooks/useUnexpired'
import { on } from '../lib/events'
import { ActivityItem } from './ActivityItem'
import { InfiniteSentinel } from './InfiniteSentinel'
import { EmptyState, ErrorState, Spinner } from './States'

/**
 * A list of cruds with loading, empty and error states, live expiry, infinite scroll and an end
 * marker. One card per crud (the list keys items by uuid); its like/repost state is the screen's one
 * truth (hooks/useActivityFlags).
 */
export function ActivityFeed({ list, empty, label }: { list: PagedList<Activity>; empty?: ReactNode; label: string }) {
  const visible = useUnexpired(list.items)
  const { setItems } = list
  const remove = useCallback((uuid: string) => setItems((items) => items.filter((a) => a.uuid !== uuid)), [setItems])
  // A crud whose author changed its end: every copy in this list (reposts too) gets the new end.
  useEffect(() => on('activity:changed', (a) => setItems((items) => items.map((i) => (i.uuid === a.uuid ? { ...i, expires_at: a.expires_at } : i)))), [setItems])

  if (list.status === 'loading') return <Spinner label={`Loading ${label}`} />
  if (list.status === 'error') return <ErrorState error={list.error} onRetry={list.reload} />
  return (
    <section aria-label={label} className="feed">
      {visible.length === 0 && !list.hasMore ? (empty ?? <EmptyState title="Nothing to see here yet" />) : null}
      {visible.map((activity) => (
        <ActivityItem key={activity.uuid} activity={activity} onRemove={remove} />
      ))}
      <InfiniteSentinel
        hasMore={list.hasMore}
        loading={list.loadingMore}
        error={list.moreError}
        onMore={list.loadMore}
        end={visible.length > 0 ? 'You’re all caught up' : null}
      />
    </section>
  )
}

import { useCallback, useEffect, useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { activityPaths, repliesPage } from '../api/activities'
import type { Activity } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { ActivityItem } from '../components/ActivityItem'
import { InfiniteSentinel } from '../components/InfiniteSentinel'
import { PageHeader } from '../components/PageHeader'
import { ReplyForm } from '../components/ReplyForm'
import { EmptyState, ErrorState, Spinner } from '../components/States'
import { primed } from '../hooks/useActivityFlags'
import { usePagedList } from '../hooks/usePagedList'
import { on } from '../lib/events'
import { useTitle } from '../hooks/useTitle'

const primedRepliesPage = primed(repliesPage)

/** One crud, its replies (oldest first) and the reply form. */
export default function ActivityPage({ handle }: { handle: string }) {
  const { uuid = '' } = useParams()
  const { status } = useAuth()
  const navigate = useNavigate()
  const [activity, setActivity] = useState<Activity | null>(null)
  const [gone, setGone] = useState<'expired' | 'deleted' | null>(null)
  useTitle(activity ? `${activity.display_name}: “${activity.message.slice(0, 40)}”` : 'Crud')

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the route reuses this page for another item: forget the previous one (a `key` would remount it)
    setActivity(null)
    setGone(null)
  }, [handle, uuid])
  const fetchPage = useCallback(async (path: string, signal: AbortSignal) => {
    const page = await primedRepliesPage(path, signal)
    if (page.activity) setActivity(page.activity)
    return page
  }, [])
  useEffect(() => on('activity:changed', (a) => setActivity((mine) => (mine && mine.uuid === a.uuid ? { ...mine, expires_at: a.expires_at } : mine))), [])
  const list = usePagedList<Activity>(status === 'loading' ? null : activityPaths.show(handle, uuid), fetchPage)
  const { setItems } = list

  const onRemove = useCallback(
    (removed: string) => {
      if (removed !== uuid) return
      const expired = activity?.expires_at ? Date.parse(activity.expires_at) <= Date.now() + 1000 : false
      setGone(expired ? 'expired' : 'deleted')
      if (!expired) navigate(-1)
    },
    [uuid, activity, navigate],
  )
  const removeReply = useCallback((id: string) => setItems((items) => items.filter((r) => r.uuid !== id)), [setItems])
  const addReply = useCallback(
    (reply: Activity) => {
      setItems((items) => [...items, reply])
      setActivity((a) => (a ? { ...a, replies_count: (a.replies_count ?? 0) + 1 } : a))
    },
    [setItems],
  )

  const header = <PageHeader title="Crud" back />
  if (gone === 'expired') {
    return (
      <>
        {header}
        <EmptyState title="This crud has expired">
          Its time is up — it’s gone, with its replies. <Link to="/">Back to Home</Link>
        </EmptyState>
      </>
    )
  }
  if (list.status === 'error') {
    const notFound = (list.error as { status?: number })?.status === 404
    return (
      <>
        {header}
        {notFound ? (
          <EmptyState title="This crud doesn’t exist">
            It may have expired or been deleted. <Link to="/">Back to Home</Link>
          </EmptyState>
        ) : (
          <ErrorState error={list.error} onRetry={list.reload} />
        )}
      </>
    )
  }
  if (!activity) {
    return (
      <>
        {header}
        <Spinner label="Loading crud" />
      </>
    )
  }
  return (
    <>
      {header}
      <ActivityItem key={activity.uuid} activity={activity} detail onRemove={onRemove} onReplied={addReply} />
      {status === 'signedIn' ? (
        <div className="reply-box">
          <ReplyForm parent={activity} onDone={addReply} inline />
        </div>
      ) : (
        <p className="reply-box muted">
          <Link to={`/signin?next=${encodeURIComponent(`/@${handle}/status/${uuid}`)}`}>Sign in</Link> to reply.
        </p>
      )}
      <section aria-label="Replies" className="feed feed--replies">
        {list.items.length === 0 && !list.hasMore ? <EmptyState title="No replies yet">Be the first to reply.</EmptyState> : null}
        {list.items.map((reply) => (
          <ActivityItem key={reply.uuid} activity={reply} isReply onRemove={removeReply} />
        ))}
        <InfiniteSentinel hasMore={list.hasMore} loading={list.loadingMore} error={list.moreError} onMore={list.loadMore} />
      </section>
    </>
  )
}

import { useEffect, useRef } from 'react'
import { Link } from 'react-router-dom'
import type { Page } from '../api/client'
import { markRead, notifications } from '../api/notifications'
import { nextFromCursor } from '../api/client'
import type { Notification } from '../api/types'
import { Avatar } from '../components/Avatar'
import { BellIcon, HeartIcon, MailIcon, ReplyIcon, RepostIcon, UserIcon } from '../components/Icons'
import { InfiniteSentinel } from '../components/InfiniteSentinel'
import { PageHeader } from '../components/PageHeader'
import { EmptyState, ErrorState, Spinner } from '../components/States'
import { usePagedList } from '../hooks/usePagedList'
import { useTitle } from '../hooks/useTitle'
import { useLive, useLiveEvent } from '../live/LiveContext'
import { formatFull, timeAgo } from '../lib/time'

const FIRST = '/api/notifications?limit=20'

async function fetchPage(path: string, signal: AbortSignal): Promise<Page<Notification>> {
  const body = await notifications(path, signal)
  return { items: body.items ?? [], next: nextFromCursor(path, body.next_cursor) }
}

/** Replies, mentions, likes, reposts, follows and messages — live while the page is open. */
export default function NotificationsPage() {
  useTitle('Notifications')
  const { report } = useLive()
  const list = usePagedList<Notification>(FIRST, fetchPage)
  const { setItems } = list
  const marked = useRef<number | null>(null)

  useLiveEvent('notification', (n) => setItems((items) => mergeLive(items, n)))

  // Seeing the page reads everything on it, including what arrives live while it is open.
  const newest = list.items[0]
  useEffect(() => {
    if (!newest || marked.current === newest.id || document.visibilityState === 'hidden') return
    marked.current = newest.id
    markRead(newest.id)
      .then((result) => report({ notifications: result?.unread_count ?? 0 }))
      .catch(() => {
        marked.current = null
      })
  }, [newest, report])

  return (
    <>
      <PageHeader title="Notifications" />
      {list.status === 'loading' ? <Spinner label="Loading notifications" /> : null}
      {list.status === 'error' ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
      {list.status === 'ready' && list.items.length === 0 ? (
        <EmptyState title="Nothing yet">When people reply, like, repost, follow or message you, you’ll see it here — live.</EmptyState>
      ) : null}
      <ol className="notifications" aria-live="polite">
        {list.items.map((n) => (
          <li key={n.uuid}>
            <NotificationItem n={n} />
          </li>
        ))}
      </ol>
      <InfiniteSentinel hasMore={list.hasMore} loading={list.loadingMore} error={list.moreError} onMore={list.loadMore} />
    </>
  )
}

const GROUPED = new Set(['like', 'repost'])

/** A live notification on top; a like or repost of a crud already listed joins its group (as the server lists it). */
export function mergeLive(items: Notification[], n: Notification): Notification[] {
  if (items.some((i) => i.uuid === n.uuid)) return items
  const group = GROUPED.has(n.kind) ? items.find((i) => i.kind === n.kind && i.activity_uuid === n.activity_uuid) : undefined
  if (!group) return [n, ...items]
  const others = [group.actor, ...(group.others ?? [])].filter((p) => p.uuid !== n.actor.uuid).slice(0, 2)
  const joined = { ...n, others, others_count: (group.others_count ?? 0) + 1 }
  return [joined, ...items.filter((i) => i !== group)]
}

/** "Bob", "Bob and Ann", "Bob and 3 others". */
export function actorsText(n: Notification): string {
  const count = n.others_count ?? 0
  if (count === 0) return n.actor.display_name
  if (count === 1 && n.others?.[0]) return `${n.actor.display_name} and ${n.others[0].display_name}`
  return `${n.actor.display_name} and ${count} others`
}

const VERBS: Record<string, string> = {
  reply: 'replied to your crud',
  mention: 'mentioned you',
  like: 'liked your crud',
  repost: 'reposted your crud',
  follow: 'followed you',
  message: 'sent you a message',
}

function icon(kind: string) {
  switch (kind) {
    case 'reply':
    case 'mention':
      return <ReplyIcon size={20} />
    case 'like':
      return <HeartIcon size={20} filled />
    case 'repost':
      return <RepostIcon size={20} />
    case 'follow':
      return <UserIcon size={20} />
    case 'message':
      return <MailIcon size={20} />
    default:
      return <BellIcon size={20} />
  }
}

export function notificationLink(n: Notification): string {
  if (n.kind === 'message' && n.message_group_uuid) return `/messages/${n.message_group_uuid}`
  if (n.kind === 'follow') return `/@${n.actor.handle}`
  if (n.activity_uuid) return `/@${n.activity_handle ?? n.actor.handle}/status/${n.activity_uuid}`
  return `/@${n.actor.handle}`
}

function NotificationItem({ n }: { n: Notification }) {
  return (
    <Link to={notificationLink(n)} className={n.read ? 'notification' : 'notification is-unread'}>
      <span className={`notification__icon notification__icon--${n.kind}`}>{icon(n.kind)}</span>
      <Avatar url={n.actor.avatar_url} handle={n.actor.handle} name={n.actor.display_name} size={40} />
      <span className="notification__body">
        <span className="notification__text">
          <strong>{actorsText(n)}</strong> {n.others_count ? null : <span className="muted">@{n.actor.handle} </span>}
          {VERBS[n.kind] ?? 'did something'}
          <span className="muted">
            {' · '}
            <time dateTime={n.created_at} title={formatFull(n.created_at)}>
              {timeAgo(n.created_at)}
            </time>
          </span>
        </span>
        {n.preview ? <span className="notification__preview">{n.preview}</span> : null}
        {!n.read ? <span className="visually-hidden">(unread)</span> : null}
      </span>
    </Link>
  )
}

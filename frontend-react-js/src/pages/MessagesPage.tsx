import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { errorMessage } from '../api/client'
import { groupWith, markGroupRead, messageGroups, messagesPage, messagesPath, sendMessage, setMessageTimer } from '../api/messages'
import type { CreatedMessage, Message, MessageGroup, MessageTtl, Person } from '../api/types'
import { getShort } from '../api/users'
import { useAuth } from '../auth/AuthContext'
import { Avatar } from '../components/Avatar'
import { CharCounter, canSend } from '../components/CharCounter'
import { ArrowLeftIcon, FlagIcon, SendIcon, TimerIcon } from '../components/Icons'
import { InfiniteSentinel } from '../components/InfiniteSentinel'
import { Menu } from '../components/Menu'
import { PageHeader } from '../components/PageHeader'
import { ReportDialog } from '../components/ReportDialog'
import { EmptyState, ErrorState, FormError, Spinner } from '../components/States'
import { useAsync } from '../hooks/useAsync'
import { useCountdown } from '../hooks/useCountdown'
import { usePagedList } from '../hooks/usePagedList'
import { useTitle } from '../hooks/useTitle'
import { isExpired, useExpiryClock, useUnexpired } from '../hooks/useUnexpired'
import { useToast } from '../components/Toast'
import { useLive, useLiveEvent } from '../live/LiveContext'
import { MESSAGE_MAX } from '../lib/text'
import { MESSAGE_TTL_OPTIONS, formatFull, messageTime } from '../lib/time'

/** Conversations list plus the open conversation (/messages, /messages/:uuid, /messages/new/:handle). */
export default function MessagesPage() {
  const { groupUuid, handle } = useParams()
  const groups = usePagedList<MessageGroup>('/api/message_groups', (_path, signal) => messageGroups(signal))
  const { setItems: setGroups, reload: reloadGroups } = groups
  const open = groupUuid ?? (handle ? `new:${handle}` : null)
  useTitle('Messages')

  const bump = useCallback(
    (gid: string, m: Message, other?: Person, unread = 0) => {
      setGroups((items) => {
        const existing = items.find((g) => g.uuid === gid)
        if (!existing && !other) {
          queueMicrotask(reloadGroups)
          return items
        }
        const base: MessageGroup = existing ?? { uuid: gid, handle: other!.handle, display_name: other!.display_name, avatar_url: other!.avatar_url, message: '', created_at: m.created_at, unread_count: 0 }
        // A timer line changes the conversation's timer; every line becomes the preview, with its own end.
        const timer = m.kind === 'timer' ? { message_ttl: m.message_ttl ?? null } : {}
        // A line from the other member names them as they are now: the entry takes their current name.
        const who = base.handle && m.handle.toLowerCase() === base.handle.toLowerCase() ? { display_name: m.display_name, avatar_url: m.avatar_url } : {}
        const unreadCount = (base.unread_count ?? 0) + unread
        return [{ ...base, ...timer, ...who, message: m.message, created_at: m.created_at, expires_at: m.expires_at ?? null, unread_count: unreadCount }, ...items.filter((g) => g.uuid !== gid)]
      })
    },
    [setGroups, reloadGroups],
  )
  // a message in a conversation that is not open is one more unread there (the open one reads it)
  useLiveEvent('message', (e) => bump(e.message_group_uuid, e.message, undefined, e.message_group_uuid !== groupUuid && e.message.kind !== 'timer' ? 1 : 0))
  const readGroup = useCallback((gid: string) => setGroups((items) => items.map((g) => (g.uuid === gid && g.unread_count ? { ...g, unread_count: 0 } : g))), [setGroups])
  const now = useExpiryClock(groups.items)

  return (
    <div className={open ? 'messages has-open' : 'messages'}>
      <section className="messages__list" aria-label="Conversations">
        <PageHeader title="Messages" />
        {groups.status === 'loading' ? <Spinner label="Loading conversations" /> : null}
        {groups.status === 'error' ? <ErrorState error={groups.error} onRetry={groups.reload} /> : null}
        {groups.status === 'ready' && groups.items.length === 0 && !handle ? (
          <EmptyState title="No conversations yet">Open someone’s profile and press “Message” to start one.</EmptyState>
        ) : null}
        <ul className="groups">
          {handle && !groupUuid ? (
            <li>
              <span className="group is-active">
                <span className="group__text">
                  <span className="group__name">New message to @{handle}</span>
                </span>
              </span>
            </li>
          ) : null}
          {groups.items.map((g) => {
            // The open conversation is read (Conversation marks it): no marker, even when the list
            // arrives after the mark-read with the count from before it.
            const unread = g.uuid === groupUuid ? 0 : (g.unread_count ?? 0)
            return (
              <li key={g.uuid}>
                <Link to={`/messages/${g.uuid}`} className={['group', g.uuid === groupUuid ? 'is-active' : '', unread ? 'is-unread' : ''].filter(Boolean).join(' ')} aria-current={g.uuid === groupUuid ? 'page' : undefined}>
                  <Avatar url={g.avatar_url} handle={g.handle ?? g.uuid} name={g.display_name} size={44} />
                  <span className="group__text" title={g.handle ? `@${g.handle}` : g.display_name}>
                    <span className="group__top">
                      <span className="group__name">{g.display_name}</span>
                      <time className="group__time" dateTime={g.created_at} title={formatFull(g.created_at)}>
                        {messageTime(g.created_at)}
                      </time>
                    </span>
                    <span className="group__preview">{isExpired(g, now) ? '' : g.message}</span>
                    {unread ? (
                      <span className="group__unread" data-testid="unread-marker">
                        <span aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
                        <span className="visually-hidden">, {unread} unread</span>
                      </span>
                    ) : null}
                  </span>
                </Link>
              </li>
            )
          })}
        </ul>
        <InfiniteSentinel hasMore={groups.hasMore} loading={groups.loadingMore} error={groups.moreError} onMore={groups.loadMore} />
      </section>
      <section className="messages__open" aria-label="Conversation">
        {groupUuid ? (
          <Conversation key={groupUuid} groupUuid={groupUuid} group={groups.items.find((g) => g.uuid === groupUuid)} onSent={bump} onRead={readGroup} />
        ) : handle ? (
          <NewConversation key={handle} handle={handle} onSent={bump} />
        ) : (
          <div className="messages__placeholder">
            <EmptyState title="Select a conversation">Or start one from anyone’s profile.</EmptyState>
          </div>
        )}
      </section>
    </div>
  )
}

/** The other member; `handle` is null once their account was deleted (the service says "Deleted account"). */
type Who = { handle: string | null; display_name: string; avatar_url: string | null }

function ConversationHeader({ person, children }: { person?: Who | null; children?: ReactNode }) {
  return (
    <div className="page-header conversation__header">
      <Link to="/messages" className="icon-btn only-narrow" aria-label="Back to conversations">
        <ArrowLeftIcon />
      </Link>
      {/* The other person is the conversation's heading (on phones the list and its h1 are out of sight). */}
      {person && person.handle === null ? (
        <h2 className="conversation__heading">
          <span className="conversation__who">
            <Avatar url={null} handle={person.display_name} name={person.display_name} size={36} />
            <span>
              <span className="page-header__title">{person.display_name}</span>
              <span className="page-header__subtitle">This account was deleted</span>
            </span>
          </span>
        </h2>
      ) : person?.handle ? (
        <h2 className="conversation__heading">
          <Link to={`/@${person.handle}`} className="conversation__who">
            <Avatar url={person.avatar_url} handle={person.handle} name={person.display_name} size={36} />
            <span>
              <span className="page-header__title">{person.display_name}</span>
              <span className="page-header__subtitle">@{person.handle}</span>
            </span>
          </Link>
        </h2>
      ) : (
        <h2 className="page-header__title">Conversation</h2>
      )}
      {children}
    </div>
  )
}

function Conversation({ groupUuid, group, onSent, onRead }: { groupUuid: string; group?: MessageGroup; onSent: (gid: string, m: Message) => void; onRead?: (gid: string) => void }) {
  const { me } = useAuth()
  const { report } = useLive()
  // Opening a conversation reads it, and so does a message arriving while it is open (every tab's badge follows).
  const read = useCallback(() => {
    onRead?.(groupUuid)
    markGroupRead(groupUuid)
      .then((left) => {
        onRead?.(groupUuid) // again: a list that arrived meanwhile has the count from before
        report({ messages: left.unread_count })
      })
      .catch(() => {})
  }, [groupUuid, onRead, report])
  useEffect(() => read(), [read])
  const list = usePagedList<Message>(messagesPath(groupUuid), messagesPage)
  const { setItems } = list
  const bottom = useRef<HTMLLIElement>(null)
  const scroller = useRef<HTMLOListElement>(null)
  const stickToBottom = useRef(true)

  // Pages arrive newest page first, each oldest-first inside: sorting puts older pages above.
  // Disappearing messages leave the screen the moment they end.
  const ordered = useUnexpired(useMemo(() => orderMessages(list.items), [list.items]))

  const append = useCallback(
    (m: Message) => {
      stickToBottom.current = true
      // The newest line names its sender as they are now: their earlier lines follow (one name per person).
      setItems((items) =>
        items.some((i) => i.uuid === m.uuid)
          ? items
          : [...items.map((i) => (i.handle === m.handle && (i.display_name !== m.display_name || i.avatar_url !== m.avatar_url) ? { ...i, display_name: m.display_name, avatar_url: m.avatar_url } : i)), m],
      )
    },
    [setItems],
  )
  useLiveEvent('message', (e) => {
    if (e.message_group_uuid !== groupUuid) return
    append(e.message)
    if (e.message.kind !== 'timer') read()
  })

  useLayoutEffect(() => {
    if (stickToBottom.current) bottom.current?.scrollIntoView?.({ block: 'end' })
  }, [ordered.length])

  const other: Who | null =
    group ?? ordered.find((m) => m.handle.toLowerCase() !== me?.handle?.toLowerCase()) ?? null
  // The list entry knows the timer (kept current by timer lines); else the latest timer line loaded.
  const lastLine = [...ordered].reverse().find((m) => m.kind === 'timer')
  const timer = group ? (group.message_ttl ?? null) : (lastLine?.message_ttl ?? null)

  // After setting the timer, fetch the newest page to show the system line the service wrote.
  const mergeNewest = useCallback(async () => {
    const page = await messagesPage(messagesPath(groupUuid))
    setItems((items) => [...items, ...page.items.filter((m) => !items.some((i) => i.uuid === m.uuid))])
    const line = [...orderMessages(page.items)].reverse().find((m) => m.kind === 'timer')
    if (line) onSent(groupUuid, line)
  }, [groupUuid, setItems, onSent])

  return (
    <div className="conversation">
      <ConversationHeader person={other}>
        <TimerControl groupUuid={groupUuid} timer={timer} onChanged={() => void mergeNewest().catch(() => {})} />
      </ConversationHeader>
      {list.status === 'loading' ? <Spinner label="Loading messages" /> : null}
      {list.status === 'error' ? (
        (list.error as { status?: number })?.status === 404 ? (
          <EmptyState title="Conversation not found">It doesn’t exist, or you’re not part of it.</EmptyState>
        ) : (
          <ErrorState error={list.error} onRetry={list.reload} />
        )
      ) : null}
      {list.status === 'ready' ? (
        <ol
          className="bubbles"
          ref={scroller}
          aria-label="Messages"
          aria-live="polite"
          onScroll={(e) => {
            const el = e.currentTarget
            stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80
          }}
        >
          {list.hasMore ? (
            <li className="bubbles__more">
              <InfiniteSentinel hasMore={list.hasMore} loading={list.loadingMore} error={list.moreError} onMore={() => { stickToBottom.current = false; list.loadMore() }} />
            </li>
          ) : null}
          {ordered.length === 0 ? <li className="muted bubbles__empty">No messages yet. Say hello!</li> : null}
          {ordered.map((m) =>
            m.kind === 'timer' ? <TimerLine key={m.uuid} m={m} /> : <Bubble key={m.uuid} m={m} mine={m.handle.toLowerCase() === me?.handle?.toLowerCase()} />,
          )}
          {/* An <ol> holds only <li>s (axe `list`): the scroll anchor is an empty, hidden item. */}
          <li ref={bottom} className="bubbles__end" aria-hidden="true" />
        </ol>
      ) : null}
      {list.status !== 'error' && other?.handle === null ? (
        <p className="muted conversation__closed" role="note">
          This account was deleted. You can read what is left of the conversation, but not reply.
        </p>
      ) : list.status !== 'error' ? (
        <MessageForm
          send={(text) => sendMessage({ message: text, message_group_uuid: groupUuid })}
          onSent={(m) => {
            append(m)
            onSent(groupUuid, m)
          }}
        />
      ) : null}
    </div>
  )
}

/** Sort by time (stable for equal times) so older pages and live messages fall into place. */
export function orderMessages(messages: Message[]): Message[] {
  return messages
    .map((m, i) => ({ m, i }))
    .sort((a, b) => (a.m.created_at < b.m.created_at ? -1 : a.m.created_at > b.m.created_at ? 1 : a.i - b.i))
    .map(({ m }) => m)
}

function Bubble({ m, mine }: { m: Message; mine: boolean }) {
  const [reporting, setReporting] = useState(false)
  return (
    <li className={mine ? 'bubble bubble--mine' : 'bubble'}>
      {!mine ? (
        <Link to={`/@${m.handle}`} className="bubble__avatar" tabIndex={-1} aria-hidden="true">
          <Avatar url={m.avatar_url} handle={m.handle} name={m.display_name} size={32} />
        </Link>
      ) : null}
      <div className="bubble__box">
        <span className="visually-hidden">{mine ? 'You' : m.display_name}: </span>
        <p className="bubble__text">{m.message}</p>
        <time className="bubble__time" dateTime={m.created_at} title={formatFull(m.created_at)}>
          {messageTime(m.created_at)}
        </time>
        <MessageCountdown expiresAt={m.expires_at} />
      </div>
      {!mine ? (
        <Menu
          label={`More actions for the message from @${m.handle}`}
          className="icon-btn bubble__more"
          iconSize={16}
          items={[{ label: 'Report message', icon: <FlagIcon size={18} />, onSelect: () => setReporting(true) }]}
        />
      ) : null}
      {reporting ? <ReportDialog target={{ type: 'message', id: m.uuid }} subject={`this message from @${m.handle}`} onClose={() => setReporting(false)} /> : null}
    </li>
  )
}

/** A system line in the conversation ("Bayko set messages to disappear after 1 day"): centred, no bubble. */
function TimerLine({ m }: { m: Message }) {
  return (
    <li className="system-line">
      <TimerIcon size={14} />
      <span>{m.message}</span>
      <time dateTime={m.created_at} title={formatFull(m.created_at)} className="system-line__time">
        {messageTime(m.created_at)}
      </time>
    </li>
  )
}

/** The small countdown of a disappearing message (the list drops the message when it ends). */
function MessageCountdown({ expiresAt }: { expiresAt: string | null | undefined }) {
  const countdown = useCountdown(expiresAt)
  if (!countdown || !expiresAt) return null
  return (
    <span className="bubble__countdown" title={`Disappears ${formatFull(expiresAt)}`}>
      <TimerIcon size={12} />
      <span aria-hidden="true">{countdown.label}</span>
      <span className="visually-hidden">disappears in {countdown.long.replace(/^expires in /, '')}</span>
    </span>
  )
}

/** The conversation's message timer, shown and set from the header (either member may change it). */
function TimerControl({ groupUuid, timer, onChanged }: { groupUuid: string; timer: MessageTtl | null; onChanged: (ttl: MessageTtl | null) => void }) {
  const id = useId()
  const toast = useToast()
  const [busy, setBusy] = useState(false)
  const [shown, setShown] = useState<{ from: MessageTtl | null; to: MessageTtl | null } | null>(null)
  // A local choice holds until the conversation's own timer moves (a timer line from either member).
  const value = shown && shown.from === timer ? shown.to : timer
  const change = async (next: MessageTtl | null) => {
    setBusy(true)
    setShown({ from: timer, to: next })
    try {
      const settings = await setMessageTimer(groupUuid, next)
      setShown({ from: timer, to: settings.message_ttl })
      onChanged(settings.message_ttl)
    } catch (error) {
      setShown(null)
      toast.fail(errorMessage(error))
    } finally {
      setBusy(false)
    }
  }
  return (
    <label className={value ? 'ttl-picker timer-control is-on' : 'ttl-picker timer-control'} htmlFor={`${id}-timer`}>
      <TimerIcon size={18} />
      <span className="visually-hidden">Disappearing messages</span>
      <select id={`${id}-timer`} value={value ?? ''} disabled={busy} onChange={(e) => void change((e.target.value || null) as MessageTtl | null)}>
        {MESSAGE_TTL_OPTIONS.map((o) => (
          <option key={o.label} value={o.value ?? ''}>
            {o.value ? `Disappear after ${o.label}` : 'Messages stay'}
          </option>
        ))}
      </select>
    </label>
  )
}

function NewConversation({ handle, onSent }: { handle: string; onSent: (gid: string, m: Message, other?: Person) => void }) {
  const navigate = useNavigate()
  const { me } = useAuth()
  const self = me?.handle?.toLowerCase() === handle.toLowerCase()
  const { data, error, loading, reload } = useAsync(
    async (signal) => {
      const existing = await groupWith(handle, signal)
      if (existing) return { existing, person: null }
      return { existing: null, person: await getShort(handle, signal) }
    },
    [handle],
    !self,
  )
  useEffect(() => {
    if (data?.existing) navigate(`/messages/${data.existing.uuid}`, { replace: true })
  }, [data, navigate])

  if (self) return <EmptyState title="That’s you!">You can’t message yourself. Pick someone else.</EmptyState>
  if (loading || data?.existing) return <Spinner label="Opening conversation" />
  if (error) {
    const failure = (error ?? {}) as { status?: number; code?: string }
    if (failure.code === 'blocked') return <EmptyState title={`You can’t message @${handle}`}>{errorMessage(error)}</EmptyState>
    return failure.status === 404 ? (
      <EmptyState title={`@${handle} doesn’t exist`}>Check the username and try again.</EmptyState>
    ) : (
      <ErrorState error={error} onRetry={reload} />
    )
  }
  const person = data?.person ?? null
  return (
    <div className="conversation">
      <ConversationHeader person={person} />
      <ol className="bubbles" aria-label="Messages">
        <li className="muted bubbles__empty">This is the start of your conversation with @{handle}.</li>
      </ol>
      <MessageForm
        send={(text) => sendMessage({ message: text, handle })}
        onSent={(m) => {
          onSent(m.message_group_uuid, m, person ?? undefined)
          navigate(`/messages/${m.message_group_uuid}`, { replace: true })
        }}
      />
    </div>
  )
}

function MessageForm<T extends CreatedMessage>({ send, onSent }: { send: (text: string) => Promise<T>; onSent: (m: T) => void }) {
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const id = useId()
  const ref = useRef<HTMLTextAreaElement>(null)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!canSend(text, MESSAGE_MAX) || busy) return
    setBusy(true)
    setError(null)
    try {
      const sent = await send(text.trim())
      setText('')
      onSent(sent)
      ref.current?.focus()
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="message-form" onSubmit={submit}>
      <label htmlFor={`${id}-text`} className="visually-hidden">
        Send a direct message
      </label>
      <textarea
        ref={ref}
        id={`${id}-text`}
        placeholder="Write a message…"
        value={text}
        rows={1}
        onChange={(e) => setText(e.target.value)}
        aria-describedby={`${id}-count`}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) void submit(e)
        }}
      />
      <CharCounter text={text} max={MESSAGE_MAX} id={`${id}-count`} />
      <button type="submit" className="btn btn--primary btn--icon" disabled={!canSend(text, MESSAGE_MAX) || busy} aria-label="Send message">
        <SendIcon size={18} />
      </button>
      <FormError message={error} />
    </form>
  )
}

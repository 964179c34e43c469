import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { unreadMessages as fetchUnreadMessages } from '../api/messages'
import { notifications as fetchNotifications, streamUrl } from '../api/notifications'
import type { LiveHomeEvent, LiveMessageEvent, LiveUnreadEvent, Notification } from '../api/types'
import { getAccessToken } from '../api/client'
import { useAuth } from '../auth/AuthContext'
import { useLatest } from '../hooks/useLatest'
import { backoffDelay, type Backoff } from '../lib/backoff'

export type LiveEvents = { notification: Notification; message: LiveMessageEvent; home: LiveHomeEvent }
type Listener<K extends keyof LiveEvents> = (payload: LiveEvents[K]) => void

/** Counts the server answered (a mark-read's result): shown here and in the person's other tabs. */
export type Counts = { notifications?: number; messages?: number }

export type LiveState = {
  unread: number
  setUnread: (n: number | ((n: number) => number)) => void
  /** Unread direct messages (the Messages badge). */
  unreadMessages: number
  /** Set the badges to counts the server answered, in this tab and the others (BroadcastChannel). */
  report: (counts: Counts) => void
  connected: boolean
  subscribe: <K extends keyof LiveEvents>(kind: K, listener: Listener<K>) => () => void
}

const noop = () => () => {}
/** Reconnects of a stream the server closed: 0.5-1 s growing to 15-30 s, at most 10 in a row (src/lib/backoff.ts). */
const LIVE_RETRY: Backoff = { baseMs: 1000, maxMs: 30_000 }
const LIVE_ATTEMPTS = 10
const LiveContext = createContext<LiveState>({ unread: 0, setUnread: () => {}, unreadMessages: 0, report: () => {}, connected: false, subscribe: noop })
export const COUNTS_CHANNEL = 'cruddur-counts'

export const useLive = () => useContext(LiveContext)
export const LiveContextProvider = LiveContext.Provider

/** Subscribe to a live event for the lifetime of the component. */
export function useLiveEvent<K extends keyof LiveEvents>(kind: K, listener: Listener<K>): void {
  const { subscribe } = useLive()
  const ref = useLatest(listener)
  useEffect(() => subscribe(kind, (payload) => ref.current(payload)), [subscribe, kind, ref])
}

/** Holds the SSE connection of the signed-in person: notification badge, live notifications and messages, home news. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const { status } = useAuth()
  const [unread, setUnread] = useState(0)
  const [unreadMessages, setUnreadMessages] = useState(0)
  const [connected, setConnected] = useState(false)
  const channel = useRef<BroadcastChannel | null>(null)

  const apply = useCallback((counts: Counts) => {
    if (counts.notifications !== undefined) setUnread(counts.notifications)
    if (counts.messages !== undefined) setUnreadMessages(counts.messages)
  }, [])
  const report = useCallback(
    (counts: Counts) => {
      apply(counts)
      channel.current?.postMessage(counts)
    },
    [apply],
  )

  // Tabs of one person agree: a count one tab got from the server is shown by all (the stream's
  // `unread` event says the same for notifications; messages have only this).
  useEffect(() => {
    if (status !== 'signedIn' || typeof BroadcastChannel === 'undefined') return
    const bc = new BroadcastChannel(COUNTS_CHANNEL)
    bc.onmessage = (e: MessageEvent<Counts>) => apply(e.data)
    channel.current = bc
    return () => {
      channel.current = null
      bc.close()
    }
  }, [status, apply])
  const listeners = useRef(new Map<keyof LiveEvents, Set<Listener<keyof LiveEvents>>>())

  const subscribe = useCallback(<K extends keyof LiveEvents>(kind: K, listener: Listener<K>) => {
    const set = listeners.current.get(kind) ?? new Set()
    set.add(listener as Listener<keyof LiveEvents>)
    listeners.current.set(kind, set)
    return () => {
      set.delete(listener as Listener<keyof LiveEvents>)
    }
  }, [])

  useEffect(() => {
    if (status !== 'signedIn') {
      // eslint-disable-next-line react-hooks/set-state-in-effect -- signing out clears the badges that the fetches below fill when signed in
      setUnread(0)
      setUnreadMessages(0)
      return
    }
    const controller = new AbortController()
    fetchNotifications(null, controller.signal)
      .then((list) => setUnread(list.unread_count ?? 0))
      .catch(() => {})
    fetchUnreadMessages(controller.signal)
      .then((counts) => setUnreadMessages(counts.unread_count))
      .catch(() => {})
    return () => controller.abort()
  }, [status])

  useEffect(() => {
    if (status !== 'signedIn' || typeof EventSource === 'undefined') return
    let source: EventSource | null = null
    let lastEventId: string | null = null
    let retry: ReturnType<typeof setTimeout> | null = null
    let attempts = 0
    let stopped = false

    const dispatch = <K extends keyof LiveEvents>(kind: K, event: MessageEvent<string>) => {
      if (event.lastEventId) lastEventId = event.lastEventId
      let payload: LiveEvents[K]
      try {
        payload = JSON.parse(event.data) as LiveEvents[K]
      } catch {
        return
      }
      // The bell's count comes from the server (the `unread` event); a message is one more unread
      // message until its conversation is opened (which answers the real count).
      if (kind === 'message' && (payload as LiveMessageEvent).message?.kind !== 'timer') setUnreadMessages((n) => n + 1)
      listeners.current.get(kind)?.forEach((l) => l(payload))
    }

    const connect = async () => {
      retry = null
      const token = await getAccessToken()
      if (stopped) return
      if (!token) return scheduleReconnect() // a refresh is failing: try again after its backoff
      const es = new EventSource(streamUrl(token, lastEventId))
      source = es
      es.onopen = () => {
        attempts = 0
        setConnected(true)
        // a resumed stream replays what it missed but no count: ask for the count once
        if (lastEventId)
          fetchNotifications(null)
            .then((list) => setUnread(list.unread_count ?? 0))
            .catch(() => {})
      }
      es.addEventListener('notification', (e) => dispatch('notification', e as MessageEvent<string>))
      es.addEventListener('message', (e) => dispatch('message', e as MessageEvent<string>))
      es.addEventListener('home', (e) => dispatch('home', e as MessageEvent<string>))
      es.addEventListener('unread', (e) => {
        try {
          setUnread((JSON.parse((e as MessageEvent<string>).data) as LiveUnreadEvent).unread_count)
        } catch {
          // a malformed frame changes nothing
        }
      })
      es.onerror = () => {
        setConnected(false)
        // CONNECTING: the browser retries by itself (sending Last-Event-ID). CLOSED: the server
        // refused (e.g. an expired token), so reconnect with a fresh token after a backoff.
        if (es.readyState === EventSource.CLOSED && !stopped) scheduleReconnect()
      }
    }

    const scheduleReconnect = () => {
      source?.close()
      source = null
      // bounded: after LIVE_ATTEMPTS refusals in a row, wait until the tab is back online or in view
      if (retry || stopped || attempts >= LIVE_ATTEMPTS) return
      retry = setTimeout(() => void connect(), backoffDelay(attempts++, LIVE_RETRY))
    }

    const revive = () => {
      if (document.visibilityState === 'visible' && (!source || source.readyState === EventSource.CLOSED)) {
        attempts = 0
        if (retry) clearTimeout(retry)
        retry = null
        void connect()
      }
    }

    void connect()
    window.addEventListener('online', revive)
    document.addEventListener('visibilitychange', revive)
    return () => {
      stopped = true
      if (retry) clearTimeout(retry)
      source?.close()
      setConnected(false)
      window.removeEventListener('online', revive)
      document.removeEventListener('visibilitychange', revive)
    }
  }, [status])

  const value = useMemo<LiveState>(
    () => ({ unread, setUnread, unreadMessages, report, connected, subscribe }),
    [unread, unreadMessages, report, connected, subscribe],
  )
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>
}

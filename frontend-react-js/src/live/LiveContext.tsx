import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { notifications as fetchNotifications, streamUrl } from '../api/notifications'
import type { LiveMessageEvent, Notification } from '../api/types'
import { getAccessToken } from '../api/client'
import { useAuth } from '../auth/AuthContext'
import { useLatest } from '../hooks/useLatest'
import { backoffDelay, type Backoff } from '../lib/backoff'

type LiveEvents = { notification: Notification; message: LiveMessageEvent }
type Listener<K extends keyof LiveEvents> = (payload: LiveEvents[K]) => void

export type LiveState = {
  unread: number
  setUnread: (n: number | ((n: number) => number)) => void
  connected: boolean
  subscribe: <K extends keyof LiveEvents>(kind: K, listener: Listener<K>) => () => void
}

const noop = () => () => {}
/** Reconnects of a stream the server closed: 0.5-1 s growing to 15-30 s, at most 10 in a row (src/lib/backoff.ts). */
const LIVE_RETRY: Backoff = { baseMs: 1000, maxMs: 30_000 }
const LIVE_ATTEMPTS = 10
const LiveContext = createContext<LiveState>({ unread: 0, setUnread: () => {}, connected: false, subscribe: noop })

export const useLive = () => useContext(LiveContext)
export const LiveContextProvider = LiveContext.Provider

/** Subscribe to a live event for the lifetime of the component. */
export function useLiveEvent<K extends keyof LiveEvents>(kind: K, listener: Listener<K>): void {
  const { subscribe } = useLive()
  const ref = useLatest(listener)
  useEffect(() => subscribe(kind, (payload) => ref.current(payload)), [subscribe, kind, ref])
}

/** Holds the SSE connection of the signed-in person: notification badge, live notifications and messages. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const { status } = useAuth()
  const [unread, setUnread] = useState(0)
  const [connected, setConnected] = useState(false)
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
      // eslint-disable-next-line react-hooks/set-state-in-effect -- signing out clears the badge that the fetch below fills when signed in
      setUnread(0)
      return
    }
    const controller = new AbortController()
    fetchNotifications(null, controller.signal)
      .then((list) => setUnread(list.unread_count ?? 0))
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
      // Direct messages are notifications too (the server counts them as unread).
      setUnread((n) => n + 1)
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
      }
      es.addEventListener('notification', (e) => dispatch('notification', e as MessageEvent<string>))
      es.addEventListener('message', (e) => dispatch('message', e as MessageEvent<string>))
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

  const value = useMemo<LiveState>(() => ({ unread, setUnread, connected, subscribe }), [unread, connected, subscribe])
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>
}

import { act, render } from '@testing-library/react'
import type { ReactElement } from 'react'
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom'
import { vi } from 'vitest'
import { setTokenProvider } from '../api/client'
import type { Me } from '../api/types'
import { AuthContextProvider, type AuthState } from '../auth/AuthContext'
import { ToastProvider } from '../components/Toast'
import type { LiveEvents, LiveState } from '../live/LiveContext'

export const ME: Me = { uuid: 'u-1', handle: 'andrewbrown', display_name: 'Andrew Brown', avatar_url: '' }

export function authState(overrides: Partial<AuthState> = {}): AuthState {
  return { status: 'signedIn', me: ME, refresh: vi.fn(async () => {}), setMe: vi.fn(), signOut: vi.fn(async () => {}), ...overrides }
}

/** A live context (the SSE stream's, connected) whose events the test sends by hand: `live.send('home', e)`.
 *  Render with `<LiveContextProvider value={live.value}>`. */
export function fakeLive() {
  const listeners = new Map<keyof LiveEvents, Set<(e: never) => void>>()
  const value: LiveState = {
    unread: 0,
    setUnread: () => {},
    unreadMessages: 0,
    report: vi.fn(),
    connected: true,
    subscribe: (kind, listener) => {
      const set = listeners.get(kind) ?? new Set()
      listeners.set(kind, set)
      set.add(listener)
      return () => set.delete(listener)
    },
  }
  const send = <K extends keyof LiveEvents>(kind: K, event: LiveEvents[K]) => {
    const subscribed = listeners.get(kind)
    // a send nobody hears would let a test pass without testing anything
    if (!subscribed?.size) throw new Error(`nothing on the page listens to live '${kind}' events`)
    act(() => subscribed.forEach((listener) => (listener as (e: LiveEvents[K]) => void)(event)))
  }
  return { value, send }
}

/** Shows the current location so tests can assert navigation. */
export function LocationProbe() {
  const location = useLocation()
  return <div data-testid="location">{`${location.pathname}${location.search}`}</div>
}

export function renderApp(
  ui: ReactElement,
  { auth = authState(), route = '/', path = '*' }: { auth?: AuthState; route?: string; path?: string } = {},
) {
  setTokenProvider(async () => (auth.status === 'signedIn' ? 'test-token' : null))
  return render(
    <ToastProvider>
      <AuthContextProvider value={auth}>
        <MemoryRouter initialEntries={[route]}>
          <Routes>
            <Route path={path} element={ui} />
            <Route path="/signin" element={<LocationProbe />} />
            <Route path="/@:h/status/:uuid" element={<LocationProbe />} />
            {path !== '*' ? <Route path="*" element={null} /> : null}
          </Routes>
          <LocationProbe />
        </MemoryRouter>
      </AuthContextProvider>
    </ToastProvider>,
  )
}

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>

/** Replace fetch with a router of handlers keyed by "METHOD /path" (query ignored). */
export function mockFetch(routes: Record<string, Handler>) {
  const calls: { method: string; url: string; init: RequestInit }[] = []
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input)
    const method = (init.method ?? 'GET').toUpperCase()
    calls.push({ method, url, init })
    const path = new URL(url, 'http://localhost').pathname
    const handler = routes[`${method} ${path}`]
    if (!handler) return json({ error: { code: 'not_found', message: `no mock for ${method} ${path}` } }, 404)
    return handler(url, init)
  })
  vi.stubGlobal('fetch', fn)
  return { fn, calls }
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })
}

export function activity(overrides: Record<string, unknown> = {}) {
  return {
    uuid: 'a-1',
    display_name: 'Worf',
    handle: 'worf',
    avatar_url: '',
    message: 'Today is a good day to crud',
    replies_count: 0,
    reposts_count: 0,
    likes_count: 2,
    liked: false,
    reposted: false,
    created_at: new Date(Date.now() - 60_000).toISOString(),
    expires_at: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    ...overrides,
  }
}

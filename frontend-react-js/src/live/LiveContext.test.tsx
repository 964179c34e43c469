import { act, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setTokenProvider } from '../api/client'
import { AuthContextProvider } from '../auth/AuthContext'
import { authState, json, mockFetch } from '../test/render'
import { LiveProvider, useLive, useLiveEvent } from './LiveContext'

class FakeEventSource {
  static CONNECTING = 0
  static OPEN = 1
  static CLOSED = 2
  static instances: FakeEventSource[] = []
  readyState = FakeEventSource.CONNECTING
  onopen: (() => void) | null = null
  onerror: (() => void) | null = null
  listeners = new Map<string, ((e: MessageEvent) => void)[]>()
  closed = false
  constructor(public url: string) {
    FakeEventSource.instances.push(this)
  }
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn])
  }
  close() {
    this.closed = true
    this.readyState = FakeEventSource.CLOSED
  }
  open() {
    this.readyState = FakeEventSource.OPEN
    this.onopen?.()
  }
  emit(type: string, data: unknown, id = '') {
    const event = new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id })
    this.listeners.get(type)?.forEach((fn) => fn(event))
  }
  fail() {
    this.readyState = FakeEventSource.CLOSED
    this.onerror?.()
  }
}

function Probe({ name = '' }: { name?: string }) {
  const { unread, unreadMessages, report } = useLive()
  useLiveEvent('message', (e) => {
    document.title = `message:${e.message_group_uuid}:${e.message.message}`
  })
  return (
    <>
      <p>
        {name}unread:{unread}
      </p>
      <p>
        {name}messages:{unreadMessages}
      </p>
      <button onClick={() => report({ notifications: 0, messages: 1 })}>{name}read</button>
    </>
  )
}

beforeEach(() => {
  FakeEventSource.instances = []
  vi.stubGlobal('EventSource', FakeEventSource)
})
afterEach(() => vi.useRealTimers())

describe('LiveProvider', () => {
  it('starts from the unread counts, then takes the server count and passes messages on', async () => {
    mockFetch({
      'GET /api/notifications': () => json({ items: [], unread_count: 2, next_cursor: null }),
      'GET /api/message_groups/unread': () => json({ unread_count: 4, conversations: 2 }),
    })
    setTokenProvider(async () => 'tok-1')
    render(
      <AuthContextProvider value={authState()}>
        <LiveProvider>
          <Probe />
        </LiveProvider>
      </AuthContextProvider>,
    )
    expect(await screen.findByText('unread:2')).toBeInTheDocument()
    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1))
    const es = FakeEventSource.instances[0]
    expect(es.url).toBe('/api/notifications/stream?access_token=tok-1')
    expect(await screen.findByText('messages:4')).toBeInTheDocument()
    act(() => {
      es.open()
      es.emit('notification', { uuid: 'n1', kind: 'like' }, '41')
    })
    expect(screen.getByText('unread:2')).toBeInTheDocument() // a grouped like may not add one: the server says
    act(() => es.emit('unread', { unread_count: 3 }))
    expect(screen.getByText('unread:3')).toBeInTheDocument()
    act(() => es.emit('message', { message_group_uuid: 'g', message: { uuid: 'm1', handle: 'worf', message: 'hi' } }, '42'))
    expect(document.title).toBe('message:g:hi')
    expect(screen.getByText('messages:5')).toBeInTheDocument()
    act(() => es.emit('message', { message_group_uuid: 'g', message: { uuid: 't1', handle: 'worf', message: 'timer', kind: 'timer' } }, '43'))
    expect(screen.getByText('messages:5')).toBeInTheDocument() // a timer line is not an unread message
  })

  it('keeps the badges of two tabs in agreement', async () => {
    mockFetch({
      'GET /api/notifications': () => json({ items: [], unread_count: 2, next_cursor: null }),
      'GET /api/message_groups/unread': () => json({ unread_count: 3, conversations: 1 }),
    })
    setTokenProvider(async () => 'tok-1')
    const tab = (name: string) => (
      <AuthContextProvider value={authState()}>
        <LiveProvider>
          <Probe name={name} />
        </LiveProvider>
      </AuthContextProvider>
    )
    render(
      <>
        {tab('a-')}
        {tab('b-')}
      </>,
    )
    expect(await screen.findByText('b-messages:3')).toBeInTheDocument()
    expect(await screen.findByText('b-unread:2')).toBeInTheDocument()
    act(() => screen.getByText('a-read').click()) // tab a marked read: the server answered these counts
    expect(screen.getByText('a-unread:0')).toBeInTheDocument()
    await vi.waitFor(() => expect(screen.getByText('b-unread:0')).toBeInTheDocument())
    expect(screen.getByText('b-messages:1')).toBeInTheDocument()
    // the server's count on a tab's own stream (another device read them) moves that tab's badge too
    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(2))
    act(() => FakeEventSource.instances[1].emit('unread', { unread_count: 7 }))
    expect(screen.getByText('b-unread:7')).toBeInTheDocument()
  })

  it('reconnects with a fresh token and the last event id when the server closes the stream', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    mockFetch({
      'GET /api/notifications': () => json({ items: [], unread_count: 0, next_cursor: null }),
      'GET /api/message_groups/unread': () => json({ unread_count: 0, conversations: 0 }),
    })
    let n = 0
    setTokenProvider(async () => `tok-${++n}`)
    render(
      <AuthContextProvider value={authState()}>
        <LiveProvider>
          <Probe />
        </LiveProvider>
      </AuthContextProvider>,
    )
    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1))
    const first = FakeEventSource.instances[0]
    act(() => {
      first.open()
      first.emit('notification', { uuid: 'n1' }, 'evt-7')
      first.fail()
    })
    await act(async () => {
      await vi.advanceTimersByTimeAsync(2000)
    })
    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(2))
    expect(first.closed).toBe(true)
    expect(FakeEventSource.instances[1].url).toMatch(/access_token=tok-\d+&last_event_id=evt-7$/)
    expect(FakeEventSource.instances[1].url).not.toContain('tok-1&')
  })

  it('passes the id-less home event on without moving a badge', async () => {
    mockFetch({
      'GET /api/notifications': () => json({ items: [], unread_count: 1, next_cursor: null }),
      'GET /api/message_groups/unread': () => json({ unread_count: 0, conversations: 0 }),
    })
    setTokenProvider(async () => 'tok-1')
    const seen: string[] = []
    function HomeProbe() {
      useLiveEvent('home', (e) => seen.push(`${e.activity_uuid}:${e.reposter_uuid ?? '-'}`))
      return null
    }
    render(
      <AuthContextProvider value={authState()}>
        <LiveProvider>
          <Probe />
          <HomeProbe />
        </LiveProvider>
      </AuthContextProvider>,
    )
    expect(await screen.findByText('unread:1')).toBeInTheDocument()
    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1))
    const es = FakeEventSource.instances[0]
    act(() => {
      es.open()
      es.emit('home', { activity_uuid: 'a-2', author_uuid: 'bob', reposter_uuid: null, created_at: 'now' })
      es.emit('home', { activity_uuid: 'a-2', author_uuid: 'bob', reposter_uuid: 'carol', created_at: 'now' })
    })
    expect(seen).toEqual(['a-2:-', 'a-2:carol'])
    expect(screen.getByText('unread:1')).toBeInTheDocument()
    expect(screen.getByText('messages:0')).toBeInTheDocument()
  })

  it('opens nothing for signed-out visitors', () => {
    mockFetch({})
    render(
      <AuthContextProvider value={authState({ status: 'signedOut', me: null })}>
        <LiveProvider>
          <Probe />
        </LiveProvider>
      </AuthContextProvider>,
    )
    expect(FakeEventSource.instances).toHaveLength(0)
    expect(screen.getByText('unread:0')).toBeInTheDocument()
  })
})

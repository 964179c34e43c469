import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LiveContextProvider } from '../live/LiveContext'
import { fakeLive, json, mockFetch, renderApp } from '../test/render'
import MessagesPage from './MessagesPage'

const T0 = new Date('2026-05-20T10:00:00Z').getTime()
const iso = (ms: number) => new Date(ms).toISOString()
const group = { uuid: 'g-1', handle: 'worf', display_name: 'Worf', avatar_url: null, message: 'Qapla!', created_at: iso(T0), message_ttl: null, expires_at: null }
const msg = (uuid: string, handle: string, message: string, at: number, extra: Record<string, unknown> = {}) => ({ uuid, handle, display_name: handle, avatar_url: null, message, created_at: iso(at), ...extra })

afterEach(() => vi.useRealTimers())

describe('disappearing messages', () => {
  it('counts each expiring message down and drops it from the screen at its end, no reload', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    vi.setSystemTime(T0 + 60_000)
    const { calls } = mockFetch({
      'GET /api/message_groups': () => json([{ ...group, message: 'soon gone', expires_at: iso(T0 + 3 * 60_000) }]),
      'GET /api/messages/g-1': () =>
        json([msg('m-1', 'worf', 'stays', T0), msg('m-2', 'worf', 'soon gone', T0 + 30_000, { kind: 'message', expires_at: iso(T0 + 3 * 60_000) })]),
    })
    renderApp(<MessagesPage />, { route: '/messages/g-1', path: '/messages/:groupUuid' })
    const gone = await screen.findByText('soon gone', { selector: '.bubble__text' })
    expect(within(gone.closest('li')!).getByText('2m 00s')).toBeInTheDocument()
    expect(within(gone.closest('li')!).getByText('disappears in 2 minutes')).toBeInTheDocument()
    expect(within(screen.getByText('stays', { selector: '.bubble__text' }).closest('li')!).queryByText(/disappears/)).toBeNull()
    expect(screen.getByText('soon gone', { selector: '.group__preview' })).toBeInTheDocument()
    await act(async () => vi.advanceTimersByTime(60_000))
    expect(within(gone.closest('li')!).getByText(/^(1m 00s|59s|58s)$/)).toBeInTheDocument()
    await act(async () => vi.advanceTimersByTime(60_100))
    expect(screen.queryByText('soon gone', { selector: '.bubble__text' })).not.toBeInTheDocument()
    // The conversation list keeps the conversation but shows no preview of an ended message.
    expect(screen.queryByText('soon gone')).not.toBeInTheDocument()
    expect(screen.getByText('Worf', { selector: '.group__name' })).toBeInTheDocument()
    expect(screen.getByText('stays', { selector: '.bubble__text' })).toBeInTheDocument()
    expect(calls.filter((c) => c.url.startsWith('/api/messages/g-1'))).toHaveLength(1)
  })

  it('sets the timer from the header and shows the system line the service wrote', async () => {
    let timerSet = false
    const line = msg('t-1', 'andrewbrown', 'Andrew Brown set messages to disappear after 1 day', T0 + 60_000, { kind: 'timer', message_ttl: '1-day' })
    const { calls } = mockFetch({
      'GET /api/message_groups': () => json([group]),
      'GET /api/messages/g-1': () => json([msg('m-1', 'worf', 'Qapla!', T0), ...(timerSet ? [line] : [])]),
      'PUT /api/message_groups/g-1': () => {
        timerSet = true
        return json({ uuid: 'g-1', message_ttl: '1-day', updated_at: iso(T0 + 60_000), updated_by_handle: 'andrewbrown' })
      },
    })
    renderApp(<MessagesPage />, { route: '/messages/g-1', path: '/messages/:groupUuid' })
    const control = await screen.findByLabelText('Disappearing messages')
    await screen.findByText('Qapla!', { selector: '.bubble__text' })
    expect(control).toHaveValue('')
    expect(within(control).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'Messages stay',
      'Disappear after 1 hour',
      'Disappear after 1 day',
      'Disappear after 7 days',
      'Disappear after 30 days',
    ])
    await userEvent.selectOptions(control, '1-day')
    const system = await screen.findByText('Andrew Brown set messages to disappear after 1 day', { selector: '.system-line span' })
    // The list's preview follows it.
    expect(screen.getByText('Andrew Brown set messages to disappear after 1 day', { selector: '.group__preview' })).toBeInTheDocument()
    expect(system.closest('li')).toHaveClass('system-line')
    expect(system.closest('.bubble')).toBeNull()
    expect(JSON.parse(String(calls.find((c) => c.method === 'PUT')!.init.body))).toEqual({ message_ttl: '1-day' })
    expect(control).toHaveValue('1-day')
    await userEvent.selectOptions(control, '')
    await waitFor(() => expect(JSON.parse(String(calls.filter((c) => c.method === 'PUT')[1].init.body))).toEqual({ message_ttl: null }))
  })

  it('shows the other member’s timer change live, as a system line, and follows it in the header', async () => {
    const live = fakeLive()
    mockFetch({
      'GET /api/message_groups': () => json([group]),
      'GET /api/messages/g-1': () => json([msg('m-1', 'worf', 'Qapla!', T0)]),
    })
    renderApp(
      <LiveContextProvider value={live.value}>
        <MessagesPage />
      </LiveContextProvider>,
      { route: '/messages/g-1', path: '/messages/:groupUuid' },
    )
    await screen.findByText('Qapla!', { selector: '.bubble__text' })
    live.send('message', { message_group_uuid: 'g-1', message: msg('t-2', 'worf', 'Worf set messages to disappear after 1 hour', Date.now(), { kind: 'timer', message_ttl: '1-hour' }) as never })
    expect(await screen.findByText('Worf set messages to disappear after 1 hour', { selector: '.system-line span' })).toBeInTheDocument()
    expect(screen.getByLabelText('Disappearing messages')).toHaveValue('1-hour')
  })

  it('says why a timer could not be set', async () => {
    mockFetch({
      'GET /api/message_groups': () => json([group]),
      'GET /api/messages/g-1': () => json([msg('m-1', 'worf', 'Qapla!', T0)]),
      'PUT /api/message_groups/g-1': () => json({ error: { code: 'message_ttl_invalid', message: 'bad' } }, 422),
    })
    renderApp(<MessagesPage />, { route: '/messages/g-1', path: '/messages/:groupUuid' })
    await screen.findByText('Qapla!', { selector: '.bubble__text' })
    await userEvent.selectOptions(screen.getByLabelText('Disappearing messages'), '7-days')
    expect(await screen.findByText('Pick Off, 1 hour, 1 day, 7 days or 30 days.')).toBeInTheDocument()
    expect(screen.getByLabelText('Disappearing messages')).toHaveValue('')
  })
})

import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { json, mockFetch, renderApp } from '../test/render'
import MessagesPage from './MessagesPage'

const group = { uuid: 'g-1', handle: 'worf', display_name: 'Worf', avatar_url: null, message: 'Qapla!', created_at: '2026-05-20T10:00:00Z' }
const msg = (uuid: string, handle: string, message: string, created_at: string) => ({ uuid, handle, display_name: handle, avatar_url: null, message, created_at })

describe('MessagesPage', () => {
  it('appends a sent message in place: no reload, no navigation', async () => {
    const { calls } = mockFetch({
      'GET /api/message_groups': () => json([group]),
      'GET /api/messages/g-1': () => json([msg('m-1', 'worf', 'Qapla!', '2026-05-20T10:00:00Z')]),
      'POST /api/messages': () => json({ ...msg('m-2', 'andrewbrown', 'Hello Worf', '2026-05-20T10:05:00Z'), message_group_uuid: 'g-1' }, 201),
    })
    renderApp(<MessagesPage />, { route: '/messages/g-1', path: '/messages/:groupUuid' })
    expect(await screen.findByText('Qapla!', { selector: '.bubble__text' })).toBeInTheDocument()
    await userEvent.type(screen.getByLabelText('Send a direct message'), 'Hello Worf{Enter}')
    expect(await screen.findByText('Hello Worf', { selector: '.bubble__text' })).toBeInTheDocument()
    expect(JSON.parse(String(calls.find((c) => c.method === 'POST' && c.url === '/api/messages')!.init.body))).toEqual({ message: 'Hello Worf', message_group_uuid: 'g-1' })
    expect(screen.getAllByTestId('location')[0]).toHaveTextContent('/messages/g-1')
    expect(screen.getByText('Hello Worf', { selector: '.bubble__text' }).closest('li')).toHaveClass('bubble--mine')
    // The conversation list shows the new last message.
    await waitFor(() => expect(screen.getByText('Hello Worf', { selector: '.group__preview' })).toBeInTheDocument())
    expect(calls.filter((c) => c.url.startsWith('/api/messages/g-1'))).toHaveLength(1)
  })

  it('starts a new conversation and moves to it client-side', async () => {
    mockFetch({
      'GET /api/message_groups': () => json([]),
      'GET /api/message_groups/@worf': () => json({ error: { code: 'not_found', message: 'none' } }, 404),
      'GET /api/users/@worf/short': () => json({ uuid: 'u-2', handle: 'worf', display_name: 'Worf', avatar_url: null }),
      'POST /api/messages': () => json({ ...msg('m-9', 'andrewbrown', 'hi', '2026-05-20T10:05:00Z'), message_group_uuid: 'g-new' }, 201),
      'GET /api/messages/g-new': () => json([msg('m-9', 'andrewbrown', 'hi', '2026-05-20T10:05:00Z')]),
    })
    renderApp(<MessagesPage />, { route: '/messages/new/worf', path: '/messages/new/:handle' })
    await userEvent.type(await screen.findByLabelText('Send a direct message'), 'hi{Enter}')
    await waitFor(() => expect(screen.getAllByTestId('location')[0]).toHaveTextContent('/messages/g-new'))
  })
})

describe('MessagesPage with a deleted account', () => {
  it('shows "Deleted account" without a profile link, keeps what is left, and offers no reply box', async () => {
    const gone = { ...group, handle: null, display_name: 'Deleted account', message: 'Bye' }
    mockFetch({
      'GET /api/message_groups': () => json([gone]),
      'GET /api/messages/g-1': () => json([msg('m-1', 'andrewbrown', 'Bye', '2026-05-20T10:00:00Z')]),
    })
    renderApp(<MessagesPage />, { route: '/messages/g-1', path: '/messages/:groupUuid' })
    expect(await screen.findByText('Bye', { selector: '.bubble__text' })).toBeInTheDocument()
    expect(screen.getByText('This account was deleted')).toBeInTheDocument()
    const profileLinks = screen.queryAllByRole('link').filter((a) => a.getAttribute('href')?.startsWith('/@'))
    expect(profileLinks).toEqual([])
    expect(screen.getByRole('note')).toHaveTextContent('but not reply')
    expect(screen.queryByLabelText('Send a direct message')).not.toBeInTheDocument()
  })
})

describe('MessagesPage report and block', () => {
  it('reports a message that is not mine from its bubble menu', async () => {
    const { calls } = mockFetch({
      'GET /api/message_groups': () => json([group]),
      'GET /api/messages/g-1': () =>
        json([msg('m-1', 'worf', 'Qapla!', '2026-05-20T10:00:00Z'), msg('m-2', 'andrewbrown', 'Hi', '2026-05-20T10:01:00Z')]),
      'POST /api/reports': () => json({ id: 'r-9', status: 'open', created_at: '2026-05-20T10:02:00Z' }, 201),
    })
    renderApp(<MessagesPage />, { route: '/messages/g-1', path: '/messages/:groupUuid' })
    const theirs = (await screen.findByText('Qapla!', { selector: '.bubble__text' })).closest('li')!
    const mine = screen.getByText('Hi', { selector: '.bubble__text' }).closest('li')!
    expect(within(mine).queryByRole('button', { name: /More actions/ })).not.toBeInTheDocument()
    await userEvent.click(within(theirs).getByRole('button', { name: 'More actions for the message from @worf' }))
    await userEvent.click(screen.getByRole('menuitem', { name: 'Report message' }))
    await userEvent.click(screen.getByRole('radio', { name: /Harassment/ }))
    await userEvent.click(screen.getByRole('button', { name: 'Send report' }))
    expect(await screen.findByText(/Thanks — a moderator will look at it/)).toBeInTheDocument()
    const body = JSON.parse(String(calls.find((c) => c.url === '/api/reports')!.init.body))
    expect(body).toEqual({ target: { type: 'message', id: 'm-1' }, category: 'harassment' })
  })

  it('says plainly that a blocked pair cannot message, and keeps the draft', async () => {
    mockFetch({
      'GET /api/message_groups': () => json([group]),
      'GET /api/messages/g-1': () => json([msg('m-1', 'worf', 'Qapla!', '2026-05-20T10:00:00Z')]),
      'POST /api/messages': () => json({ error: { code: 'blocked', message: 'blocked' } }, 403),
    })
    renderApp(<MessagesPage />, { route: '/messages/g-1', path: '/messages/:groupUuid' })
    const box = await screen.findByLabelText('Send a direct message')
    await userEvent.type(box, 'hello?{Enter}')
    expect(await screen.findByRole('alert')).toHaveTextContent('You can’t interact with this account.')
    expect(box).toHaveValue('hello?')
  })

  it('says so when starting a conversation with a blocked person', async () => {
    mockFetch({
      'GET /api/message_groups': () => json([]),
      'GET /api/message_groups/@worf': () => json({ error: { code: 'blocked', message: 'blocked' } }, 403),
    })
    renderApp(<MessagesPage />, { route: '/messages/new/worf', path: '/messages/new/:handle' })
    expect(await screen.findByText('You can’t message @worf')).toBeInTheDocument()
  })
})

import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { LiveMessageEvent } from '../api/types'
import { LiveContextProvider } from '../live/LiveContext'
import { fakeLive, json, mockFetch, renderApp } from '../test/render'
import MessagesPage from './MessagesPage'

const group = { uuid: 'g-1', handle: 'worf', display_name: 'Worf', avatar_url: null, message: 'Qapla!', created_at: '2026-05-20T10:00:00Z', unread_count: 2 }
const msg = (uuid: string, display_name: string, message: string, created_at: string, avatar_url: string | null = null) => ({ uuid, handle: 'worf', display_name, avatar_url, message, created_at })

describe('MessagesPage live', () => {
  it('takes the name and picture of a live line for the list, the header and the earlier bubbles', async () => {
    mockFetch({
      'GET /api/message_groups': () => json([group]),
      'GET /api/messages/g-1': () => json([msg('m-1', 'Worf', 'Qapla!', '2026-05-20T10:00:00Z')]),
      'POST /api/message_groups/g-1/read': () => json({ unread_count: 0, conversations: 0 }),
    })
    const live = fakeLive()
    renderApp(
      <LiveContextProvider value={live.value}>
        <MessagesPage />
      </LiveContextProvider>,
      { route: '/messages/g-1', path: '/messages/:groupUuid' },
    )
    expect(await screen.findByText('Qapla!', { selector: '.bubble__text' })).toBeInTheDocument()
    // the open conversation is read: no marker, whatever count the list came with
    expect(screen.queryByTestId('unread-marker')).not.toBeInTheDocument()

    const line = msg('m-2', 'Worf Renamed', 'Still me', '2026-05-20T10:05:00Z', '/assets/avatars/worf.png')
    live.send('message', { message_group_uuid: 'g-1', message: line } as LiveMessageEvent)
    expect(await screen.findByText('Still me', { selector: '.bubble__text' })).toBeInTheDocument()
    expect(screen.getAllByText('Worf Renamed:')).toHaveLength(2)
    expect(screen.queryByText('Worf:')).not.toBeInTheDocument()
    expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('Worf Renamed')
    const entry = within(screen.getByRole('region', { name: 'Conversations' })).getByRole('link')
    expect(entry).toHaveTextContent('Worf Renamed')
    expect(entry.querySelector('img')).toHaveAttribute('src', '/assets/avatars/worf.png')
    expect(screen.queryByTestId('unread-marker')).not.toBeInTheDocument()
  })
})

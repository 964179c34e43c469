import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { authState, ME, mockFetch, renderApp } from '../test/render'
import { Layout } from './Layout'

const main = () => screen.getByRole('navigation', { name: 'Main' })

describe('Layout navigation', () => {
  it('shows Moderation only to moderators, and Settings to everyone signed in', async () => {
    mockFetch({})
    const { unmount } = renderApp(<Layout />, { auth: authState({ me: { ...ME, moderator: true } }) })
    expect(within(main()).getByRole('link', { name: 'Moderation' })).toHaveAttribute('href', '/moderation')
    // The phone header carries the same two links (the bottom tabs have no room).
    expect(document.querySelector('.mobile-header a[href="/moderation"]')).not.toBeNull()
    expect(main().querySelector('a[href="/settings"]')).not.toBeNull()
    unmount()
    renderApp(<Layout />)
    expect(main().querySelector('a[href="/settings"]')).not.toBeNull()
    expect(main().querySelector('a[href="/moderation"]')).toBeNull()
  })

  it('shows neither to signed-out visitors', () => {
    mockFetch({})
    renderApp(<Layout />, { auth: authState({ status: 'signedOut', me: null }) })
    expect(main().querySelector('a[href="/settings"]')).toBeNull()
    expect(main().querySelector('a[href="/moderation"]')).toBeNull()
  })
})

import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { activity, authState, json, mockFetch, renderApp } from '../test/render'
import UserPage from './UserPage'

const profile = (handle: string, extra: Record<string, unknown> = {}) => ({
  uuid: `u-${handle}`,
  handle,
  display_name: handle === 'worf' ? 'Worf' : 'Andrew Brown',
  bio: 'Son of Mogh',
  avatar_url: '',
  cruds_count: 1,
  followers_count: 4,
  following_count: 2,
  followed: false,
  ...extra,
})

function serve(handle: string, extra: Record<string, unknown> = {}) {
  return mockFetch({
    [`GET /api/activities/@${handle}`]: () =>
      json({ profile: profile(handle, extra), activities: [activity({ handle, uuid: `a-${handle}` })], next_cursor: null }),
    [`PUT /api/users/@${handle}/follow`]: () => json({ handle, following: true, followers_count: 5 }),
  })
}

describe('UserPage', () => {
  it('offers Edit profile only on your own profile', async () => {
    serve('andrewbrown')
    renderApp(<UserPage handle="andrewbrown" />)
    expect(await screen.findByRole('button', { name: 'Edit profile' })).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: /Follow/ })).not.toBeInTheDocument()
    expect(screen.queryByRole('link', { name: /Message/ })).not.toBeInTheDocument()
  })

  it('offers Follow and Message on someone else’s profile, and follows optimistically', async () => {
    const { calls } = serve('worf')
    renderApp(<UserPage handle="worf" />)
    expect(await screen.findByRole('link', { name: 'Message @worf' })).toHaveAttribute('href', '/messages/new/worf')
    expect(screen.queryByRole('button', { name: 'Edit profile' })).not.toBeInTheDocument()
    expect(screen.getByRole('link', { name: /4 Followers/ })).toHaveAttribute('href', '/@worf/followers')
    await userEvent.click(screen.getByRole('button', { name: 'Follow @worf' }))
    expect(await screen.findByRole('link', { name: /5 Followers/ })).toBeInTheDocument()
    expect(calls.some((c) => c.method === 'PUT' && c.url === '/api/users/@worf/follow')).toBe(true)
  })

  it('says so when the account does not exist', async () => {
    mockFetch({})
    renderApp(<UserPage handle="nobody" />)
    expect(await screen.findByText('This account doesn’t exist')).toBeInTheDocument()
  })

  it('shows no actions that need an account to signed-out visitors but a way to follow after signing in', async () => {
    serve('worf')
    renderApp(<UserPage handle="worf" />, { auth: authState({ status: 'signedOut', me: null }) })
    expect(await screen.findByRole('link', { name: 'Follow' })).toHaveAttribute('href', '/signin?next=%2F%40worf')
    expect(screen.queryByRole('button', { name: 'Edit profile' })).not.toBeInTheDocument()
  })
})

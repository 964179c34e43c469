import { screen, waitFor, within } from '@testing-library/react'
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

function serve(handle: string, extra: Record<string, unknown> = {}, relations = { blocking: false, muted: false }) {
  return mockFetch({
    [`GET /api/activities/@${handle}`]: () =>
      json({ profile: profile(handle, extra), activities: [activity({ handle, uuid: `a-${handle}` })], next_cursor: null }),
    [`PUT /api/users/@${handle}/follow`]: () => json({ handle, following: true, followers_count: 5 }),
    [`GET /api/users/@${handle}/short`]: () => json({ uuid: `u-${handle}`, handle, display_name: 'Worf', avatar_url: '', ...relations }),
    [`PUT /api/users/@${handle}/block`]: () => json(null, 204),
    [`DELETE /api/users/@${handle}/block`]: () => json(null, 204),
    [`PUT /api/users/@${handle}/mute`]: () => json(null, 204),
    [`DELETE /api/users/@${handle}/mute`]: () => json(null, 204),
    'POST /api/reports': () => json({ id: 'r-1', status: 'open', created_at: '2026-05-20T10:00:00Z' }, 201),
  })
}

const sentBodies = (calls: { method: string; url: string; init: RequestInit }[], method: string, url: string) =>
  calls.filter((c) => c.method === method && c.url === url).map((c) => (c.init.body ? JSON.parse(String(c.init.body)) : null))

async function openMenu(handle = 'worf') {
  await userEvent.click(await screen.findByRole('button', { name: `More actions for @${handle}` }))
  return screen.getByRole('menu')
}

describe('UserPage', () => {
  it('shows a blocked pair’s profile as absent (404 user_not_found), pointing to Settings', async () => {
    const gone = () => json({ error: { code: 'user_not_found', message: 'No such user.' } }, 404)
    mockFetch({ 'GET /api/activities/@worf': gone, 'GET /api/users/@worf/short': gone })
    renderApp(<UserPage handle="worf" />)
    expect(await screen.findByText('This account doesn’t exist')).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'Settings' })).toHaveAttribute('href', '/settings/blocked')
    expect(screen.queryByRole('button', { name: 'More actions for @worf' })).not.toBeInTheDocument()
  })

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

describe('UserPage block, mute and report', () => {
  it('blocks after a confirmation that explains both ways and that they are not told', async () => {
    const { calls } = serve('worf', { followed: true })
    renderApp(<UserPage handle="worf" />)
    await userEvent.click(within(await openMenu()).getByRole('menuitem', { name: 'Block @worf' }))
    const dialog = screen.getByRole('dialog', { name: 'Block @worf?' })
    expect(dialog).toHaveTextContent('Neither of you can follow, reply to, like, repost, mention or message the other')
    expect(dialog).toHaveTextContent('@worf is not told')
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus()
    await userEvent.click(within(dialog).getByRole('button', { name: 'Block' }))
    expect(await screen.findByText('You blocked @worf')).toBeInTheDocument()
    expect(sentBodies(calls, 'PUT', '/api/users/@worf/block')).toHaveLength(1)
    // Their cruds, Follow and Message go away; the follow between them is gone.
    expect(screen.queryByText('Today is a good day to crud')).not.toBeInTheDocument()
    expect(screen.queryByRole('button', { name: /Follow @worf/ })).not.toBeInTheDocument()
    expect(screen.queryByRole('link', { name: 'Message @worf' })).not.toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Unblock @worf' }))
    expect(await screen.findByText('Today is a good day to crud')).toBeInTheDocument()
    expect(sentBodies(calls, 'DELETE', '/api/users/@worf/block')).toHaveLength(1)
  })

  it('mutes for a chosen duration, then offers Unmute', async () => {
    const { calls } = serve('worf')
    renderApp(<UserPage handle="worf" />)
    await userEvent.click(within(await openMenu()).getByRole('menuitem', { name: 'Mute @worf' }))
    const dialog = screen.getByRole('dialog', { name: 'Mute @worf' })
    expect(within(dialog).getByRole('radio', { name: 'Until I unmute' })).toBeChecked()
    expect(dialog).toHaveTextContent('Direct messages still arrive')
    await userEvent.click(within(dialog).getByRole('radio', { name: '1 day' }))
    await userEvent.click(within(dialog).getByRole('button', { name: 'Mute' }))
    expect(await screen.findByText('Muted @worf for 1 day')).toBeInTheDocument()
    expect(sentBodies(calls, 'PUT', '/api/users/@worf/mute')).toEqual([{ duration: '1-day' }])
    await userEvent.click(within(await openMenu()).getByRole('menuitem', { name: 'Unmute @worf' }))
    await waitFor(() => expect(sentBodies(calls, 'DELETE', '/api/users/@worf/mute')).toHaveLength(1))
  })

  it('sends "until unmuted" as a null duration', async () => {
    const { calls } = serve('worf')
    renderApp(<UserPage handle="worf" />)
    await userEvent.click(within(await openMenu()).getByRole('menuitem', { name: 'Mute @worf' }))
    await userEvent.click(screen.getByRole('button', { name: 'Mute' }))
    await waitFor(() => expect(sentBodies(calls, 'PUT', '/api/users/@worf/mute')).toEqual([{ duration: null }]))
  })

  it('reads blocking and muted from the short profile to offer Unblock and Unmute', async () => {
    serve('worf', {}, { blocking: true, muted: true })
    renderApp(<UserPage handle="worf" />)
    const menu = await openMenu()
    expect(within(menu).getByRole('menuitem', { name: 'Unblock @worf' })).toBeInTheDocument()
    expect(within(menu).getByRole('menuitem', { name: 'Unmute @worf' })).toBeInTheDocument()
    expect(screen.getByText('You blocked @worf')).toBeInTheDocument()
  })

  it('reports the person', async () => {
    const { calls } = serve('worf')
    renderApp(<UserPage handle="worf" />)
    await userEvent.click(within(await openMenu()).getByRole('menuitem', { name: 'Report @worf' }))
    await userEvent.click(screen.getByRole('radio', { name: /Spam/ }))
    await userEvent.click(screen.getByRole('button', { name: 'Send report' }))
    expect(await screen.findByText(/Thanks — a moderator will look at it/)).toBeInTheDocument()
    expect(sentBodies(calls, 'POST', '/api/reports')).toEqual([{ target: { type: 'user', id: 'u-worf' }, category: 'spam' }])
  })

  it('offers no safety menu on your own profile or to signed-out visitors', async () => {
    serve('andrewbrown')
    const { unmount } = renderApp(<UserPage handle="andrewbrown" />)
    expect(await screen.findByRole('button', { name: 'Edit profile' })).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: /^More actions for @(worf|andrewbrown)$/ })).not.toBeInTheDocument()
    unmount()
    serve('worf')
    renderApp(<UserPage handle="worf" />, { auth: authState({ status: 'signedOut', me: null }) })
    expect(await screen.findByRole('link', { name: 'Follow' })).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: /^More actions for @(worf|andrewbrown)$/ })).not.toBeInTheDocument()
  })
})

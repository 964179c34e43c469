import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ME, authState, json, mockFetch, renderApp } from '../test/render'
import SettingsPage from './SettingsPage'

const person = (handle: string, extra: Record<string, unknown> = {}) => ({
  uuid: `u-${handle}`,
  handle,
  display_name: handle.toUpperCase(),
  avatar_url: null,
  created_at: '2026-05-20T10:00:00Z',
  ...extra,
})

afterEach(() => vi.unstubAllGlobals())

describe('SettingsPage', () => {
  it('lists blocked people page by page and unblocks one', async () => {
    vi.stubGlobal('IntersectionObserver', undefined) // the sentinel falls back to a "Load more" button
    const { calls } = mockFetch({
      'GET /api/users/blocks': (url) =>
        url.includes('cursor=c2') ? json({ items: [person('troll3')], next_cursor: null }) : json({ items: [person('troll1'), person('troll2')], next_cursor: 'c2' }),
      'DELETE /api/users/@troll1/block': () => json(null, 204),
    })
    renderApp(<SettingsPage tab="blocked" />, { route: '/settings/blocked' })
    expect(await screen.findByText('@troll1')).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }))
    expect(await screen.findByText('@troll3')).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Unblock @troll1' }))
    await waitFor(() => expect(screen.queryByText('@troll1')).not.toBeInTheDocument())
    expect(calls.some((c) => c.method === 'DELETE' && c.url === '/api/users/@troll1/block')).toBe(true)
    expect(screen.getByText('Unblocked @troll1')).toBeInTheDocument()
  })

  it('lists muted people with until when, and unmutes', async () => {
    mockFetch({
      'GET /api/users/mutes': () => json({ items: [person('loud', { until: null }), person('brief', { until: '2026-05-21T10:00:00Z' })], next_cursor: null }),
      'DELETE /api/users/@loud/mute': () => json(null, 204),
    })
    renderApp(<SettingsPage tab="muted" />, { route: '/settings/muted' })
    const loud = (await screen.findByText('@loud')).closest('li')!
    expect(within(loud).getByText('Muted until you unmute')).toBeInTheDocument()
    expect(within(screen.getByText('@brief').closest('li')!).getByText(/^Muted until .*2026/)).toBeInTheDocument()
    await userEvent.click(within(loud).getByRole('button', { name: 'Unmute @loud' }))
    await waitFor(() => expect(screen.queryByText('@loud')).not.toBeInTheDocument())
  })

  it('says when nobody is blocked', async () => {
    mockFetch({ 'GET /api/users/blocks': () => json({ items: [], next_cursor: null }) })
    renderApp(<SettingsPage tab="blocked" />, { route: '/settings/blocked' })
    expect(await screen.findByText('You haven’t blocked anyone.')).toBeInTheDocument()
  })
})

describe('SettingsPage default expiry', () => {
  it('saves the default through the profile update, keeping name and bio', async () => {
    const setMe = vi.fn()
    const me = { ...ME, bio: 'Cloud bootcamp', default_ttl: null }
    const { calls } = mockFetch({ 'PUT /api/profile/update': () => json({ ...me, default_ttl: '3-hours' }) })
    renderApp(<SettingsPage tab="expiry" />, { auth: authState({ me, setMe }) })
    const select = screen.getByLabelText('Default expiry')
    expect(select).toHaveValue('7-days')
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled()
    await userEvent.selectOptions(select, '3-hours')
    await userEvent.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(setMe).toHaveBeenCalledWith(expect.objectContaining({ default_ttl: '3-hours' })))
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ display_name: 'Andrew Brown', bio: 'Cloud bootcamp', default_ttl: '3-hours' })
    expect(await screen.findByText('New cruds now live 3 hours unless you choose otherwise')).toBeInTheDocument()
  })

  it('starts from the saved default', () => {
    renderApp(<SettingsPage tab="expiry" />, { auth: authState({ me: { ...ME, default_ttl: '30-days' } }) })
    expect(screen.getByLabelText('Default expiry')).toHaveValue('30-days')
    expect(screen.getByRole('link', { name: 'Default expiry' })).toHaveAttribute('href', '/settings/expiry')
  })
})

import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { activity, authState, json, mockFetch, renderApp } from '../test/render'
import { ActivityItem } from './ActivityItem'

const location = () => screen.getAllByTestId('location')[0].textContent

describe('ActivityItem', () => {
  it('likes optimistically and rolls back when the server refuses', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    mockFetch({
      'PUT /api/activities/a-1/like': async () => {
        await gate
        return json({ error: { code: 'activity_not_found', message: 'This crud has expired.' } }, 404)
      },
    })
    renderApp(<ActivityItem activity={activity() as never} />)
    const like = screen.getByRole('button', { name: /^Like/ })
    expect(like).toHaveAttribute('aria-pressed', 'false')
    await userEvent.click(like)
    expect(screen.getByRole('button', { name: 'Like, 3 likes' })).toHaveAttribute('aria-pressed', 'true')
    await act(async () => release())
    await waitFor(() => expect(screen.getByRole('button', { name: 'Like, 2 likes' })).toHaveAttribute('aria-pressed', 'false'))
    expect(await screen.findByText('That crud is gone — it may have expired or been deleted.')).toBeInTheDocument()
  })

  it('keeps action clicks from opening the crud page, while the card itself opens it', async () => {
    mockFetch({ 'PUT /api/activities/a-1/repost': () => json({}, 200) })
    renderApp(<ActivityItem activity={activity() as never} />, { route: '/' })
    await userEvent.click(screen.getByRole('button', { name: /^Repost/ }))
    expect(location()).toBe('/')
    fireEvent.click(screen.getByText('Today is a good day to crud'))
    expect(location()).toBe('/@worf/status/a-1')
  })

  it('sends signed-out readers to sign in when they try to like', async () => {
    const { fn } = mockFetch({})
    renderApp(<ActivityItem activity={activity() as never} />, { auth: authState({ status: 'signedOut', me: null }), route: '/explore' })
    await userEvent.click(screen.getByRole('button', { name: /^Like/ }))
    expect(location()).toBe('/signin?next=%2Fexplore')
    expect(fn).not.toHaveBeenCalled()
  })

  it('offers delete only on your own cruds', () => {
    const { unmount } = renderApp(<ActivityItem activity={activity() as never} />)
    expect(screen.queryByRole('button', { name: 'Delete this crud' })).not.toBeInTheDocument()
    unmount()
    renderApp(<ActivityItem activity={activity({ handle: 'andrewbrown' }) as never} />)
    expect(screen.getByRole('button', { name: 'Delete this crud' })).toBeInTheDocument()
  })

  it('shows a live countdown and links the author and the crud', () => {
    renderApp(<ActivityItem activity={activity() as never} />)
    expect(screen.getByText(/^expires in 2 days, 23 hours$/)).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'Worf' })).toHaveAttribute('href', '/@worf')
    expect(screen.getByRole('link', { name: /open crud/ })).toHaveAttribute('href', '/@worf/status/a-1')
  })

  it('renders message text as text, never HTML', () => {
    renderApp(<ActivityItem activity={activity({ message: '<img src=x onerror=alert(1)> #tag' }) as never} />)
    expect(screen.getByText('<img src=x onerror=alert(1)>', { exact: false })).toBeInTheDocument()
    expect(document.querySelector('img[src="x"]')).toBeNull()
    expect(screen.getByRole('link', { name: '#tag' })).toHaveAttribute('href', '/search?term=%23tag')
  })
})

describe('ActivityItem delete', () => {
  it('asks first, then deletes and removes the crud', async () => {
    const { calls } = mockFetch({ 'DELETE /api/activities/a-1': () => json(null, 204) })
    const removed: string[] = []
    renderApp(<ActivityItem activity={activity({ handle: 'andrewbrown' }) as never} onRemove={(id) => removed.push(id)} />)
    await userEvent.click(screen.getByRole('button', { name: 'Delete this crud' }))
    expect(screen.getByText(/It disappears for everyone now/)).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }))
    await waitFor(() => expect(removed).toEqual(['a-1']))
    expect(calls.some((c) => c.method === 'DELETE' && c.url === '/api/activities/a-1')).toBe(true)
  })
})

describe('ActivityItem report', () => {
  it('reports someone else’s crud from its menu', async () => {
    const { calls } = mockFetch({ 'POST /api/reports': () => json({ id: 'r-3', status: 'open', created_at: '2026-05-20T10:00:00Z' }, 201) })
    renderApp(<ActivityItem activity={activity() as never} />, { route: '/' })
    await userEvent.click(screen.getByRole('button', { name: "More actions for @worf's crud" }))
    await userEvent.click(screen.getByRole('menuitem', { name: 'Report crud' }))
    await userEvent.click(screen.getByRole('radio', { name: /Illegal/ }))
    await userEvent.click(screen.getByRole('button', { name: 'Send report' }))
    expect(await screen.findByText(/Thanks — a moderator will look at it/)).toBeInTheDocument()
    const body = JSON.parse(String(calls.find((c) => c.url === '/api/reports')!.init.body))
    expect(body).toEqual({ target: { type: 'crud', id: 'a-1' }, category: 'illegal' })
    expect(location()).toBe('/')
  })

  it('has no report menu on your own crud, and sends signed-out readers to sign in', async () => {
    const { unmount } = renderApp(<ActivityItem activity={activity({ handle: 'andrewbrown' }) as never} />)
    expect(screen.queryByRole('button', { name: /More actions for @/ })).not.toBeInTheDocument()
    unmount()
    mockFetch({})
    renderApp(<ActivityItem activity={activity() as never} />, { auth: authState({ status: 'signedOut', me: null }), route: '/explore' })
    await userEvent.click(screen.getByRole('button', { name: "More actions for @worf's crud" }))
    await userEvent.click(screen.getByRole('menuitem', { name: 'Report crud' }))
    expect(location()).toBe('/signin?next=%2Fexplore')
  })

  it('says plainly when a like is refused because of a block', async () => {
    mockFetch({ 'PUT /api/activities/a-1/like': () => json({ error: { code: 'blocked', message: 'blocked' } }, 403) })
    renderApp(<ActivityItem activity={activity() as never} />)
    await userEvent.click(screen.getByRole('button', { name: /^Like/ }))
    expect(await screen.findByText('You can’t interact with this account.')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Like, 2 likes' })).toHaveAttribute('aria-pressed', 'false')
  })
})

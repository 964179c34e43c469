import { act, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Activity } from '../api/types'
import { activity, renderApp } from '../test/render'
import type { PagedList } from '../hooks/usePagedList'
import { ActivityFeed } from './ActivityFeed'

beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: false }))
afterEach(() => vi.useRealTimers())

function list(items: Activity[], overrides: Partial<PagedList<Activity>> = {}): PagedList<Activity> {
  return { items, status: 'ready', error: null, loadingMore: false, moreError: null, hasMore: false, loadMore: vi.fn(), reload: vi.fn(), setItems: vi.fn(), ...overrides }
}

describe('ActivityFeed', () => {
  it('removes a crud when its countdown reaches zero, without a reload', () => {
    const soon = activity({ uuid: 'soon', message: 'going, going…', expires_at: new Date(Date.now() + 2000).toISOString() }) as Activity
    const later = activity({ uuid: 'later', message: 'still here' }) as Activity
    renderApp(<ActivityFeed list={list([soon, later])} label="Feed" />)
    expect(screen.getByText('going, going…')).toBeInTheDocument()
    expect(screen.getByText('2s')).toBeInTheDocument()
    act(() => vi.advanceTimersByTime(1000))
    expect(screen.getByText('1s')).toBeInTheDocument()
    act(() => vi.advanceTimersByTime(1100))
    expect(screen.queryByText('going, going…')).not.toBeInTheDocument()
    expect(screen.getByText('still here')).toBeInTheDocument()
  })

  it('shows loading, error with retry, and empty states', () => {
    const reload = vi.fn()
    const { rerender } = renderApp(<ActivityFeed list={list([], { status: 'loading' })} label="Feed" />)
    expect(screen.getByText('Loading Feed…')).toBeInTheDocument()
    rerender(<ActivityFeed list={list([], { status: 'error', error: new Error('boom'), reload })} label="Feed" />)
    act(() => screen.getByRole('button', { name: 'Try again' }).click())
    expect(reload).toHaveBeenCalled()
    rerender(<ActivityFeed list={list([])} label="Feed" />)
    expect(screen.getByText('Nothing to see here yet')).toBeInTheDocument()
  })
})

describe('ActivityFeed, living', () => {
  it('ticks relative times on one shared clock, and marks the end of the feed', () => {
    renderApp(<ActivityFeed list={list([activity({ created_at: new Date(Date.now() - 10_000).toISOString() }) as Activity])} label="Feed" />)
    expect(screen.getByText('now')).toBeInTheDocument()
    act(() => vi.advanceTimersByTime(60_000))
    expect(screen.getByText('1m')).toBeInTheDocument()
    act(() => vi.advanceTimersByTime(5 * 60_000))
    expect(screen.getByText('6m')).toBeInTheDocument()
    expect(screen.getByText('You’re all caught up')).toBeInTheDocument()
  })
})

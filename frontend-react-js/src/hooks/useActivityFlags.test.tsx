import { act, renderHook, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import type { Activity } from '../api/types'
import { ActivityItem } from '../components/ActivityItem'
import { activity, json, mockFetch, renderApp } from '../test/render'
import { primeActivities, primed, toggleFlag, useActivityFlags } from './useActivityFlags'

const crud = (overrides: Record<string, unknown> = {}) => activity(overrides) as Activity

describe('useActivityFlags', () => {
  it('is one truth per crud: a toggle through one copy shows in every other', async () => {
    const commit = vi.fn(async () => {})
    const a = renderHook(() => useActivityFlags(crud()))
    const b = renderHook(() => useActivityFlags(crud({ reposted_by: { handle: 'bob', display_name: 'Bob', avatar_url: '' } })))
    act(() => toggleFlag(crud(), 'repost', commit))
    expect(a.result.current).toMatchObject({ reposted: true, reposts_count: 1 })
    expect(b.result.current).toMatchObject({ reposted: true, reposts_count: 1 })
    await waitFor(() => expect(commit).toHaveBeenCalledWith(true))
    act(() => toggleFlag(crud(), 'repost', commit))
    expect(a.result.current).toMatchObject({ reposted: false, reposts_count: 0 })
    expect(b.result.current).toMatchObject({ reposted: false, reposts_count: 0 })
  })

  it('rolls back everywhere when the server refuses, and coalesces quick clicks', async () => {
    let fail!: (e: unknown) => void
    const commit = vi.fn().mockReturnValueOnce(new Promise((_, reject) => (fail = reject)))
    const onError = vi.fn()
    const { result } = renderHook(() => useActivityFlags(crud()))
    act(() => toggleFlag(crud(), 'like', commit, onError))
    act(() => toggleFlag(crud(), 'like', commit, onError))
    act(() => toggleFlag(crud(), 'like', commit, onError))
    expect(result.current).toMatchObject({ liked: true, likes_count: 3 })
    expect(commit).toHaveBeenCalledTimes(1) // one request in flight; the others wait for it
    await act(async () => fail(new Error('nope')))
    expect(result.current).toMatchObject({ liked: false, likes_count: 2 })
    expect(onError).toHaveBeenCalledTimes(1)
  })

  it('takes fresh pages as the truth, not while a toggle is being sent', async () => {
    const { result } = renderHook(() => useActivityFlags(crud()))
    act(() => primeActivities([crud({ liked: true, likes_count: 9 })]))
    expect(result.current).toMatchObject({ liked: true, likes_count: 9 })
    let done!: () => void
    act(() => toggleFlag(crud(), 'like', () => new Promise<void>((r) => (done = r))))
    act(() => primeActivities([crud({ liked: true, likes_count: 9 })]))
    expect(result.current).toMatchObject({ liked: false, likes_count: 8 })
    await act(async () => done())
    const fetch = primed(async () => ({ items: [crud({ liked: true, likes_count: 1 })], next: null }))
    await act(async () => void (await fetch('/x', new AbortController().signal)))
    expect(result.current).toMatchObject({ liked: true, likes_count: 1 })
  })

  it('shows the repost on both cards of one crud, named "You reposted", with counts in words', async () => {
    mockFetch({ 'PUT /api/activities/a-1/repost': () => json({}, 200), 'DELETE /api/activities/a-1/repost': () => json({}, 200) })
    renderApp(
      <>
        <ActivityItem activity={crud({ reposted_by: { handle: 'bob', display_name: 'Bob', avatar_url: '' } })} />
        <ActivityItem activity={crud({ uuid: 'a-1' })} />
      </>,
    )
    expect(screen.getByText('Bob')).toBeInTheDocument()
    const [first, second] = screen.getAllByRole('button', { name: 'Repost, 0 reposts' })
    await userEvent.click(first)
    expect(screen.getAllByText('You reposted')).toHaveLength(2)
    expect(second).toHaveAttribute('aria-pressed', 'true')
    expect(second).toHaveAccessibleName('Repost, 1 repost')
    await userEvent.click(second)
    expect(screen.queryByText('You reposted')).not.toBeInTheDocument()
    expect(first).toHaveAttribute('aria-pressed', 'false')
    expect(screen.getAllByRole('button', { name: 'Like, 2 likes' })).toHaveLength(2)
  })
})

import { act, renderHook, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { useOptimisticToggle } from './useOptimisticToggle'

function deferred() {
  let resolve!: () => void
  let reject!: (e: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('useOptimisticToggle', () => {
  it('updates at once and keeps the change when the server agrees', async () => {
    const commit = vi.fn(async () => {})
    const { result } = renderHook(() => useOptimisticToggle({ on: false, count: 4 }, commit))
    act(() => result.current.toggle())
    expect(result.current.state).toEqual({ on: true, count: 5 })
    await waitFor(() => expect(result.current.pending).toBe(false))
    expect(commit).toHaveBeenCalledWith(true)
    expect(result.current.state).toEqual({ on: true, count: 5 })
  })

  it('rolls back and reports when the server refuses', async () => {
    const d = deferred()
    const onError = vi.fn()
    const { result } = renderHook(() => useOptimisticToggle({ on: false, count: 4 }, () => d.promise, onError))
    act(() => result.current.toggle())
    expect(result.current.state).toEqual({ on: true, count: 5 })
    await act(async () => d.reject(new Error('nope')))
    expect(result.current.state).toEqual({ on: false, count: 4 })
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'nope' }))
  })

  it('coalesces quick double clicks and sends only what is needed', async () => {
    const first = deferred()
    const commit = vi.fn().mockReturnValueOnce(first.promise).mockResolvedValue(undefined)
    const { result } = renderHook(() => useOptimisticToggle({ on: false, count: 0 }, commit))
    act(() => result.current.toggle()) // like (in flight)
    act(() => result.current.toggle()) // unlike while in flight
    expect(result.current.state).toEqual({ on: false, count: 0 })
    await act(async () => first.resolve())
    await waitFor(() => expect(commit).toHaveBeenCalledTimes(2))
    expect(commit.mock.calls.map((c) => c[0])).toEqual([true, false])
    expect(result.current.state).toEqual({ on: false, count: 0 })
  })
})

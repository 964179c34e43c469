import { act, renderHook, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { usePagedList } from '../hooks/usePagedList'
import { keepList, keptList } from './kept'

type Item = { uuid: string }

describe('kept lists (Back keeps your place)', () => {
  it('restores the loaded items and next page of the same history entry without fetching', async () => {
    const fetchPage = vi.fn(async (path: string) =>
      path === '/f' ? { items: [{ uuid: 'a' }], next: '/f?c=1' } : { items: [{ uuid: 'b' }], next: '/f?c=2' },
    )
    const first = renderHook(() => usePagedList<Item>('/f', fetchPage, undefined, { keepAs: 'k1' }))
    await waitFor(() => expect(first.result.current.status).toBe('ready'))
    act(() => first.result.current.loadMore())
    await waitFor(() => expect(first.result.current.items).toHaveLength(2))
    first.unmount()
    expect(fetchPage).toHaveBeenCalledTimes(2)

    const back = renderHook(() => usePagedList<Item>('/f', fetchPage, undefined, { keepAs: 'k1' }))
    expect(back.result.current.status).toBe('ready')
    expect(back.result.current.items.map((i) => i.uuid)).toEqual(['a', 'b'])
    expect(back.result.current.hasMore).toBe(true)
    expect(fetchPage).toHaveBeenCalledTimes(2)

    const other = renderHook(() => usePagedList<Item>('/f', fetchPage, undefined, { keepAs: 'k2' })) // a new visit
    await waitFor(() => expect(other.result.current.status).toBe('ready'))
    expect(other.result.current.items.map((i) => i.uuid)).toEqual(['a'])
    expect(fetchPage).toHaveBeenCalledTimes(3)
  })

  it('follows the scroll position and restores it after the layout scrolled to the top', async () => {
    keepList('k /f', { items: [{ uuid: 'a' }], next: null })
    const scrollTo = vi.spyOn(window, 'scrollTo').mockImplementation(() => {})
    const { unmount } = renderHook(() => usePagedList<Item>('/f', vi.fn(), undefined, { keepAs: 'k' }))
    Object.defineProperty(window, 'scrollY', { value: 1234, configurable: true })
    window.dispatchEvent(new Event('scroll'))
    expect(keptList('k /f')?.scrollY).toBe(1234)
    unmount()
    renderHook(() => usePagedList<Item>('/f', vi.fn(), undefined, { keepAs: 'k' }))
    await waitFor(() => expect(scrollTo).toHaveBeenCalledWith(0, 1234))
    scrollTo.mockRestore()
    Object.defineProperty(window, 'scrollY', { value: 0, configurable: true })
  })
})

import { act, renderHook, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import type { Page } from '../api/client'
import { usePagedList } from './usePagedList'

type Item = { uuid: string; reposted_by?: { handle: string } | null }

describe('usePagedList', () => {
  it('loads the first page, then the next from the server-given URL, one item per crud', async () => {
    const pages: Record<string, Page<Item>> = {
      '/api/x?limit=2': { items: [{ uuid: 'a' }, { uuid: 'b' }], next: '/api/x?limit=2&cursor=1' },
      '/api/x?limit=2&cursor=1': { items: [{ uuid: 'b' }, { uuid: 'c' }, { uuid: 'b', reposted_by: { handle: 'worf' } }], next: null },
    }
    const fetchPage = vi.fn(async (path: string) => pages[path])
    const { result } = renderHook(() => usePagedList<Item>('/api/x?limit=2', fetchPage))
    await waitFor(() => expect(result.current.status).toBe('ready'))
    expect(result.current.items.map((i) => i.uuid)).toEqual(['a', 'b'])
    expect(result.current.hasMore).toBe(true)
    act(() => result.current.loadMore())
    await waitFor(() => expect(result.current.hasMore).toBe(false))
    // a crud appears once: a later entry of `b` (even a repost) folds into the first one
    expect(result.current.items.map((i) => `${i.uuid}${i.reposted_by ? '@' + i.reposted_by.handle : ''}`)).toEqual(['a', 'b', 'c'])
    expect(fetchPage).toHaveBeenCalledTimes(2)
  })

  it('reports a failed first page and retries on reload', async () => {
    const fetchPage = vi.fn().mockRejectedValueOnce(new Error('down')).mockResolvedValue({ items: [{ uuid: 'a' }], next: null })
    const { result } = renderHook(() => usePagedList<Item>('/api/x', fetchPage))
    await waitFor(() => expect(result.current.status).toBe('error'))
    act(() => result.current.reload())
    await waitFor(() => expect(result.current.status).toBe('ready'))
    expect(result.current.items).toEqual([{ uuid: 'a' }])
  })

  it('keeps the list when a later page fails, and lets it be retried', async () => {
    const fetchPage = vi
      .fn()
      .mockResolvedValueOnce({ items: [{ uuid: 'a' }], next: '/n' })
      .mockRejectedValueOnce(new Error('flaky'))
      .mockResolvedValueOnce({ items: [{ uuid: 'b' }], next: null })
    const { result } = renderHook(() => usePagedList<Item>('/api/x', fetchPage))
    await waitFor(() => expect(result.current.status).toBe('ready'))
    act(() => result.current.loadMore())
    await waitFor(() => expect(result.current.moreError).toBeTruthy())
    expect(result.current.items).toEqual([{ uuid: 'a' }])
    act(() => result.current.loadMore())
    await waitFor(() => expect(result.current.items).toHaveLength(2))
  })
})

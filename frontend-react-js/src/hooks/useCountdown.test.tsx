import { act, render, renderHook, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useCountdown } from './useCountdown'
import { useUnexpired } from './useUnexpired'

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(new Date('2026-05-20T12:00:00Z'))
})
afterEach(() => vi.useRealTimers())

describe('useCountdown', () => {
  it('ticks every second in the last hour and fires onExpire once at zero', () => {
    const onExpire = vi.fn()
    const expiresAt = new Date(Date.now() + 65_000).toISOString()
    const { result } = renderHook(() => useCountdown(expiresAt, onExpire))
    expect(result.current?.label).toBe('1m 05s')
    act(() => vi.advanceTimersByTime(1000))
    expect(result.current?.label).toBe('1m 04s')
    act(() => vi.advanceTimersByTime(10_000))
    expect(result.current?.label).toBe('54s')
    expect(onExpire).not.toHaveBeenCalled()
    act(() => vi.advanceTimersByTime(55_000))
    expect(onExpire).toHaveBeenCalledTimes(1)
    expect(result.current?.expired).toBe(true)
    expect(result.current?.label).toBe('expired')
    act(() => vi.advanceTimersByTime(5000))
    expect(onExpire).toHaveBeenCalledTimes(1)
  })

  it('shows days and hours for long lives', () => {
    const expiresAt = new Date(Date.now() + 7 * 86_400_000 - 1000).toISOString()
    const { result } = renderHook(() => useCountdown(expiresAt))
    expect(result.current?.label).toBe('6d 23h')
  })

  it('returns null when there is no expiry', () => {
    const { result } = renderHook(() => useCountdown(null))
    expect(result.current).toBeNull()
  })

  it('follows a changed end: an extended crud does not fire at the old end, the new end fires', () => {
    const onExpire = vi.fn()
    const soon = new Date(Date.now() + 10_000).toISOString()
    const later = new Date(Date.now() + 3_600_000).toISOString()
    const { result, rerender } = renderHook(({ at }) => useCountdown(at, onExpire), { initialProps: { at: soon } })
    expect(result.current?.label).toBe('10s')
    rerender({ at: later })
    act(() => vi.advanceTimersByTime(20_000))
    expect(onExpire).not.toHaveBeenCalled()
    expect(result.current?.label).toBe('59m 40s')
    rerender({ at: new Date(Date.now() + 5_000).toISOString() })
    act(() => vi.advanceTimersByTime(5_000))
    expect(onExpire).toHaveBeenCalledTimes(1)
  })

  it('fires at once for something already expired', () => {
    const onExpire = vi.fn()
    renderHook(() => useCountdown(new Date(Date.now() - 1000).toISOString(), onExpire))
    expect(onExpire).toHaveBeenCalledTimes(1)
  })
})

describe('useUnexpired', () => {
  function List({ items }: { items: { uuid: string; expires_at: string }[] }) {
    const visible = useUnexpired(items)
    return (
      <ul>
        {visible.map((i) => (
          <li key={i.uuid}>{i.uuid}</li>
        ))}
      </ul>
    )
  }

  it('drops an item from the page the moment it expires, without reloading', () => {
    const items = [
      { uuid: 'soon', expires_at: new Date(Date.now() + 3000).toISOString() },
      { uuid: 'later', expires_at: new Date(Date.now() + 3_600_000).toISOString() },
      { uuid: 'past', expires_at: new Date(Date.now() - 1).toISOString() },
    ]
    render(<List items={items} />)
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['soon', 'later'])
    act(() => vi.advanceTimersByTime(3100))
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['later'])
  })
})

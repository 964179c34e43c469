import { describe, expect, it } from 'vitest'
import { DEFAULT_TTL, TTL_OPTIONS, parseTime, tickFor, timeAgo, timeLeft, timeLeftLong } from './time'

describe('time helpers', () => {
  it('parses offset-less API timestamps as UTC', () => {
    expect(parseTime('2026-01-01T00:00:00')).toBe(Date.UTC(2026, 0, 1))
    expect(parseTime('2026-01-01T02:00:00+02:00')).toBe(Date.UTC(2026, 0, 1))
    expect(parseTime('2026-01-01T00:00:00Z')).toBe(Date.UTC(2026, 0, 1))
  })

  it('formats time left at every scale and never negative', () => {
    expect(timeLeft((6 * 24 + 23) * 3600_000 + 5000)).toBe('6d 23h')
    expect(timeLeft(5 * 3600_000 + 12 * 60_000)).toBe('5h 12m')
    expect(timeLeft(12 * 60_000 + 5000)).toBe('12m 05s')
    expect(timeLeft(45_000)).toBe('45s')
    expect(timeLeft(0)).toBe('expired')
    expect(timeLeft(-45 * 60_000)).toBe('expired')
  })

  it('says the long form for screen readers', () => {
    expect(timeLeftLong(2 * 86_400_000 + 3 * 3600_000)).toBe('expires in 2 days, 3 hours')
    expect(timeLeftLong(61_000)).toBe('expires in 1 minute')
    expect(timeLeftLong(10_000)).toBe('expires in less than a minute')
  })

  it('ticks faster as expiry nears', () => {
    expect(tickFor(3 * 86_400_000)).toBeGreaterThan(tickFor(3 * 3600_000))
    expect(tickFor(30 * 60_000)).toBe(1000)
  })

  it('formats ages compactly, with exact hour boundaries defined', () => {
    const now = Date.UTC(2026, 4, 20, 12)
    const at = (ms: number) => new Date(now - ms).toISOString()
    expect(timeAgo(at(10_000), now)).toBe('now')
    expect(timeAgo(at(5 * 60_000), now)).toBe('5m')
    expect(timeAgo(at(3600_000), now)).toBe('1h')
    expect(timeAgo(at(86_400_000), now)).toBe('1d')
    expect(timeAgo(at(20 * 86_400_000), now)).toMatch(/Apr|30/)
  })

  it('keeps the original presets with 7 days as the default', () => {
    expect(TTL_OPTIONS.map((o) => o.value)).toEqual(['30-days', '7-days', '3-days', '1-day', '12-hours', '3-hours', '1-hour'])
    expect(DEFAULT_TTL).toBe('7-days')
  })
})

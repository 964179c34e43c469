import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff'

const policy = { baseMs: 1000, maxMs: 30_000 }

describe('backoffDelay', () => {
  it('doubles, stays in the upper half of its ceiling (jitter) and never passes maxMs', () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, policy, () => 0))).toEqual([500, 1000, 2000, 4000])
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, policy, () => 1))).toEqual([1000, 2000, 4000, 8000])
    expect(backoffDelay(50, policy, () => 1)).toBe(30_000)
    expect(backoffDelay(50, policy, () => 0)).toBe(15_000)
  })

  it('spreads tabs that failed together', () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(3, policy)))
    expect(delays.size).toBeGreaterThan(1)
  })
})

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EARLY_MS, FORCE_INTERVAL_MS, JITTER_MS, MAX_FAILURES, SessionKeeper, type KeeperDeps, type SessionMessage, type StoredToken } from './keeper'

const HOUR = 3_600_000

/**
 * Two or more tabs over one token store, one lock and one channel, as the browser gives them. With `lagMs`,
 * a tab sees another tab's write to the store only that long after it (Chromium's localStorage across
 * processes); a refresh takes `refreshMs`.
 */
function world({ lagMs = 0, refreshMs = 0 }: { lagMs?: number; refreshMs?: number } = {}) {
  let stored: StoredToken | null = { token: 't0', exp: (Date.now() + HOUR) / 1000, drift: 0 }
  let before: StoredToken | null = stored
  let written = { by: -1, at: -Infinity }
  let queue = Promise.resolve()
  let held = 0
  let refreshing = -1
  const tabs: Array<(m: SessionMessage) => void> = []
  const refresh = vi.fn(async (): Promise<boolean> => {
    if (refreshMs) await new Promise((resolve) => setTimeout(resolve, refreshMs))
    before = stored
    stored = { token: `t${refresh.mock.calls.length}`, exp: (Date.now() + HOUR) / 1000, drift: 0 }
    written = { by: refreshing, at: Date.now() }
    return true
  })
  const tab = (): KeeperDeps & { index: number } => {
    const index = tabs.length
    tabs.push(() => {})
    return {
      index,
      load: async () => (written.by !== index && Date.now() - written.at < lagMs ? before : stored),
      refresh: () => {
        refreshing = index
        return refresh()
      },
      lock: <T,>(fn: (waited: boolean) => Promise<T>) => {
        const waited = held > 0
        held++
        const run = queue.then(() => fn(waited))
        queue = run.then(
          () => undefined,
          () => undefined,
        )
        return run.finally(() => held--)
      },
      post: (m) => tabs.forEach((deliver, i) => i !== index && deliver(m)),
      listen: (onMessage) => {
        tabs[index] = onMessage
        return () => (tabs[index] = () => {})
      },
      random: () => 0.5,
    }
  }
  return { tab, refresh, store: { get: () => stored, set: (s: StoredToken | null) => (stored = before = s) } }
}

let keepers: SessionKeeper[] = []
beforeEach(() => vi.useFakeTimers())
afterEach(() => {
  keepers.forEach((k) => k.stop())
  keepers = []
  vi.useRealTimers()
})

function keep(deps: KeeperDeps, onExpired: () => void = () => {}): SessionKeeper {
  const keeper = new SessionKeeper(deps)
  keeper.start(onExpired)
  keepers.push(keeper)
  return keeper
}

describe('SessionKeeper', () => {
  it('refreshes before expiry, again and again, for as long as the refresh token lives', async () => {
    const w = world()
    const keeper = keep(w.tab())
    await vi.advanceTimersByTimeAsync(HOUR - EARLY_MS - JITTER_MS)
    expect(w.refresh).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(JITTER_MS)
    expect(w.refresh).toHaveBeenCalledTimes(1)
    expect(await keeper.token()).toBe('t1')
    await vi.advanceTimersByTimeAsync(5 * HOUR)
    expect(w.refresh).toHaveBeenCalledTimes(6) // one an hour, never a loop
    expect(await keeper.token()).toBe('t6')
  })

  it('refreshes once for two tabs: the other finds the fresh token', async () => {
    const w = world()
    const [a, b] = [keep(w.tab()), keep(w.tab())]
    await vi.advanceTimersByTimeAsync(HOUR)
    expect(w.refresh).toHaveBeenCalledTimes(1)
    expect(await a.token()).toBe('t1')
    expect(await b.token()).toBe('t1')
  })

  it('refreshes once for two tabs whose timers fire at once, though the store reaches the other tab late', async () => {
    const w = world({ lagMs: 300, refreshMs: 200 })
    const [a, b] = [keep(w.tab()), keep(w.tab())]
    await vi.advanceTimersByTimeAsync(HOUR)
    expect(w.refresh).toHaveBeenCalledTimes(1)
    expect(await a.token()).toBe('t1')
    expect(await b.token()).toBe('t1')
  })

  it('refreshes itself when the tab it waited for left the store as it was', async () => {
    const w = world()
    const [a, b] = [w.tab(), w.tab()]
    a.refresh = async () => {
      throw new Error('network down')
    }
    const [ka, kb] = [keep(a), keep(b)]
    await vi.advanceTimersByTimeAsync(HOUR - EARLY_MS)
    expect(w.refresh).toHaveBeenCalledTimes(1) // b, after giving the store SETTLE_MS
    expect(await kb.token()).toBe('t1')
    expect(await ka.token()).toBe('t1')
  })

  it('shares one refresh among every caller that meets an expired token', async () => {
    const w = world()
    const keeper = new SessionKeeper(w.tab())
    w.store.set({ token: 'old', exp: (Date.now() - 1000) / 1000, drift: 0 })
    const tokens = await Promise.all(Array.from({ length: 20 }, () => keeper.token()))
    expect(w.refresh).toHaveBeenCalledTimes(1)
    expect(new Set(tokens)).toEqual(new Set(['t1']))
  })

  it('corrects for the clock drift Amplify measured', async () => {
    const w = world()
    const keeper = new SessionKeeper(w.tab())
    // the local clock is an hour ahead of the server: the token is not expired
    w.store.set({ token: 'ok', exp: (Date.now() - 1000) / 1000 + 60, drift: -HOUR })
    expect(await keeper.token()).toBe('ok')
  })

  it('retries a failing refresh with backoff, a bounded number of times, and gives no token meanwhile', async () => {
    const w = world()
    w.refresh.mockImplementation(async () => {
      throw Object.assign(new Error('down'), { name: 'InternalErrorException' })
    })
    const keeper = keep(w.tab())
    await vi.advanceTimersByTimeAsync(HOUR - EARLY_MS - JITTER_MS / 2) // the timer (random 0.5)
    const before = w.refresh.mock.calls.length
    expect(before).toBe(1)
    // every request in the meantime: no new attempt of its own
    const tokens = await Promise.all(Array.from({ length: 50 }, () => keeper.token()))
    expect(w.refresh.mock.calls.length).toBeLessThanOrEqual(before + 1)
    expect(new Set(tokens)).toEqual(new Set(['t0'])) // still valid: used while the refresh waits
    await vi.advanceTimersByTimeAsync(6 * HOUR)
    expect(w.refresh.mock.calls.length).toBeLessThanOrEqual(MAX_FAILURES + 1)
  })

  it('ends the session once, in every tab, when Cognito refuses the refresh token', async () => {
    const w = world()
    w.refresh.mockResolvedValue(false)
    const [onA, onB] = [vi.fn(), vi.fn()]
    keep(w.tab(), onA)
    keep(w.tab(), onB)
    await vi.advanceTimersByTimeAsync(3 * HOUR)
    expect(w.refresh).toHaveBeenCalledTimes(1)
    expect(onA).toHaveBeenCalledTimes(1)
    expect(onB).toHaveBeenCalledTimes(1)
  })

  it('treats NotAuthorizedException as the end, not as something to retry', async () => {
    const w = world()
    w.refresh.mockRejectedValue(Object.assign(new Error('revoked'), { name: 'NotAuthorizedException' }))
    const onExpired = vi.fn()
    keep(w.tab(), onExpired)
    await vi.advanceTimersByTimeAsync(3 * HOUR)
    expect(w.refresh).toHaveBeenCalledTimes(1)
    expect(onExpired).toHaveBeenCalledTimes(1)
  })

  it('forces at most one refresh per interval after 401s', async () => {
    const w = world()
    const keeper = new SessionKeeper(w.tab())
    expect(await keeper.token({ forceRefresh: true })).toBe('t1')
    expect(await keeper.token({ forceRefresh: true })).toBe('t1')
    expect(w.refresh).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(FORCE_INTERVAL_MS)
    expect(await keeper.token({ forceRefresh: true })).toBe('t2')
  })

  it('gives no token and does not refresh when signed out', async () => {
    const w = world()
    w.store.set(null)
    const keeper = keep(w.tab())
    expect(await keeper.token()).toBeNull()
    await vi.advanceTimersByTimeAsync(HOUR)
    expect(w.refresh).not.toHaveBeenCalled()
  })
})

/**
 * Keeps a session alive for as long as its refresh token lives (issue 18 finding 1), in every tab:
 *
 * - a timer refreshes the access token EARLY_MS (+ jitter) before it expires, under a Web Lock, so one
 *   tab refreshes and the others find fresh tokens in the shared store (and are told on a BroadcastChannel).
 *   A tab that waited for the lock while another held it gives the store up to SETTLE_MS to show the other's
 *   tokens before refreshing itself: Chromium hands a localStorage write to other tabs' processes
 *   asynchronously, so the lock can reach a tab before the tokens do (two tabs whose timers fire at once —
 *   a laptop waking — refreshed twice);
 * - every token the app sends comes from `token()`: the stored one while it is valid, else one refresh
 *   shared by all callers (never one per request);
 * - a refresh that fails for a while (network, a 5xx) is retried with the shared backoff, at most
 *   MAX_FAILURES times, then again when the tab comes back online or into view; while it waits, callers
 *   get no token instead of a new attempt each;
 * - a refresh token that Cognito refuses (revoked, expired) ends the session once: `onExpired`, in every tab.
 */
import { backoffDelay, type Backoff } from '../lib/backoff'

/** Refresh this long before the access token expires (plus up to JITTER_MS), so no request meets an expired token. */
export const EARLY_MS = 120_000
export const JITTER_MS = 30_000
/** Between two refreshes a 401 may force, at least this long (a 401 that a fresh token does not cure is not the token's). */
export const FORCE_INTERVAL_MS = 30_000
export const RETRY: Backoff = { baseMs: 2_000, maxMs: 60_000 }
export const MAX_FAILURES = 8
/** How long a tab that waited for another's refresh lock lets the shared store catch up before refreshing. */
export const SETTLE_MS = 1_500
const SETTLE_STEP_MS = 50
export const LOCK_NAME = 'cruddur-token-refresh'
export const CHANNEL_NAME = 'cruddur-session'

/** Cognito's answers after which the refresh token will never work again (Amplify clears the tokens). */
const DEFINITIVE = ['NotAuthorizedException', 'TokenRevokedException', 'UserNotFoundException', 'PasswordResetRequiredException', 'UserNotConfirmedException', 'RefreshTokenReuseException']

/** The stored access token: its text, expiry (epoch s) and Amplify's clock drift (server minus local, ms). */
export type StoredToken = { token: string; exp: number; drift: number }

export type SessionMessage = { type: 'refreshed' } | { type: 'expired' }

export type KeeperDeps = {
  /** The stored token, without network; null when signed out. */
  load: () => Promise<StoredToken | null>
  /** Refresh now: true when new tokens are stored, false when Cognito refused the refresh token; throws otherwise. */
  refresh: () => Promise<boolean>
  /** Run `fn` while holding the cross-tab refresh lock; `waited`: another tab held it first. */
  lock: <T>(fn: (waited: boolean) => Promise<T>) => Promise<T>
  /** Tell the other tabs; `listen` returns the unsubscribe. */
  post: (message: SessionMessage) => void
  listen: (onMessage: (message: SessionMessage) => void) => () => void
  now?: () => number
  random?: () => number
}

/** Whether a refresh failure is Cognito refusing the refresh token (not a network or service failure). */
export function isDefinitive(error: unknown): boolean {
  const name = error && typeof error === 'object' ? String((error as { name?: unknown }).name ?? '') : ''
  return DEFINITIVE.some((prefix) => name.startsWith(prefix))
}

export class SessionKeeper {
  private timer: ReturnType<typeof setTimeout> | null = null
  private inflight: Promise<void> | null = null
  private failures = 0
  private retryAt = 0
  private lastRefresh = -Infinity
  private running = false
  private ended = false
  private unlisten: (() => void) | null = null
  private onExpired: () => void = () => {}
  private readonly now: () => number
  private readonly random: () => number

  constructor(private readonly deps: KeeperDeps) {
    this.now = deps.now ?? Date.now
    this.random = deps.random ?? Math.random
  }

  /** Start keeping the signed-in session (idempotent); `onExpired` runs once when it truly ends. */
  start(onExpired: () => void): void {
    this.onExpired = onExpired
    if (this.running) return
    this.running = true
    this.ended = false
    this.failures = 0
    this.retryAt = 0
    this.unlisten = this.deps.listen((message) => this.receive(message))
    if (typeof window !== 'undefined') {
      window.addEventListener('online', this.revive)
      document.addEventListener('visibilitychange', this.revive)
    }
    void this.schedule()
  }

  /** Stop timers and listeners (signed out). */
  stop(): void {
    this.running = false
    this.clearTimer()
    this.unlisten?.()
    this.unlisten = null
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', this.revive)
      document.removeEventListener('visibilitychange', this.revive)
    }
  }

  /**
   * The access token to send: the stored one while valid, else after one shared refresh; null when signed
   * out, or while a failing refresh waits for its next try. `force` (after a 401) refreshes even a valid one.
   */
  async token(options?: { forceRefresh?: boolean }): Promise<string | null> {
    const stored = await this.deps.load()
    if (!stored) return null
    const force = Boolean(options?.forceRefresh) && this.now() - this.lastRefresh >= FORCE_INTERVAL_MS
    if (!force && this.remaining(stored) > 0) return stored.token
    if (this.now() < this.retryAt) return null
    try {
      await this.fresh({ force, below: EARLY_MS })
    } catch {
      return null
    }
    return (await this.deps.load())?.token ?? null
  }

  private remaining(stored: StoredToken): number {
    return stored.exp * 1000 - (this.now() + stored.drift)
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private after(ms: number, run: () => void): void {
    this.clearTimer()
    if (this.running) this.timer = setTimeout(run, Math.min(Math.max(ms, 1000), 2 ** 31 - 1))
  }

  /** Set the timer for the next refresh: EARLY_MS (+ jitter) before the stored token expires. */
  private async schedule(): Promise<void> {
    const stored = await this.deps.load()
    if (!stored || !this.running) return
    this.after(this.remaining(stored) - EARLY_MS - this.random() * JITTER_MS, () => void this.tick())
  }

  private async tick(): Promise<void> {
    try {
      // the timer fired EARLY_MS + jitter before expiry: refresh unless another tab already did (an hour left)
      await this.fresh({ force: false, below: EARLY_MS + JITTER_MS })
      await this.schedule()
    } catch {
      // only a refresh that may still work is tried again (not after sign-out or expiry), a bounded number of times
      if (this.running && this.retryAt > this.now() && this.failures < MAX_FAILURES) {
        this.after(this.retryAt - this.now(), () => void this.tick())
      }
    }
  }

  /**
   * Make sure the stored token has more than `below` left (or refresh it anyway with `force`): one refresh
   * for every caller and tab.
   */
  private fresh({ force, below }: { force: boolean; below: number }): Promise<void> {
    this.inflight ??= this.deps
      .lock(async (waited) => {
        const stored = waited ? await this.settled(below) : await this.deps.load()
        if (!stored) throw new Error('signed out')
        if (!force && this.remaining(stored) > below) return // another tab refreshed it
        await this.refreshOnce()
      })
      .finally(() => {
        this.inflight = null
      })
    return this.inflight
  }

  /** The stored token once it has more than `below` left, or as it is after SETTLE_MS (another tab's refresh arriving). */
  private async settled(below: number): Promise<StoredToken | null> {
    for (let waited = 0; ; waited += SETTLE_STEP_MS) {
      const stored = await this.deps.load()
      if (!stored || this.remaining(stored) > below || waited >= SETTLE_MS) return stored
      await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS))
    }
  }

  private async refreshOnce(): Promise<void> {
    let refreshed: boolean
    try {
      refreshed = await this.deps.refresh()
    } catch (error) {
      if (!isDefinitive(error)) {
        this.retryAt = this.now() + backoffDelay(this.failures, RETRY, this.random)
        this.failures++
        throw error
      }
      refreshed = false
    }
    if (!refreshed) {
      this.expire(true)
      throw new Error('session expired')
    }
    this.failures = 0
    this.retryAt = 0
    this.lastRefresh = this.now()
    this.deps.post({ type: 'refreshed' })
  }

  private expire(tell: boolean): void {
    if (this.ended) return
    this.ended = true
    if (tell) this.deps.post({ type: 'expired' })
    this.stop()
    this.onExpired()
  }

  private receive(message: SessionMessage): void {
    if (message.type === 'expired') return this.expire(false)
    this.failures = 0
    this.retryAt = 0
    this.lastRefresh = this.now()
    void this.schedule()
  }

  /** Back online or into view: a refresh that gave up tries again (its backoff starts over). */
  private readonly revive = (): void => {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return
    if (this.failures < MAX_FAILURES) return
    this.failures = 0
    this.retryAt = 0
    void this.tick()
  }
}

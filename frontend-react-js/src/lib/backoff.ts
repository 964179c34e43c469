/**
 * The one retry rule of the SPA: exponential backoff with jitter, bounded in delay and in attempts.
 * Token refresh, the live stream's reconnects and polls all wait with `backoffDelay`, so that a failing
 * dependency sees a few spread-out calls from each tab instead of a flood (issue 18 finding 1: 65 a second).
 */

export type Backoff = {
  /** The first delay's ceiling (ms). */
  baseMs: number
  /** No delay is longer than this (ms). */
  maxMs: number
}

/**
 * How long to wait before retry number `attempt` (0-based): a random delay in the upper half of
 * min(maxMs, baseMs·2^attempt) ("equal jitter": tabs that failed together spread out, and never retry at once).
 */
export function backoffDelay(attempt: number, { baseMs, maxMs }: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt, 30)))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/** Resolves after `ms`, or rejects with an AbortError when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DOMException('Aborted', 'AbortError'))
    const t = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(new DOMException('Aborted', 'AbortError'))), { once: true })
  })
}

/**
 * Place kept (issue 18): what a feed page had loaded, and where it was scrolled, per history entry, so
 * Back shows the same items at the same place without fetching. Keys are `useLocation().key` plus the
 * list's first path; a new visit to the same URL is a new history entry, so it loads afresh. Only the
 * last few entries are kept (memory), and a full reload forgets them all.
 */
export type KeptList<T> = { items: T[]; next: string | null; scrollY: number }

const MAX_ENTRIES = 20
const lists = new Map<string, KeptList<unknown>>()
const values = new Map<string, unknown>()

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key) // re-inserted last: the map's order is the recency order
  map.set(key, value)
  while (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string)
}

export function keptList<T>(key: string): KeptList<T> | undefined {
  return lists.get(key) as KeptList<T> | undefined
}

/** The list's items and next page as they are now (its scroll position is kept by `keepScroll`). */
export function keepList<T>(key: string, list: { items: T[]; next: string | null }): void {
  remember(lists, key, { ...list, scrollY: lists.get(key)?.scrollY ?? 0 })
}

/**
 * Follow the window's scroll position into the kept list while the page is shown, and first restore
 * `restoreY` once the restored items are laid out (after the layout's own scroll to the top; retried for
 * a few frames while pictures grow the page). Returns the cleanup.
 */
export function keepScroll(key: string, restoreY?: number): () => void {
  const save = () => {
    const kept = lists.get(key)
    if (kept) kept.scrollY = window.scrollY
  }
  let frame = 0
  let tries = 0
  const restore = () => {
    if (restoreY === undefined) return
    window.scrollTo(0, restoreY)
    if (Math.abs(window.scrollY - restoreY) > 2 && ++tries < 30) frame = requestAnimationFrame(restore)
  }
  if (restoreY) frame = requestAnimationFrame(restore)
  window.addEventListener('scroll', save, { passive: true })
  return () => {
    cancelAnimationFrame(frame)
    window.removeEventListener('scroll', save)
  }
}

/** A page's own data that goes with its kept list (a profile's header). */
export function keptValue<V>(key: string | undefined): V | undefined {
  return key === undefined ? undefined : (values.get(key) as V | undefined)
}

export function keepValue<V>(key: string | undefined, value: V): void {
  if (key !== undefined) remember(values, key, value)
}

/** For tests: forget everything. */
export function forgetKept(): void {
  lists.clear()
  values.clear()
}

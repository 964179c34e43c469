import { useSyncExternalStore } from 'react'
import type { Page } from '../api/client'
import type { Activity } from '../api/types'

/**
 * One truth per crud on screen (issue 18): the reader's like and repost of a crud, and its counts,
 * live here keyed by the crud's uuid, so every card of that crud (home, a profile, its own page, a
 * page kept for Back) shows the same state, and pressing like or repost on one updates them all.
 * Fresh server pages replace what is known (`primed`); a page restored for Back does not.
 */
export type Flags = { liked: boolean; likes_count: number; reposted: boolean; reposts_count: number }
export type FlagKind = 'like' | 'repost'
type Toggle = { on: boolean; count: number }

const known = new Map<string, Flags>()
const listeners = new Set<() => void>()
const inFlight = new Set<string>()

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

function publish(uuid: string, flags: Flags): void {
  known.set(uuid, flags)
  listeners.forEach((l) => l())
}

export function flagsOf(a: Pick<Activity, 'liked' | 'likes_count' | 'reposted' | 'reposts_count'>): Flags {
  return { liked: Boolean(a.liked), likes_count: a.likes_count ?? 0, reposted: Boolean(a.reposted), reposts_count: a.reposts_count ?? 0 }
}

const read = (f: Flags, kind: FlagKind): Toggle => (kind === 'like' ? { on: f.liked, count: f.likes_count } : { on: f.reposted, count: f.reposts_count })
const write = (f: Flags, kind: FlagKind, t: Toggle): Flags =>
  kind === 'like' ? { ...f, liked: t.on, likes_count: t.count } : { ...f, reposted: t.on, reposts_count: t.count }
const flip = (t: Toggle, on: boolean): Toggle => (t.on === on ? t : { on, count: Math.max(0, t.count + (on ? 1 : -1)) })

/** The server's word on these cruds replaces what the screen knew (not while a toggle of one is being sent). */
export function primeActivities(items: readonly Activity[]): void {
  let changed = false
  for (const a of items) {
    if (inFlight.has(`${a.uuid}:like`) || inFlight.has(`${a.uuid}:repost`)) continue
    const next = flagsOf(a)
    const old = known.get(a.uuid)
    if (old && old.liked === next.liked && old.likes_count === next.likes_count && old.reposted === next.reposted && old.reposts_count === next.reposts_count) continue
    known.set(a.uuid, next)
    changed = true
  }
  if (changed) listeners.forEach((l) => l())
}

/** A page fetcher whose pages (and a crud page's own crud) prime the store. */
export function primed<P extends Page<Activity> & { activity?: Activity }>(fetch: (path: string, signal: AbortSignal) => Promise<P>) {
  return async (path: string, signal: AbortSignal): Promise<P> => {
    const page = await fetch(path, signal)
    primeActivities(page.activity ? [page.activity, ...page.items] : page.items)
    return page
  }
}

/** This crud's like/repost state and counts as the whole screen shows them. */
export function useActivityFlags(activity: Activity): Flags {
  const stored = useSyncExternalStore(subscribe, () => known.get(activity.uuid))
  return stored ?? flagsOf(activity)
}

/**
 * Flip the reader's like or repost of a crud at once, everywhere; send it, one request at a time per
 * crud and kind (quick clicks coalesce: the latest wish is sent afterwards); roll back on refusal.
 */
export function toggleFlag(activity: Activity, kind: FlagKind, commit: (on: boolean) => Promise<unknown>, onError?: (error: unknown) => void): void {
  const key = `${activity.uuid}:${kind}`
  const current = known.get(activity.uuid) ?? flagsOf(activity)
  const shown = flip(read(current, kind), !read(current, kind).on)
  publish(activity.uuid, write(current, kind, shown))
  if (!inFlight.has(key)) void send(activity.uuid, kind, read(current, kind), commit, onError)
}

async function send(uuid: string, kind: FlagKind, start: Toggle, commit: (on: boolean) => Promise<unknown>, onError?: (error: unknown) => void) {
  const key = `${uuid}:${kind}`
  const wish = () => read(known.get(uuid) as Flags, kind).on
  let confirmed = start
  inFlight.add(key)
  try {
    for (let on = wish(); ; on = wish()) {
      try {
        await commit(on)
      } catch (error) {
        publish(uuid, write(known.get(uuid) as Flags, kind, confirmed))
        onError?.(error)
        return
      }
      confirmed = flip(confirmed, on)
      if (wish() === confirmed.on) return
    }
  } finally {
    inFlight.delete(key)
  }
}

/** For tests: forget everything. */
export function resetActivityFlags(): void {
  known.clear()
  inFlight.clear()
}

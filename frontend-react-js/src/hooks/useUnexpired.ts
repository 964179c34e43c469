import { useEffect, useMemo, useState } from 'react'
import { parseTime } from '../lib/time'

type Expiring = { expires_at?: string | null }

/** The current time, re-read exactly when the next of these items runs out (and not in between). */
export function useExpiryClock(items: Expiring[]): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    let next = Infinity
    for (const item of items) {
      const at = item.expires_at ? parseTime(item.expires_at) : Infinity
      if (at > now) next = Math.min(next, at)
    }
    if (!Number.isFinite(next)) return
    const t = setTimeout(() => setNow(Date.now()), Math.min(Math.max(0, next - Date.now()) + 50, 2_147_000_000))
    return () => clearTimeout(t)
  }, [items, now])
  return now
}

export const isExpired = (item: Expiring, now: number): boolean => Boolean(item.expires_at) && parseTime(item.expires_at!) <= now

/** The items whose expiry is still ahead; re-renders exactly when the next one runs out. */
export function useUnexpired<T extends Expiring>(items: T[]): T[] {
  const now = useExpiryClock(items)
  return useMemo(() => items.filter((i) => !isExpired(i, now)), [items, now])
}

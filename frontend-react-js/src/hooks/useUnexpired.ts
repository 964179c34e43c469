import { useEffect, useMemo, useState } from 'react'
import { parseTime } from '../lib/time'

type Expiring = { expires_at?: string | null }

/** The items whose expiry is still ahead; re-renders exactly when the next one runs out. */
export function useUnexpired<T extends Expiring>(items: T[]): T[] {
  const [now, setNow] = useState(() => Date.now())
  const visible = useMemo(() => items.filter((i) => !i.expires_at || parseTime(i.expires_at) > now), [items, now])
  useEffect(() => {
    let next = Infinity
    for (const item of visible) {
      if (item.expires_at) next = Math.min(next, parseTime(item.expires_at))
    }
    if (!Number.isFinite(next)) return
    const t = setTimeout(() => setNow(Date.now()), Math.min(Math.max(0, next - Date.now()) + 50, 2_147_000_000))
    return () => clearTimeout(t)
  }, [visible])
  return visible
}

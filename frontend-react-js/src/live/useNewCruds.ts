import { useCallback, useMemo, useState } from 'react'
import type { LiveHomeEvent } from '../api/types'
import { useLiveEvent } from './LiveContext'

export type NewCruds = {
  /** How many cruds the stream announced that are not on screen (each crud once). */
  count: number
  /** Forget them (they are being loaded). */
  clear: () => void
}

/**
 * Live "N new cruds" on home (issue 18): the stream's `home` events name cruds that entered the reader's
 * home timeline. A crud counts once however many times it comes (a post and a repost of it, two reposts),
 * not at all while it is on screen (the fold: `onScreen` are the feed's uuids), and never when the reader
 * posted or reposted it (it is already on the page).
 */
export function useNewCruds(onScreen: readonly string[], me: string | undefined): NewCruds {
  const [announced, setAnnounced] = useState<readonly string[]>([])
  useLiveEvent('home', (event: LiveHomeEvent) => {
    if (!event?.activity_uuid || !me) return
    const mine = event.reposter_uuid ? event.reposter_uuid === me : event.author_uuid === me
    if (mine) return
    setAnnounced((seen) => (seen.includes(event.activity_uuid) ? seen : [...seen, event.activity_uuid]))
  })
  const count = useMemo(() => {
    const shown = new Set(onScreen)
    return announced.filter((uuid) => !shown.has(uuid)).length
  }, [announced, onScreen])
  const clear = useCallback(() => setAnnounced([]), [])
  return { count, clear }
}

import { useEffect, useRef, useState } from 'react'
import { parseTime, tickFor, timeLeft, timeLeftLong } from '../lib/time'
import { useNow } from './useNow'

export type Countdown = { msLeft: number; label: string; long: string; expired: boolean }

/** A live countdown to `expiresAt` that calls `onExpire` once when it reaches zero. */
export function useCountdown(expiresAt: string | null | undefined, onExpire?: () => void): Countdown | null {
  const target = expiresAt ? parseTime(expiresAt) : null
  const [granularity, setGranularity] = useState(() => (target === null ? 60_000 : tickFor(target - Date.now())))
  const now = useNow(granularity)
  const msLeft = target === null ? Infinity : target - now
  const wanted = target === null ? 60_000 : tickFor(msLeft)
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the tick of the useNow subscription; changes only when the countdown crosses a unit
    if (wanted !== granularity) setGranularity(wanted)
  }, [wanted, granularity])

  // Fired once per end: when the author moves the end, the new one arms the callback again.
  const fired = useRef<number | null>(null)
  const expired = target !== null && msLeft <= 0
  useEffect(() => {
    if (target === null || fired.current === target) return
    const remaining = target - Date.now()
    if (remaining <= 0) {
      fired.current = target
      onExpire?.()
      return
    }
    // A precise timer for the moment itself, independent of how coarse the display tick is.
    const t = setTimeout(() => {
      fired.current = target
      onExpire?.()
    }, Math.min(remaining, 2_147_000_000))
    return () => clearTimeout(t)
  }, [target, onExpire, expired])

  if (target === null) return null
  return { msLeft: Math.max(0, msLeft), label: timeLeft(msLeft), long: timeLeftLong(msLeft), expired }
}

import { useSyncExternalStore } from 'react'

/** One shared 1-second ticker for every countdown on the page. */
const listeners = new Set<() => void>()
let timer: ReturnType<typeof setInterval> | null = null

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  if (!timer) timer = setInterval(() => listeners.forEach((l) => l()), 1000)
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0 && timer) {
      clearInterval(timer)
      timer = null
    }
  }
}

/**
 * The current time, re-rendering only when it crosses a multiple of `granularityMs`, so a card that
 * shows "6d 23h" re-renders rarely while one that shows seconds re-renders every second.
 */
export function useNow(granularityMs = 1000): number {
  useSyncExternalStore(
    subscribe,
    () => Math.floor(Date.now() / granularityMs),
    () => Math.floor(Date.now() / granularityMs),
  )
  // eslint-disable-next-line react-hooks/purity -- reading the clock is this hook's job; the store above decides when to re-render
  return Date.now()
}

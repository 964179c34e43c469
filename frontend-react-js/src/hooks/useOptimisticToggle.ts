import { useCallback, useRef, useState } from 'react'
import { useLatest } from './useLatest'

export type ToggleState = { on: boolean; count: number }

function flip(state: ToggleState, on: boolean): ToggleState {
  if (state.on === on) return state
  return { on, count: Math.max(0, state.count + (on ? 1 : -1)) }
}

/**
 * A toggle with a counter (like, repost, follow) that updates at once and rolls back when the
 * server refuses. Clicks during a request are coalesced: the latest wish is sent afterwards.
 */
export function useOptimisticToggle(
  initial: ToggleState,
  commit: (on: boolean) => Promise<unknown>,
  onError?: (error: unknown) => void,
): { state: ToggleState; toggle: () => void; pending: boolean } {
  const [state, setState] = useState(initial)
  const [pending, setPending] = useState(false)
  const shown = useRef(initial)
  const confirmed = useRef(initial)
  const inFlight = useRef(false)
  const commitRef = useLatest(commit)
  const onErrorRef = useLatest(onError)

  const show = (next: ToggleState) => {
    shown.current = next
    setState(next)
  }

  const run = useCallback(async (wanted: boolean): Promise<void> => {
    // One request at a time; afterwards, the latest wish is sent if the server does not have it yet.
    for (let on = wanted; ; on = shown.current.on) {
      inFlight.current = true
      setPending(true)
      try {
        await commitRef.current(on)
        confirmed.current = flip(confirmed.current, on)
      } catch (error) {
        inFlight.current = false
        setPending(false)
        show(confirmed.current)
        onErrorRef.current?.(error)
        return
      }
      inFlight.current = false
      setPending(false)
      if (shown.current.on === confirmed.current.on) return
    }
  }, [commitRef, onErrorRef])

  const toggle = useCallback(() => {
    show(flip(shown.current, !shown.current.on))
    if (!inFlight.current) void run(shown.current.on)
  }, [run])

  return { state, toggle, pending }
}

import { useRef, type RefObject } from 'react'

/**
 * A ref that always holds the value of the latest render, for callbacks that run later (observers,
 * event listeners, effects keyed on other things) and must not re-subscribe when the value changes.
 */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value)
  // eslint-disable-next-line react-hooks/refs -- the "latest value" idiom: written during render so a callback that runs after this render sees this render's value; no render reads it
  ref.current = value
  return ref
}

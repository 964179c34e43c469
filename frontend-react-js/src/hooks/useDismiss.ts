import { useEffect, type RefObject } from 'react'
import { useLatest } from './useLatest'

/** While `open`, a press outside `ref` or the Escape key calls `onDismiss` (popovers and menus). */
export function useDismiss(ref: RefObject<HTMLElement | null>, open: boolean, onDismiss: (reason: 'outside' | 'escape') => void): void {
  const onDismissRef = useLatest(onDismiss)
  useEffect(() => {
    if (!open) return
    const outside = (e: Event) => {
      if (!ref.current?.contains(e.target as Node)) onDismissRef.current('outside')
    }
    const escape = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onDismissRef.current('escape')
    }
    document.addEventListener('mousedown', outside)
    document.addEventListener('keydown', escape)
    return () => {
      document.removeEventListener('mousedown', outside)
      document.removeEventListener('keydown', escape)
    }
  }, [open, ref, onDismissRef])
}

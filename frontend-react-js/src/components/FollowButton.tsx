import { useCallback, useState } from 'react'
import { errorMessage } from '../api/client'
import { setFollow } from '../api/users'
import { useOptimisticToggle } from '../hooks/useOptimisticToggle'
import { useToast } from './Toast'

/**
 * Follow / Following (Unfollow on hover or focus), optimistic with rollback. The accessible name is
 * the visible word and the handle, so the two always agree (axe `label-content-name-mismatch`).
 */
export function FollowButton({ handle, followed, small = false, onChange }: { handle: string; followed: boolean; small?: boolean; onChange?: (on: boolean) => void }) {
  const toast = useToast()
  const [hover, setHover] = useState(false)
  const commit = useCallback(
    async (on: boolean) => {
      await setFollow(handle, on)
      onChange?.(on)
    },
    [handle, onChange],
  )
  const { state, toggle } = useOptimisticToggle({ on: followed, count: 0 }, commit, (e) => toast.fail(errorMessage(e)))
  const label = state.on ? (hover ? 'Unfollow' : 'Following') : 'Follow'
  return (
    <button
      type="button"
      className={`btn ${state.on ? 'btn--ghost' : 'btn--light'} ${small ? 'btn--small' : ''} follow-btn`}
      aria-pressed={state.on}
      aria-label={`${label} @${handle}`}
      onClick={(e) => {
        e.stopPropagation()
        toggle()
      }}
      onMouseEnter={() => setHover(true)}
      onMouseLeave={() => setHover(false)}
      onFocus={() => setHover(true)}
      onBlur={() => setHover(false)}
    >
      {label}
    </button>
  )
}

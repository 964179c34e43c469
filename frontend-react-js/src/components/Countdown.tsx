import { useCountdown } from '../hooks/useCountdown'
import { formatFull } from '../lib/time'
import { BombIcon } from './Icons'

/** The bomb and the time a crud has left; ticks live and tells the parent when it hits zero. */
export function Countdown({ expiresAt, onExpire }: { expiresAt: string | null | undefined; onExpire?: () => void }) {
  const countdown = useCountdown(expiresAt, onExpire)
  if (!countdown || !expiresAt) return null
  const urgent = countdown.msLeft < 3_600_000
  return (
    <span className={urgent ? 'countdown countdown--urgent' : 'countdown'} title={`Expires ${formatFull(expiresAt)}`}>
      <BombIcon size={16} />
      <span aria-hidden="true">{countdown.label}</span>
      <span className="visually-hidden">{countdown.long}</span>
    </span>
  )
}

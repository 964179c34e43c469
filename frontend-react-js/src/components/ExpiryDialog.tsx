import { useEffect, useId, useRef, useState } from 'react'
import { errorMessage } from '../api/client'
import { changeExpiry } from '../api/activities'
import type { Activity } from '../api/types'
import { emit } from '../lib/events'
import { MAX_LIFE_MS, TTL_MS, TTL_OPTIONS, formatFull, parseTime, type Ttl } from '../lib/time'
import { Modal } from './Modal'
import { FormError } from './States'
import { useToast } from './Toast'

/**
 * "Change when it ends" for the author: a new end from now (never past 30 days after posting), or
 * "End now" after a confirmation (the same as deleting). A new end updates every copy on screen.
 */
export function ExpiryDialog({ activity, onClose, onEnded }: { activity: Activity; onClose: () => void; onEnded: () => void }) {
  const toast = useToast()
  const id = useId()
  const [choice, setChoice] = useState<Ttl | null>(null)
  const [confirmEnd, setConfirmEnd] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const latest = parseTime(activity.created_at) + MAX_LIFE_MS
  // eslint-disable-next-line react-hooks/purity -- which presets still fit is decided when the dialog opens
  const now = Date.now()

  const send = async (ttl: Ttl | 'now') => {
    setBusy(true)
    setError(null)
    try {
      const updated = await changeExpiry(activity.uuid, ttl)
      if (ttl === 'now' || !updated) {
        toast.notify('Crud ended')
        onEnded()
      } else {
        emit('activity:changed', { ...activity, ...updated })
        toast.notify(`It now ends ${formatFull(updated.expires_at)}`)
      }
      onClose()
    } catch (err) {
      setError(errorMessage(err))
      setBusy(false)
    }
  }

  // One dialog with two steps (focus stays inside it); the confirmation starts on Cancel.
  const cancelEnd = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (confirmEnd) cancelEnd.current?.focus()
  }, [confirmEnd])

  if (confirmEnd) {
    return (
      <Modal title="End this crud now?" onClose={onClose}>
        <p className="modal__text">It disappears for everyone now, with its replies, pictures, likes and reposts. This can’t be undone.</p>
        <FormError message={error} />
        <div className="modal__buttons">
          <button ref={cancelEnd} type="button" className="btn btn--ghost" onClick={() => setConfirmEnd(false)}>
            Cancel
          </button>
          <button type="button" className="btn btn--danger" onClick={() => void send('now')} disabled={busy}>
            {busy ? 'Ending…' : 'End now'}
          </button>
        </div>
      </Modal>
    )
  }
  return (
    <Modal title="Change when it ends" onClose={onClose}>
      <form
        className="form expiry-form"
        onSubmit={(e) => {
          e.preventDefault()
          if (choice) void send(choice)
        }}
      >
        <p className="modal__text">
          It ends now {formatFull(activity.expires_at)}. A crud can live at most 30 days from when it was posted: this one until {formatFull(new Date(latest).toISOString())}.
        </p>
        <fieldset className="choices">
          <legend className="choices__legend">End it, from now, after</legend>
          {TTL_OPTIONS.map((o) => {
            const tooLong = now + TTL_MS[o.value] > latest
            return (
              <label key={o.value} className={tooLong ? 'choice is-disabled' : 'choice'}>
                <input type="radio" name={`${id}-ttl`} value={o.value} checked={choice === o.value} disabled={tooLong} onChange={() => setChoice(o.value)} />
                {o.label}
                {tooLong ? <span className="muted small"> — past the 30-day limit</span> : null}
              </label>
            )
          })}
        </fieldset>
        <FormError message={error} />
        <div className="modal__buttons">
          <button type="button" className="btn btn--ghost expiry-form__end" onClick={() => setConfirmEnd(true)}>
            End now…
          </button>
          <button type="button" className="btn btn--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={!choice || busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Modal>
  )
}

import { useId, useState, type FormEvent } from 'react'
import { errorMessage } from '../api/client'
import { mute, setBlock, unmute } from '../api/safety'
import type { MuteDuration, RelationFlags } from '../api/types'
import { BlockIcon, FlagIcon, MuteIcon } from './Icons'
import { Menu, type MenuItem } from './Menu'
import { Modal } from './Modal'
import { ReportDialog } from './ReportDialog'
import { FormError } from './States'
import { useToast } from './Toast'

type Person = { uuid: string; handle: string }
type Dialog = 'block' | 'mute' | 'report' | null

export const MUTE_DURATIONS: { value: MuteDuration; label: string }[] = [
  { value: '1-hour', label: '1 hour' },
  { value: '1-day', label: '1 day' },
  { value: '7-days', label: '7 days' },
  { value: '30-days', label: '30 days' },
  { value: null, label: 'Until I unmute' },
]

/** Block / Unblock, Mute / Unmute and Report on someone else's profile. */
export function ProfileMenu({ person, flags, onFlags }: { person: Person; flags: RelationFlags; onFlags: (flags: RelationFlags) => void }) {
  const toast = useToast()
  const [dialog, setDialog] = useState<Dialog>(null)
  const at = `@${person.handle}`

  const undo = async (what: 'block' | 'mute') => {
    try {
      if (what === 'block') await setBlock(person.handle, false)
      else await unmute(person.handle)
      onFlags({ ...flags, [what === 'block' ? 'blocking' : 'muted']: false })
      toast.notify(what === 'block' ? `Unblocked ${at}` : `Unmuted ${at}`)
    } catch (error) {
      toast.fail(errorMessage(error))
    }
  }

  const items: MenuItem[] = [
    flags.muted
      ? { label: `Unmute ${at}`, icon: <MuteIcon size={18} />, onSelect: () => void undo('mute') }
      : { label: `Mute ${at}`, icon: <MuteIcon size={18} />, onSelect: () => setDialog('mute') },
    flags.blocking
      ? { label: `Unblock ${at}`, icon: <BlockIcon size={18} />, onSelect: () => void undo('block') }
      : { label: `Block ${at}`, icon: <BlockIcon size={18} />, onSelect: () => setDialog('block'), danger: true },
    { label: `Report ${at}`, icon: <FlagIcon size={18} />, onSelect: () => setDialog('report') },
  ]
  const close = () => setDialog(null)
  return (
    <>
      <Menu label={`More actions for ${at}`} className="btn btn--ghost btn--icon profile__more" iconSize={18} items={items} />
      {dialog === 'block' ? (
        <BlockDialog
          handle={person.handle}
          onClose={close}
          onDone={() => {
            close()
            onFlags({ ...flags, blocking: true })
            toast.notify(`Blocked ${at}`)
          }}
        />
      ) : null}
      {dialog === 'mute' ? (
        <MuteDialog
          handle={person.handle}
          onClose={close}
          onDone={(label) => {
            close()
            onFlags({ ...flags, muted: true })
            toast.notify(`Muted ${at} ${label}`)
          }}
        />
      ) : null}
      {dialog === 'report' ? <ReportDialog target={{ type: 'user', id: person.uuid }} subject={at} onClose={close} /> : null}
    </>
  )
}

function BlockDialog({ handle, onClose, onDone }: { handle: string; onClose: () => void; onDone: () => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const block = async () => {
    setBusy(true)
    setError(null)
    try {
      await setBlock(handle, true)
      onDone()
    } catch (err) {
      setError(errorMessage(err))
      setBusy(false)
    }
  }
  return (
    <Modal title={`Block @${handle}?`} onClose={onClose}>
      <div className="modal__text">
        <p>A block works both ways, at once:</p>
        <ul className="modal__list">
          <li>You won’t see each other’s cruds, replies or reposts anywhere, and their profile is hidden from you.</li>
          <li>Neither of you can follow, reply to, like, repost, mention or message the other. Follows between you are removed.</li>
          <li>@{handle} is not told. To them, your account looks as if it doesn’t exist.</li>
        </ul>
        <p>You can unblock at any time in Settings.</p>
      </div>
      <FormError message={error} />
      <div className="modal__buttons">
        <button type="button" className="btn btn--ghost" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button type="button" className="btn btn--danger" onClick={block} disabled={busy}>
          {busy ? 'Blocking…' : 'Block'}
        </button>
      </div>
    </Modal>
  )
}

function MuteDialog({ handle, onClose, onDone }: { handle: string; onClose: () => void; onDone: (label: string) => void }) {
  const [duration, setDuration] = useState<MuteDuration>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const id = useId()
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await mute(handle, duration)
      const label = MUTE_DURATIONS.find((d) => d.value === duration)?.label ?? ''
      onDone(duration === null ? 'until you unmute' : `for ${label}`)
    } catch (err) {
      setError(errorMessage(err))
      setBusy(false)
    }
  }
  return (
    <Modal title={`Mute @${handle}`} onClose={onClose}>
      <form className="form" onSubmit={submit} aria-label={`Mute @${handle}`}>
        <p className="modal__text">
          Their cruds and reposts leave your home, explore and search, and their likes, replies, mentions and follows stop
          notifying you. Direct messages still arrive. @{handle} is not told.
        </p>
        <fieldset className="choices choices--inline">
          <legend className="choices__legend">For how long?</legend>
          {MUTE_DURATIONS.map((d) => (
            <label key={d.label} className="choice">
              <input
                type="radio"
                name={`${id}-duration`}
                checked={duration === d.value}
                onChange={() => setDuration(d.value)}
                data-autofocus={d.value === null ? '' : undefined}
              />
              <span className="choice__label">{d.label}</span>
            </label>
          ))}
        </fieldset>
        <FormError message={error} />
        <div className="modal__buttons">
          <button type="button" className="btn btn--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy}>
            {busy ? 'Muting…' : 'Mute'}
          </button>
        </div>
      </form>
    </Modal>
  )
}

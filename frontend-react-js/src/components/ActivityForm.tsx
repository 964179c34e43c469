import { useId, useState, type FormEvent } from 'react'
import { errorMessage } from '../api/client'
import { createActivity } from '../api/activities'
import type { Activity } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { useMediaUploads } from '../hooks/useMediaUploads'
import { emit } from '../lib/events'
import { CRUD_MAX } from '../lib/text'
import { DEFAULT_TTL, type Ttl } from '../lib/time'
import { Avatar } from './Avatar'
import { CharCounter, canSend } from './CharCounter'
import { BombIcon } from './Icons'
import { AddPicturesButton, AttachmentList, DropZone } from './MediaPicker'
import { FormError } from './States'
import { TtlOptions } from './TtlOptions'

/**
 * Post a crud: up to 280 characters, up to 4 pictures with alt text, and how long it lives (the
 * person's default expiry from Settings, else 7 days, unless chosen otherwise).
 */
export function ActivityForm({ onPosted, autoFocus = false }: { onPosted?: (activity: Activity) => void; autoFocus?: boolean }) {
  const { me } = useAuth()
  const [text, setText] = useState('')
  // Until the person picks one, the composer follows their default (`me` may load after mounting).
  const [chosen, setChosen] = useState<Ttl | null>(null)
  const ttl = chosen ?? me?.default_ttl ?? DEFAULT_TTL
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const uploads = useMediaUploads()
  const id = useId()
  const ready = canSend(text, CRUD_MAX) && !uploads.block && !busy

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!ready) return
    setBusy(true)
    setError(null)
    try {
      const media = uploads.refs
      const activity = await createActivity({ message: text.trim(), ttl, ...(media.length ? { media } : {}) })
      setText('')
      setChosen(null)
      uploads.clear()
      emit('activity:created', activity)
      onPosted?.(activity)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="composer composer--crud" onSubmit={submit} aria-label="Post a crud">
      <DropZone uploads={uploads} className="composer__row">
        {me ? <Avatar url={me.avatar_url} handle={me.handle || 'me'} name={me.display_name} size={44} /> : null}
        <div className="composer__main">
          <label htmlFor={`${id}-text`} className="visually-hidden">
            What would you like to say?
          </label>
          <textarea
            id={`${id}-text`}
            className="composer__text"
            placeholder="What would you like to say?"
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={3}
            aria-describedby={`${id}-count`}
            autoFocus={autoFocus}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) void submit(e)
            }}
          />
          <AttachmentList uploads={uploads} />
          <FormError message={error} />
          <div className="composer__bar">
            <AddPicturesButton uploads={uploads} disabled={busy} />
            <label className="ttl-picker" htmlFor={`${id}-ttl`}>
              <BombIcon size={18} />
              <span className="visually-hidden">Expires after</span>
              <select id={`${id}-ttl`} value={ttl} onChange={(e) => setChosen(e.target.value as Ttl)}>
                <TtlOptions />
              </select>
            </label>
            <CharCounter text={text} max={CRUD_MAX} id={`${id}-count`} />
            <button type="submit" className="btn btn--primary" disabled={!ready} title={uploads.block ?? undefined}>
              {busy ? 'Posting…' : 'Crud'}
            </button>
          </div>
        </div>
      </DropZone>
    </form>
  )
}

import { useId, useState } from 'react'
import { createActivity } from '../api/activities'
import type { Activity } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { useComposer } from '../hooks/useComposer'
import { emit } from '../lib/events'
import { CRUD_MAX } from '../lib/text'
import { DEFAULT_TTL, type Ttl } from '../lib/time'
import { Avatar } from './Avatar'
import { CharCounter } from './CharCounter'
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
  // Until the person picks one, the composer follows their default (`me` may load after mounting).
  const [chosen, setChosen] = useState<Ttl | null>(null)
  const ttl = chosen ?? me?.default_ttl ?? DEFAULT_TTL
  const { text, setText, busy, error, uploads, ready, submit, textRef } = useComposer(
    CRUD_MAX,
    (draft) => createActivity({ ...draft, ttl }),
    (activity) => {
      setChosen(null)
      emit('activity:created', activity)
      onPosted?.(activity)
    },
  )
  const id = useId()

  return (
    <form className="composer composer--crud" onSubmit={submit} aria-label="Post a crud">
      <DropZone uploads={uploads} className="composer__row">
        {me ? <Avatar url={me.avatar_url} handle={me.handle || 'me'} name={me.display_name} size={44} /> : null}
        <div className="composer__main">
          <label htmlFor={`${id}-text`} className="visually-hidden">
            What would you like to say?
          </label>
          <textarea
            ref={textRef}
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

import { useId, useState, type FormEvent } from 'react'
import { errorMessage } from '../api/client'
import { createActivity } from '../api/activities'
import type { Activity } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { emit } from '../lib/events'
import { CRUD_MAX } from '../lib/text'
import { DEFAULT_TTL, TTL_OPTIONS, type Ttl } from '../lib/time'
import { Avatar } from './Avatar'
import { CharCounter, canSend } from './CharCounter'
import { BombIcon } from './Icons'
import { FormError } from './States'

/** Post a crud: up to 280 characters and how long it lives (7 days unless chosen otherwise). */
export function ActivityForm({ onPosted, autoFocus = false }: { onPosted?: (activity: Activity) => void; autoFocus?: boolean }) {
  const { me } = useAuth()
  const [text, setText] = useState('')
  const [ttl, setTtl] = useState<Ttl>(DEFAULT_TTL)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const id = useId()

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!canSend(text, CRUD_MAX) || busy) return
    setBusy(true)
    setError(null)
    try {
      const activity = await createActivity({ message: text.trim(), ttl })
      setText('')
      setTtl(DEFAULT_TTL)
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
      <div className="composer__row">
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
          <FormError message={error} />
          <div className="composer__bar">
            <label className="ttl-picker" htmlFor={`${id}-ttl`}>
              <BombIcon size={18} />
              <span className="visually-hidden">Expires after</span>
              <select id={`${id}-ttl`} value={ttl} onChange={(e) => setTtl(e.target.value as Ttl)}>
                {TTL_OPTIONS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            </label>
            <CharCounter text={text} max={CRUD_MAX} id={`${id}-count`} />
            <button type="submit" className="btn btn--primary" disabled={!canSend(text, CRUD_MAX) || busy}>
              {busy ? 'Posting…' : 'Crud'}
            </button>
          </div>
        </div>
      </div>
    </form>
  )
}

import { useId, useState, type FormEvent } from 'react'
import { errorMessage } from '../api/client'
import { replyTo } from '../api/activities'
import type { Activity } from '../api/types'
import { REPLY_MAX } from '../lib/text'
import { Avatar } from './Avatar'
import { CharCounter, canSend } from './CharCounter'
import { FormError } from './States'

/** Reply to a crud: shows the parent, a 1024-character textarea and the Reply button. */
export function ReplyForm({ parent, onDone, inline = false }: { parent: Activity; onDone: (reply: Activity) => void; inline?: boolean }) {
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const id = useId()

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!canSend(text, REPLY_MAX) || busy) return
    setBusy(true)
    setError(null)
    try {
      const reply = await replyTo(parent.uuid, text.trim())
      setText('')
      onDone(reply)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className={inline ? 'composer composer--inline' : 'composer'} onSubmit={submit}>
      {!inline ? (
        <div className="composer__parent">
          <Avatar url={parent.avatar_url} handle={parent.handle} name={parent.display_name} size={36} />
          <div>
            <p className="composer__parent-by">
              <strong>{parent.display_name}</strong> <span className="muted">@{parent.handle}</span>
            </p>
            <p className="composer__parent-text">{parent.message}</p>
          </div>
        </div>
      ) : null}
      <label htmlFor={`${id}-text`} className={inline ? 'visually-hidden' : 'composer__label'}>
        Replying to @{parent.handle}
      </label>
      <textarea
        id={`${id}-text`}
        className="composer__text"
        placeholder="What is your reply?"
        value={text}
        onChange={(e) => setText(e.target.value)}
        rows={inline ? 2 : 4}
        aria-describedby={`${id}-count`}
        autoFocus={!inline}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) void submit(e)
        }}
      />
      <FormError message={error} />
      <div className="composer__bar">
        <CharCounter text={text} max={REPLY_MAX} id={`${id}-count`} />
        <button type="submit" className="btn btn--primary" disabled={!canSend(text, REPLY_MAX) || busy}>
          {busy ? 'Replying…' : 'Reply'}
        </button>
      </div>
    </form>
  )
}

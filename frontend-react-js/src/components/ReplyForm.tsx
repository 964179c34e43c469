import { useId } from 'react'
import { replyTo } from '../api/activities'
import type { Activity } from '../api/types'
import { useComposer } from '../hooks/useComposer'
import { useCountdown } from '../hooks/useCountdown'
import { REPLY_MAX } from '../lib/text'
import { durationWords, formatFull } from '../lib/time'
import { Avatar } from './Avatar'
import { CharCounter } from './CharCounter'
import { AddPicturesButton, AttachmentList, DropZone } from './MediaPicker'
import { FormError } from './States'

/** Reply to a crud: the parent, a 1024-character textarea, up to 4 pictures, and when the reply ends. */
export function ReplyForm({ parent, onDone, inline = false }: { parent: Activity; onDone: (reply: Activity) => void; inline?: boolean }) {
  const { text, setText, busy, error, uploads, ready, submit, textRef } = useComposer(REPLY_MAX, (draft) => replyTo(parent.uuid, draft), onDone)
  const id = useId()

  return (
    <form className={inline ? 'composer composer--inline' : 'composer'} onSubmit={submit}>
      <DropZone uploads={uploads} className="composer__drop">
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
        ref={textRef}
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
      <AttachmentList uploads={uploads} />
      <FormError message={error} />
      <ReplyEnds expiresAt={parent.expires_at} />
      <div className="composer__bar">
        <AddPicturesButton uploads={uploads} disabled={busy} />
        <CharCounter text={text} max={REPLY_MAX} id={`${id}-count`} />
        <button type="submit" className="btn btn--primary" disabled={!ready} title={uploads.block ?? undefined}>
          {busy ? 'Replying…' : 'Reply'}
        </button>
      </div>
      </DropZone>
    </form>
  )
}

/** "Replies end with this crud — in 2 days, 3 hours (March 3, 2026 at 4:05 PM)", ticking. */
function ReplyEnds({ expiresAt }: { expiresAt: string | null | undefined }) {
  const countdown = useCountdown(expiresAt)
  if (!countdown || !expiresAt) return null
  const when = countdown.expired ? 'now' : `in ${durationWords(countdown.msLeft)}`
  return (
    <p className="composer__ends muted small">
      Replies end with this crud — {when} ({formatFull(expiresAt)})
    </p>
  )
}

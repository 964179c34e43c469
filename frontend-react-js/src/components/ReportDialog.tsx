import { useId, useState, type FormEvent } from 'react'
import { errorMessage } from '../api/client'
import { report } from '../api/safety'
import type { ReportCategory, ReportTargetType } from '../api/types'
import { charCount, REPORT_COMMENT_MAX } from '../lib/text'
import { Modal } from './Modal'
import { FormError } from './States'
import { TextAreaField } from './TextAreaField'

const CATEGORIES: { value: ReportCategory; label: string; hint: string }[] = [
  { value: 'spam', label: 'Spam', hint: 'Ads, scams, repeated or misleading posts.' },
  { value: 'harassment', label: 'Harassment', hint: 'Abuse, threats or hate aimed at someone.' },
  { value: 'illegal', label: 'Illegal', hint: 'Something that breaks the law.' },
  { value: 'other', label: 'Something else', hint: 'Tell us in the comment.' },
]

export type ReportTarget = { type: ReportTargetType; id: string }

/** Report a crud, a message or a person: a category, an optional comment, a calm confirmation. */
export function ReportDialog({ target, subject, onClose }: { target: ReportTarget; subject: string; onClose: () => void }) {
  const [category, setCategory] = useState<ReportCategory | null>(null)
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [sent, setSent] = useState(false)
  const id = useId()
  const valid = category !== null && charCount(comment) <= REPORT_COMMENT_MAX

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!valid || busy) return
    setBusy(true)
    setError(null)
    try {
      // 201 (new) and 200 (already reported by you, still open) are the same to the reporter.
      await report({ target, category, comment: comment.trim() || undefined })
      setSent(true)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  if (sent) {
    return (
      <Modal key="sent" title="Report sent" onClose={onClose}>
        <div role="status">
          <p className="modal__text">
            Thanks — a moderator will look at it. What you reported is kept until they decide, even if it would
            otherwise expire. You can also block or mute the account from its profile.
          </p>
        </div>
        <div className="modal__buttons">
          <button type="button" className="btn btn--primary" onClick={onClose} data-autofocus>
            Done
          </button>
        </div>
      </Modal>
    )
  }
  return (
    <Modal key="form" title={`Report ${subject}`} onClose={onClose}>
      <form className="form report-form" onSubmit={submit} aria-label={`Report ${subject}`}>
        <fieldset className="choices">
          <legend className="choices__legend">What is wrong with it?</legend>
          {CATEGORIES.map((c) => (
            <label key={c.value} className="choice">
              <input type="radio" name={`${id}-category`} value={c.value} checked={category === c.value} onChange={() => setCategory(c.value)} />
              <span className="choice__text">
                <span className="choice__label">{c.label}</span>
                <span className="choice__hint">{c.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <TextAreaField id={`${id}-comment`} label="Anything a moderator should know? (optional)" value={comment} onChange={setComment} max={REPORT_COMMENT_MAX} />
        <FormError message={error} />
        <div className="modal__buttons">
          <button type="button" className="btn btn--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={!valid || busy}>
            {busy ? 'Sending…' : 'Send report'}
          </button>
        </div>
      </form>
    </Modal>
  )
}

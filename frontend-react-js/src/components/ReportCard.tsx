import { useId, useState } from 'react'
import { Link } from 'react-router-dom'
import { errorMessage } from '../api/client'
import { resolveReport, unsuspend } from '../api/moderation'
import type { AuditEntry, ModeratedCrud, ModeratedMessage, ModeratedProfile, ModerationAction, Report } from '../api/types'
import { charCount, MODERATION_NOTE_MAX } from '../lib/text'
import { formatFull, timeAgo } from '../lib/time'
import { Modal } from './Modal'
import { FormError } from './States'
import { TextAreaField } from './TextAreaField'
import { useToast } from './Toast'

const CATEGORY_LABELS: Record<Report['category'], string> = { spam: 'Spam', harassment: 'Harassment', illegal: 'Illegal', other: 'Other' }
export const ACTION_LABELS: Record<AuditEntry['action'], string> = {
  dismiss: 'Dismissed',
  remove: 'Removed',
  suspend: 'Suspended',
  unsuspend: 'Unsuspended',
}

function When({ at }: { at: string }) {
  return (
    <time dateTime={at} title={formatFull(at)}>
      {timeAgo(at)}
    </time>
  )
}

/** One report as a moderator sees it: who, why, the content in its context, and what was done. */
export function ReportCard({ report, onResolved }: { report: Report; onResolved?: (report: Report) => void }) {
  const target = report.target
  const headingId = useId()
  return (
    <article className="report" aria-labelledby={headingId}>
      <header className="report__meta">
        <h2 className="report__title" id={headingId}>
          <span className={`report__category report__category--${report.category}`}>{CATEGORY_LABELS[report.category]}</span>{' '}
          {target.type === 'user' ? 'account' : target.type} by <Link to={`/@${target.user.handle}`}>@{target.user.handle}</Link>
        </h2>
        <p className="report__by muted small">
          Reported by <Link to={`/@${report.reporter.handle}`}>@{report.reporter.handle}</Link> · <When at={report.created_at} />
        </p>
      </header>
      {report.comment ? (
        <blockquote className="report__comment">
          <span className="visually-hidden">Reporter’s comment: </span>
          {report.comment}
        </blockquote>
      ) : null}
      <ReportContent report={report} />
      {report.resolution ? (
        <Resolution report={report} />
      ) : onResolved ? (
        <ResolveForm report={report} onResolved={onResolved} />
      ) : null}
    </article>
  )
}

function ReportContent({ report }: { report: Report }) {
  const { content, target } = report
  if (!content) return <p className="report__content muted">The content is no longer available.</p>
  if (target.type === 'crud') {
    const crud = content as ModeratedCrud
    return (
      <div className="report__content">
        <p className="report__who">
          <strong>{crud.author.display_name}</strong> <span className="muted">@{crud.author.handle}</span> · <When at={crud.created_at} />
          {crud.reply_to_activity_uuid ? <span className="pill">reply</span> : null}
          {crud.expired ? <span className="pill pill--warn">expired — kept for review</span> : null}
        </p>
        <p className="report__text">{crud.message}</p>
      </div>
    )
  }
  if (target.type === 'message') {
    const message = content as ModeratedMessage
    return (
      <ol className="report__content report__thread" aria-label="The message in its conversation">
        {report.context.map((m) => (
          <ThreadMessage key={m.uuid} m={m} />
        ))}
        <ThreadMessage m={message} reported />
      </ol>
    )
  }
  const profile = content as ModeratedProfile
  return (
    <div className="report__content">
      <p className="report__who">
        <strong>{profile.display_name}</strong> <span className="muted">@{profile.handle}</span>
      </p>
      {profile.bio ? <p className="report__text">{profile.bio}</p> : null}
    </div>
  )
}

function ThreadMessage({ m, reported = false }: { m: ModeratedMessage; reported?: boolean }) {
  return (
    <li className={reported ? 'report__message is-reported' : 'report__message'}>
      <span className="report__who">
        <strong>@{m.sender.handle}</strong> · <When at={m.created_at} />
        {reported ? <span className="pill pill--warn">reported</span> : null}
      </span>
      <span className="report__text">{m.message}</span>
    </li>
  )
}

function Resolution({ report }: { report: Report }) {
  const resolution = report.resolution!
  const toast = useToast()
  const [unsuspended, setUnsuspended] = useState(false)
  const [busy, setBusy] = useState(false)
  const handle = report.target.user.handle
  const lift = async () => {
    setBusy(true)
    try {
      await unsuspend(handle)
      setUnsuspended(true)
      toast.notify(`@${handle} can sign in again`)
    } catch (error) {
      toast.fail(errorMessage(error))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="report__resolution">
      <p>
        <strong>{ACTION_LABELS[resolution.action]}</strong> by @{resolution.moderator.handle} · <When at={resolution.resolved_at} />
      </p>
      {resolution.note ? <p className="muted">{resolution.note}</p> : null}
      {resolution.action === 'suspend' ? (
        unsuspended ? (
          <p className="muted" role="status">
            @{handle} is no longer suspended.
          </p>
        ) : (
          <button type="button" className="btn btn--ghost btn--small" onClick={lift} disabled={busy}>
            Unsuspend @{handle}
          </button>
        )
      ) : null}
    </div>
  )
}

const CONFIRM: Record<'remove' | 'suspend', (r: Report) => { title: string; text: string; button: string }> = {
  remove: (r) => ({
    title: `Remove this ${r.target.type}?`,
    text: `It disappears for everyone now, with what hangs off it (replies, likes, reposts). This can’t be undone.`,
    button: 'Remove',
  }),
  suspend: (r) => ({
    title: `Suspend @${r.target.user.handle}?`,
    text: 'They are signed out and can’t sign in, and everything they posted is hidden everywhere until you unsuspend them (from the Resolved tab).',
    button: 'Suspend',
  }),
}

function ResolveForm({ report, onResolved }: { report: Report; onResolved: (report: Report) => void }) {
  const toast = useToast()
  const id = useId()
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [confirm, setConfirm] = useState<'remove' | 'suspend' | null>(null)
  const tooLong = charCount(note) > MODERATION_NOTE_MAX

  const resolve = async (action: ModerationAction) => {
    setBusy(true)
    setError(null)
    try {
      const resolved = await resolveReport(report.id, { action, note: note.trim() })
      setConfirm(null)
      toast.notify(`Report ${ACTION_LABELS[action].toLowerCase()}`)
      onResolved(resolved)
    } catch (err) {
      setError(errorMessage(err))
      setBusy(false)
    }
  }
  const asking = confirm ? CONFIRM[confirm](report) : null
  return (
    <div className="report__actions">
      <TextAreaField id={`${id}-note`} label="Note for the audit log" value={note} onChange={setNote} max={MODERATION_NOTE_MAX} rows={2} />
      {!confirm ? <FormError message={error} /> : null}
      <div className="report__buttons" role="group" aria-label={`Resolve report ${report.id}`}>
        <button type="button" className="btn btn--ghost btn--small" onClick={() => void resolve('dismiss')} disabled={busy || tooLong}>
          Dismiss
        </button>
        {report.target.type !== 'user' ? (
          <button type="button" className="btn btn--danger btn--small" onClick={() => setConfirm('remove')} disabled={busy || tooLong || !report.content}>
            Remove {report.target.type}
          </button>
        ) : null}
        <button type="button" className="btn btn--danger btn--small" onClick={() => setConfirm('suspend')} disabled={busy || tooLong}>
          Suspend @{report.target.user.handle}
        </button>
      </div>
      {confirm && asking ? (
        <Modal title={asking.title} onClose={() => setConfirm(null)}>
          <p className="modal__text">{asking.text}</p>
          <FormError message={error} />
          <div className="modal__buttons">
            <button type="button" className="btn btn--ghost" onClick={() => setConfirm(null)} data-autofocus>
              Cancel
            </button>
            <button type="button" className="btn btn--danger" onClick={() => void resolve(confirm)} disabled={busy}>
              {busy ? 'Working…' : asking.button}
            </button>
          </div>
        </Modal>
      ) : null}
    </div>
  )
}

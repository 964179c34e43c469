import { memo, useCallback, useState, type MouseEvent } from 'react'
import { Link, useLocation, useNavigate } from 'react-router-dom'
import { errorMessage } from '../api/client'
import { deleteActivity, setLike, setRepost } from '../api/activities'
import type { Activity } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { toggleFlag, useActivityFlags } from '../hooks/useActivityFlags'
import { useNow } from '../hooks/useNow'
import { compactCount, plural } from '../lib/text'
import { formatFull, timeAgo } from '../lib/time'
import { Avatar } from './Avatar'
import { Countdown } from './Countdown'
import { ExpiryDialog } from './ExpiryDialog'
import { FlagIcon, HeartIcon, ReplyIcon, RepostIcon, ShareIcon, TimerIcon, TrashIcon } from './Icons'
import { MediaGrid } from './MediaGrid'
import { Menu } from './Menu'
import { Modal } from './Modal'
import { ReplyForm } from './ReplyForm'
import { ReportDialog } from './ReportDialog'
import { RichText } from './RichText'
import { useToast } from './Toast'

export const statusPath = (a: Pick<Activity, 'handle' | 'uuid'>) => `/@${a.handle}/status/${a.uuid}`

type Props = {
  activity: Activity
  /** Called when the crud is gone for this reader (deleted or expired). */
  onRemove?: (uuid: string) => void
  /** Called with the new reply after replying from this card. */
  onReplied?: (reply: Activity) => void
  detail?: boolean
  /** Replies hang off their parent and have no actions of their own beyond like/share/delete. */
  isReply?: boolean
}

/** A crud card. The card opens the crud page; its links and buttons never bubble to it. */
export const ActivityItem = memo(function ActivityItem({ activity, onRemove, onReplied, detail = false, isReply = false }: Props) {
  const navigate = useNavigate()
  const { me } = useAuth()
  const { reposted } = useActivityFlags(activity)
  const path = statusPath(activity)
  const reposter = activity.reposted_by
  const reposterIsMe = Boolean(reposter && me?.handle && reposter.handle.toLowerCase() === me.handle.toLowerCase())

  const openCard = (event: MouseEvent<HTMLElement>) => {
    if (detail) return
    const target = event.target as HTMLElement
    if (target.closest('a, button, input, textarea, select, dialog, label')) return
    if (window.getSelection()?.toString()) return
    if (event.metaKey || event.ctrlKey) window.open(path, '_blank', 'noopener')
    else navigate(path)
  }

  return (
    <article className={detail ? 'crud crud--detail' : 'crud'} onClick={openCard} aria-labelledby={`crud-${activity.uuid}-by`}>
      {/* One card per crud: the reader's own repost is named first, as home orders it (newest reason). */}
      {reposted && !isReply ? (
        <p className="crud__repost-note">
          <RepostIcon size={14} /> You reposted
        </p>
      ) : reposter && !reposterIsMe ? (
        <p className="crud__repost-note">
          <RepostIcon size={14} /> <Link to={`/@${reposter.handle}`}>{reposter.display_name}</Link> reposted
        </p>
      ) : null}
      <div className="crud__row">
        <Link to={`/@${activity.handle}`} className="crud__avatar" tabIndex={-1} aria-hidden="true">
          <Avatar url={activity.avatar_url} handle={activity.handle} name={activity.display_name} size={detail ? 56 : 48} />
        </Link>
        <div className="crud__body">
          <header className="crud__meta" id={`crud-${activity.uuid}-by`}>
            <span className="crud__who">
              <Link to={`/@${activity.handle}`} className="crud__name">
                {activity.display_name}
              </Link>
              <span className="crud__handle">@{activity.handle}</span>
              <span className="crud__dot" aria-hidden="true">
                ·
              </span>
              <Link to={path} className="crud__time" title={formatFull(activity.created_at)}>
                <TimeAgo value={activity.created_at} />
                <span className="visually-hidden"> — open crud</span>
              </Link>
            </span>
            <Countdown expiresAt={isReply ? null : activity.expires_at} onExpire={onRemove ? () => onRemove(activity.uuid) : undefined} />
          </header>
          <p className={detail ? 'crud__message crud__message--large' : 'crud__message'}>
            <RichText text={activity.message} />
          </p>
          <MediaGrid media={activity.media} />
          {detail ? <p className="crud__fulldate">{formatFull(activity.created_at)}</p> : null}
          <ActivityActions activity={activity} onRemove={onRemove} onReplied={onReplied} isReply={isReply} />
        </div>
      </div>
    </article>
  )
})

function ActivityActions({ activity, onRemove, onReplied, isReply }: Pick<Props, 'activity' | 'onRemove' | 'onReplied' | 'isReply'>) {
  const { status, me } = useAuth()
  const navigate = useNavigate()
  const location = useLocation()
  const toast = useToast()
  const [replying, setReplying] = useState(false)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [deleting, setDeleting] = useState(false)
  const [reporting, setReporting] = useState(false)
  const [changingEnd, setChangingEnd] = useState(false)
  const [replies, setReplies] = useState(activity.replies_count ?? 0)
  const signedIn = status === 'signedIn'
  const mine = signedIn && me?.handle?.toLowerCase() === activity.handle.toLowerCase()

  const fail = useCallback((error: unknown) => toast.fail(errorMessage(error)), [toast])
  const flags = useActivityFlags(activity)
  const like = {
    state: { on: flags.liked, count: flags.likes_count },
    toggle: () => toggleFlag(activity, 'like', (on) => setLike(activity.uuid, on), fail),
  }
  const repost = {
    state: { on: flags.reposted, count: flags.reposts_count },
    toggle: () => toggleFlag(activity, 'repost', (on) => setRepost(activity.uuid, on), fail),
  }

  const requireSignIn = (): boolean => {
    if (signedIn) return true
    navigate(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`)
    return false
  }

  const share = async () => {
    const url = new URL(statusPath(activity), window.location.origin).toString()
    try {
      await navigator.clipboard.writeText(url)
      toast.notify('Link copied to clipboard')
    } catch {
      window.prompt('Copy this link', url)
    }
  }

  const remove = async () => {
    setDeleting(true)
    try {
      await deleteActivity(activity.uuid)
      setConfirmDelete(false)
      toast.notify('Crud deleted')
      onRemove?.(activity.uuid)
    } catch (error) {
      fail(error)
    } finally {
      setDeleting(false)
    }
  }

  const name = `@${activity.handle}'s crud`
  return (
    <div className={isReply ? 'crud__actions crud__actions--reply' : 'crud__actions'} role="group" aria-label={`Actions for ${name}`}>
      {!isReply ? (
        <button type="button" className="action action--reply" onClick={() => requireSignIn() && setReplying(true)} aria-label={`Reply, ${plural(replies, 'reply', 'replies')}`}>
          <ReplyIcon size={18} />
          <span aria-hidden="true">{replies > 0 ? compactCount(replies) : ''}</span>
        </button>
      ) : null}
      {!isReply ? (
        <button
          type="button"
          className={repost.state.on ? 'action action--repost is-on' : 'action action--repost'}
          aria-pressed={repost.state.on}
          onClick={() => requireSignIn() && repost.toggle()}
          aria-label={`Repost, ${plural(repost.state.count, 'repost')}`}
        >
          <RepostIcon size={18} />
          <span aria-hidden="true">{repost.state.count > 0 ? compactCount(repost.state.count) : ''}</span>
        </button>
      ) : null}
      <button
        type="button"
        className={like.state.on ? 'action action--like is-on' : 'action action--like'}
        aria-pressed={like.state.on}
        onClick={() => requireSignIn() && like.toggle()}
        aria-label={`Like, ${plural(like.state.count, 'like')}`}
      >
        <HeartIcon size={18} filled={like.state.on} />
        <span aria-hidden="true">{like.state.count > 0 ? compactCount(like.state.count) : ''}</span>
      </button>
      <button type="button" className="action action--share" onClick={share} aria-label="Copy link to this crud">
        <ShareIcon size={18} />
      </button>
      {mine ? (
        <button type="button" className="action action--delete" onClick={() => setConfirmDelete(true)} aria-label="Delete this crud">
          <TrashIcon size={18} />
        </button>
      ) : null}
      {mine && !isReply ? (
        <Menu
          label="More actions for your crud"
          className="action action--more"
          iconSize={18}
          items={[{ label: 'Change when it ends', icon: <TimerIcon size={18} />, onSelect: () => setChangingEnd(true) }]}
        />
      ) : null}
      {mine ? null : (
        <Menu
          label={`More actions for ${name}`}
          className="action action--more"
          iconSize={18}
          items={[{ label: isReply ? 'Report reply' : 'Report crud', icon: <FlagIcon size={18} />, onSelect: () => requireSignIn() && setReporting(true) }]}
        />
      )}

      {replying ? (
        <Modal title="Reply" onClose={() => setReplying(false)}>
          <ReplyForm
            parent={activity}
            onDone={(reply) => {
              setReplying(false)
              setReplies((n) => n + 1)
              toast.notify('Reply sent')
              onReplied?.(reply)
            }}
          />
        </Modal>
      ) : null}
      {reporting ? <ReportDialog target={{ type: 'crud', id: activity.uuid }} subject={isReply ? `@${activity.handle}'s reply` : name} onClose={() => setReporting(false)} /> : null}
      {changingEnd ? <ExpiryDialog activity={activity} onClose={() => setChangingEnd(false)} onEnded={() => onRemove?.(activity.uuid)} /> : null}
      {confirmDelete ? (
        <Modal title="Delete crud?" onClose={() => setConfirmDelete(false)}>
          <p className="modal__text">It disappears for everyone now, with its replies, likes and reposts. This can’t be undone.</p>
          <div className="modal__buttons">
            <button type="button" className="btn btn--ghost" onClick={() => setConfirmDelete(false)} data-autofocus>
              Cancel
            </button>
            <button type="button" className="btn btn--danger" onClick={remove} disabled={deleting}>
              {deleting ? 'Deleting…' : 'Delete'}
            </button>
          </div>
        </Modal>
      ) : null}
    </div>
  )
}

/** "now", "5m", "3h"…, kept current by the one shared clock (a re-render every 30 s at most). */
function TimeAgo({ value }: { value: string }) {
  const now = useNow(30_000)
  return <time dateTime={value}>{timeAgo(value, now)}</time>
}

import { useCallback, useEffect, useState } from 'react'
import { Link, useLocation } from 'react-router-dom'
import { activityPaths, firstPage, userActivitiesPage } from '../api/activities'
import { setBlock } from '../api/safety'
import { getShort } from '../api/users'
import { errorMessage } from '../api/client'
import type { Activity, Profile, RelationFlags } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { ActivityFeed } from '../components/ActivityFeed'
import { Avatar } from '../components/Avatar'
import { FollowButton } from '../components/FollowButton'
import { MailIcon } from '../components/Icons'
import { Modal } from '../components/Modal'
import { PageHeader } from '../components/PageHeader'
import { ProfileForm } from '../components/ProfileForm'
import { ProfileMenu } from '../components/ProfileMenu'
import { RichText } from '../components/RichText'
import { EmptyState, ErrorState, Spinner } from '../components/States'
import { useToast } from '../components/Toast'
import { useAsync } from '../hooks/useAsync'
import { primed } from '../hooks/useActivityFlags'
import { usePagedList } from '../hooks/usePagedList'
import { useTitle } from '../hooks/useTitle'
import { on } from '../lib/events'
import { keepValue, keptValue } from '../lib/kept'
import { plural } from '../lib/text'

const primedUserPage = primed(userActivitiesPage)

/** A person's profile, their cruds and reposts (kept for Back, the header with them). */
export default function UserPage({ handle }: { handle: string }) {
  const keepAs = useLocation().key
  const profileKey = `${keepAs} @${handle.toLowerCase()}`
  const [profile, setProfile] = useState<Profile | null>(() => keptValue<Profile>(profileKey) ?? null)
  useEffect(() => {
    if (profile) keepValue(profileKey, profile)
  }, [profileKey, profile])
  const { me, status } = useAuth()
  const signedIn = status === 'signedIn'
  const isMe = signedIn && me?.handle?.toLowerCase() === handle.toLowerCase()
  // The reader's block and mute of this person (the profile itself comes from the activity service).
  const { data: short, setData: setShort } = useAsync((signal) => getShort(handle, signal), [handle], signedIn && !isMe)
  const flags: RelationFlags = { blocking: Boolean(short?.blocking), muted: Boolean(short?.muted) }
  const setFlags = useCallback(
    (next: RelationFlags) => {
      setShort((prev) => (prev ? { ...prev, ...next } : prev))
      // A block removes the follows between the two.
      if (next.blocking) setProfile((p) => (p?.followed ? { ...p, followed: false, followers_count: Math.max(0, p.followers_count - 1) } : p))
    },
    [setShort],
  )
  useTitle(profile ? `${profile.display_name} (@${profile.handle})` : `@${handle}`)

  // eslint-disable-next-line react-hooks/set-state-in-effect -- the route reuses this page for another item: forget the previous one (a `key` would remount it)
  useEffect(() => setProfile((p) => (p && p.handle.toLowerCase() === handle.toLowerCase() ? p : null)), [handle])
  const fetchPage = useCallback(async (path: string, signal: AbortSignal) => {
    const page = await primedUserPage(path, signal)
    if (page.profile) setProfile(page.profile)
    return page
  }, [])
  const list = usePagedList<Activity>(status === 'loading' ? null : firstPage(activityPaths.user(handle)), fetchPage, undefined, { keepAs })
  const { setItems } = list
  // A saved profile renames the person's own cards at once, not on the next load (issue 18 finding 6).
  const onProfileChange = useCallback(
    (next: Profile) => {
      setProfile(next)
      const own = next.handle.toLowerCase()
      setItems((items) =>
        items.map((a) => (a.handle.toLowerCase() === own && (a.display_name !== next.display_name || a.avatar_url !== next.avatar_url) ? { ...a, display_name: next.display_name, avatar_url: next.avatar_url } : a)),
      )
    },
    [setItems],
  )

  useEffect(
    () =>
      on('activity:created', (a) => {
        if (!isMe) return
        setItems((items) => [a, ...items])
        setProfile((p) => (p ? { ...p, cruds_count: p.cruds_count + 1 } : p))
      }),
    [isMe, setItems],
  )

  if (list.status === 'error') {
    const notFound = (list.error as { status?: number })?.status === 404
    return (
      <>
        <PageHeader title={`@${handle}`} back />
        {notFound ? (
          <EmptyState title="This account doesn’t exist">
            Try searching for another. <Link to="/search">Search</Link>
            {signedIn ? (
              <p className="muted small">
                People you have blocked are listed in <Link to="/settings/blocked">Settings</Link>.
              </p>
            ) : null}
          </EmptyState>
        ) : (
          <ErrorState error={list.error} onRetry={list.reload} />
        )}
      </>
    )
  }
  if (!profile) {
    return (
      <>
        <PageHeader title={`@${handle}`} back />
        <Spinner label="Loading profile" />
      </>
    )
  }
  return (
    <>
      <PageHeader title={profile.display_name} subtitle={plural(profile.cruds_count ?? 0, 'crud')} back />
      <ProfileHeading profile={profile} isMe={isMe} signedIn={signedIn} onChange={onProfileChange} flags={flags} onFlags={setFlags} />
      {flags.blocking ? (
        <BlockedNotice handle={profile.handle} onUnblocked={() => setFlags({ ...flags, blocking: false })} />
      ) : (
        <ActivityFeed
          list={list}
          label={`Cruds by @${profile.handle}`}
          empty={<EmptyState title={isMe ? 'You haven’t crudded yet' : `@${profile.handle} has nothing live right now`}>{isMe ? 'Say something — it won’t last forever.' : 'Cruds expire; check back later.'}</EmptyState>}
        />
      )}
    </>
  )
}

/** What the blocker sees in place of the cruds right after blocking (on reload the profile is gone). */
function BlockedNotice({ handle, onUnblocked }: { handle: string; onUnblocked: () => void }) {
  const toast = useToast()
  const [busy, setBusy] = useState(false)
  const unblock = async () => {
    setBusy(true)
    try {
      await setBlock(handle, false)
      toast.notify(`Unblocked @${handle}`)
      onUnblocked()
    } catch (error) {
      toast.fail(errorMessage(error))
      setBusy(false)
    }
  }
  return (
    <EmptyState title={`You blocked @${handle}`}>
      <p>You won’t see each other’s cruds, and neither of you can interact with the other. They are not told.</p>
      <button type="button" className="btn btn--ghost" onClick={unblock} disabled={busy}>
        {busy ? 'Unblocking…' : `Unblock @${handle}`}
      </button>
    </EmptyState>
  )
}

type HeadingProps = {
  profile: Profile
  isMe: boolean
  signedIn: boolean
  onChange: (p: Profile) => void
  flags: RelationFlags
  onFlags: (flags: RelationFlags) => void
}

function ProfileHeading({ profile, isMe, signedIn, onChange, flags, onFlags }: HeadingProps) {
  const [editing, setEditing] = useState(false)
  const onFollow = useCallback(
    (on: boolean) => onChange({ ...profile, followed: on, followers_count: Math.max(0, (profile.followers_count ?? 0) + (on ? 1 : -1)) }),
    [onChange, profile],
  )
  return (
    <section className="profile" aria-label="Profile">
      <div className="profile__banner" aria-hidden="true" />
      <div className="profile__top">
        <div className="profile__avatar">
          <Avatar url={profile.avatar_url} handle={profile.handle} name={profile.display_name} size={128} />
        </div>
        <div className="profile__buttons">
          {isMe ? (
            <button type="button" className="btn btn--ghost" onClick={() => setEditing(true)}>
              Edit profile
            </button>
          ) : signedIn ? (
            <>
              <ProfileMenu person={profile} flags={flags} onFlags={onFlags} />
              {!flags.blocking ? (
                <>
                  <Link to={`/messages/new/${profile.handle}`} className="btn btn--ghost btn--icon" aria-label={`Message @${profile.handle}`}>
                    <MailIcon size={18} /> <span className="hide-narrow">Message</span>
                  </Link>
                  <FollowButton key={String(profile.followed)} handle={profile.handle} followed={Boolean(profile.followed)} onChange={onFollow} />
                </>
              ) : null}
            </>
          ) : (
            <Link to={`/signin?next=${encodeURIComponent(`/@${profile.handle}`)}`} className="btn btn--light">
              Follow
            </Link>
          )}
        </div>
      </div>
      <div className="profile__info">
        <h2 className="profile__name">{profile.display_name}</h2>
        <p className="profile__handle">@{profile.handle}</p>
        {profile.bio ? (
          <p className="profile__bio">
            <RichText text={profile.bio} />
          </p>
        ) : null}
        <p className="profile__counts">
          <span>
            <strong>{(profile.cruds_count ?? 0).toLocaleString()}</strong> {profile.cruds_count === 1 ? 'Crud' : 'Cruds'}
          </span>
          <Link to={`/@${profile.handle}/following`}>
            <strong>{(profile.following_count ?? 0).toLocaleString()}</strong> Following
          </Link>
          <Link to={`/@${profile.handle}/followers`}>
            <strong>{(profile.followers_count ?? 0).toLocaleString()}</strong> {profile.followers_count === 1 ? 'Follower' : 'Followers'}
          </Link>
        </p>
      </div>
      {editing ? (
        <Modal title="Edit profile" onClose={() => setEditing(false)}>
          <ProfileForm
            profile={profile}
            onSaved={(p) => {
              onChange({ ...profile, ...p })
            }}
            onClose={() => setEditing(false)}
          />
        </Modal>
      ) : null}
    </section>
  )
}

import type { ReactNode } from 'react'
import { Link } from 'react-router-dom'
import type { Person } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { Avatar } from './Avatar'
import { FollowButton } from './FollowButton'

type Props = {
  person: Pick<Person, 'handle' | 'display_name'> & { avatar_url?: string | null; followed?: boolean | null }
  compact?: boolean
  bio?: ReactNode
  /** Replaces the follow button (e.g. Unblock in Settings). */
  action?: ReactNode
}

/** A person in a list (suggestions, followers, search) with a follow button or another action. */
export function PersonRow({ person, compact = false, bio, action }: Props) {
  const { me, status } = useAuth()
  const isMe = me?.handle?.toLowerCase() === person.handle.toLowerCase()
  return (
    <div className={compact ? 'person person--compact' : 'person'}>
      <Link to={`/@${person.handle}`} className="person__link">
        <Avatar url={person.avatar_url} handle={person.handle} name={person.display_name} size={compact ? 40 : 48} />
        <span className="person__text">
          <span className="person__name">{person.display_name}</span>
          <span className="person__handle">@{person.handle}</span>
          {bio ? <span className="person__bio">{bio}</span> : null}
        </span>
      </Link>
      {action ?? (status === 'signedIn' && !isMe ? <FollowButton handle={person.handle} followed={Boolean(person.followed)} small /> : null)}
    </div>
  )
}

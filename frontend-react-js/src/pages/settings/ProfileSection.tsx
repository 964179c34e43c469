import { Link } from 'react-router-dom'
import { useAuth } from '../../auth/AuthContext'
import { Avatar } from '../../components/Avatar'

/** Settings → Profile: who you are here; name, bio and avatar are edited on your profile page. */
export function ProfileSection() {
  const { me } = useAuth()
  if (!me) return null
  return (
    <section className="settings-section pad" aria-labelledby="profile-title">
      <h2 id="profile-title" className="settings-section__title">
        Profile
      </h2>
      <div className="settings-profile">
        <Avatar url={me.avatar_url} handle={me.handle} name={me.display_name} size={64} />
        <div>
          <p className="settings-profile__name">{me.display_name}</p>
          <p className="muted">@{me.handle}</p>
          {me.email ? <p className="muted">{me.email}</p> : null}
        </div>
      </div>
      <p className="muted">Your display name, bio and avatar are edited on your profile page.</p>
      <Link to={`/@${me.handle}`} className="btn btn--ghost">
        Edit profile
      </Link>
    </section>
  )
}

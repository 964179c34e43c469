import { Suspense, useEffect, useRef, useState } from 'react'
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom'
import { useAuth } from '../auth/AuthContext'
import { useDismiss } from '../hooks/useDismiss'
import { useLive } from '../live/LiveContext'
import { ActivityForm } from './ActivityForm'
import { Avatar } from './Avatar'
import { BellIcon, CompassIcon, FeatherIcon, HomeIcon, Logo, LogoutIcon, MailIcon, MoreIcon, SearchIcon, SettingsIcon, ShieldIcon, UserIcon } from './Icons'
import { Modal } from './Modal'
import { Sidebar } from './Sidebar'
import { Spinner } from './States'
import { useToast } from './Toast'

/** The three-column shell: navigation, the page, and the sidebar (bottom tabs on phones). */
export function Layout() {
  const [composing, setComposing] = useState(false)
  const { status } = useAuth()
  const location = useLocation()
  const mainRef = useRef<HTMLElement>(null)
  const toast = useToast()

  // A new page starts at the top, and screen readers start reading at its content.
  const firstRender = useRef(true)
  useEffect(() => {
    window.scrollTo(0, 0)
    if (firstRender.current) firstRender.current = false
    else mainRef.current?.focus({ preventScroll: true })
  }, [location.pathname])

  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <MobileHeader />
      <Navigation onCrud={() => setComposing(true)} />
      <main id="main" ref={mainRef} className="shell__main" tabIndex={-1}>
        <Suspense fallback={<Spinner label="Loading page" />}>
          <Outlet />
        </Suspense>
      </main>
      <Sidebar />
      <MobileTabs />
      {status === 'signedIn' && !location.pathname.startsWith('/messages') ? (
        <button type="button" className="fab" onClick={() => setComposing(true)} aria-label="Post a crud">
          <FeatherIcon />
        </button>
      ) : null}
      {composing ? (
        <ComposerDialog
          onClose={() => setComposing(false)}
          onPosted={() => {
            setComposing(false)
            toast.notify('Crud posted')
          }}
        />
      ) : null}
    </div>
  )
}

/**
 * The composer in a dialog. Escape, the close button or a press outside ask before a typed draft (text or
 * pictures) is thrown away; an empty composer just closes.
 */
function ComposerDialog({ onClose, onPosted }: { onClose: () => void; onPosted: () => void }) {
  const [confirming, setConfirming] = useState(false)
  const body = useRef<HTMLDivElement>(null)
  const requestClose = () => {
    const typed = Boolean(body.current?.querySelector('textarea')?.value.trim())
    const pictures = Boolean(body.current?.querySelector('.attachment'))
    if (typed || pictures) setConfirming(true)
    else onClose()
  }
  return (
    <Modal title="New crud" onClose={requestClose}>
      <div ref={body}>
        <ActivityForm autoFocus onPosted={onPosted} />
      </div>
      {confirming ? (
        <Modal title="Discard this crud?" onClose={() => setConfirming(false)}>
          <p className="modal__text">What you wrote will be lost.</p>
          <div className="modal__buttons">
            <button type="button" className="btn btn--ghost" onClick={() => setConfirming(false)} data-autofocus>
              Keep writing
            </button>
            <button type="button" className="btn btn--danger" onClick={onClose}>
              Discard
            </button>
          </div>
        </Modal>
      ) : null}
    </Modal>
  )
}

function Navigation({ onCrud }: { onCrud: () => void }) {
  const { status, me } = useAuth()
  const { unread, unreadMessages } = useLive()
  const signedIn = status === 'signedIn'
  return (
    <header className="shell__nav">
      <div className="nav">
        <Link to="/" className="nav__logo" aria-label="Cruddur home">
          <Logo />
          <span className="nav__wordmark">Cruddur</span>
        </Link>
        <nav aria-label="Main">
          <ul className="nav__list">
            <NavItem to="/" icon={<HomeIcon />} label="Home" end />
            <NavItem to="/explore" icon={<CompassIcon />} label="Explore" />
            <NavItem to="/search" icon={<SearchIcon />} label="Search" />
            {signedIn ? (
              <>
                <NavItem to="/notifications" icon={<BellIcon />} label="Notifications" badge={unread} />
                <NavItem to="/messages" icon={<MailIcon />} label="Messages" badge={unreadMessages} />
                {me?.handle ? <NavItem to={`/@${me.handle}`} icon={<UserIcon />} label="Profile" end /> : null}
                <NavItem to="/settings" icon={<SettingsIcon />} label="Settings" />
                {me?.moderator ? <NavItem to="/moderation" icon={<ShieldIcon />} label="Moderation" /> : null}
              </>
            ) : null}
            <NavItem to="/about" icon={<MoreIcon />} label="About" />
          </ul>
        </nav>
        {signedIn ? (
          <button type="button" className="btn btn--primary btn--block nav__crud" onClick={onCrud} aria-haspopup="dialog">
            Crud
          </button>
        ) : (
          <div className="nav__guest">
            <Link to="/signup" className="btn btn--primary btn--block">
              Join now
            </Link>
            <Link to="/signin" className="btn btn--ghost btn--block">
              Sign in
            </Link>
          </div>
        )}
        {signedIn && me ? <ProfileInfo /> : null}
      </div>
    </header>
  )
}

/** A navigation icon with its unread badge (the count is said to screen readers by the link). */
function NavIcon({ icon, badge }: { icon: React.ReactNode; badge: number }) {
  return (
    <span className="nav__icon">
      {icon}
      {badge > 0 ? (
        <span className="badge" aria-hidden="true">
          {badge > 99 ? '99+' : badge}
        </span>
      ) : null}
    </span>
  )
}

function NavItem({ to, icon, label, end, badge = 0 }: { to: string; icon: React.ReactNode; label: string; end?: boolean; badge?: number }) {
  return (
    <li>
      <NavLink to={to} end={end} title={label} className={({ isActive }) => (isActive ? 'nav__link is-active' : 'nav__link')}>
        <NavIcon icon={icon} badge={badge} />
        <span className="nav__label">{label}</span>
        {badge > 0 ? <span className="visually-hidden">, {badge} unread</span> : null}
      </NavLink>
    </li>
  )
}

function ProfileInfo() {
  const { me, signOut } = useAuth()
  const navigate = useNavigate()
  const [open, setOpen] = useState(false)
  const ref = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  useDismiss(ref, open, (reason) => {
    setOpen(false)
    if (reason === 'escape') button.current?.focus() // Escape returns to the button, not to <body>
  })
  if (!me) return null
  return (
    <div className="profile-info" ref={ref}>
      <button ref={button} type="button" className="profile-info__button" aria-expanded={open} aria-haspopup="true" onClick={() => setOpen((v) => !v)}>
        <Avatar url={me.avatar_url} handle={me.handle || 'me'} name={me.display_name} size={40} />
        <span className="profile-info__text">
          <span className="profile-info__name">{me.display_name || 'You'}</span>
          <span className="profile-info__handle">@{me.handle}</span>
        </span>
        <MoreIcon size={18} />
      </button>
      {open ? (
        <div className="profile-info__menu">
          <Link to={`/@${me.handle}`} className="menu-item" onClick={() => setOpen(false)}>
            <UserIcon size={18} /> Your profile
          </Link>
          <Link to="/settings" className="menu-item" onClick={() => setOpen(false)}>
            <SettingsIcon size={18} /> Settings
          </Link>
          <button
            type="button"
            className="menu-item"
            onClick={async () => {
              setOpen(false)
              await signOut()
              navigate('/')
            }}
          >
            <LogoutIcon size={18} /> Sign out @{me.handle}
          </button>
        </div>
      ) : null}
    </div>
  )
}

function MobileHeader() {
  const { status, me, signOut } = useAuth()
  const navigate = useNavigate()
  return (
    // A banner landmark of its own: on phones the navigation's header is hidden.
    <header className="mobile-header">
      <Link to="/" className="nav__logo" aria-label="Cruddur home">
        <Logo size={30} />
        <span className="nav__wordmark">Cruddur</span>
      </Link>
      {status === 'signedIn' && me ? (
        <span className="mobile-header__actions">
          {me.moderator ? (
            <Link to="/moderation" className="icon-btn" aria-label="Moderation">
              <ShieldIcon />
            </Link>
          ) : null}
          <Link to="/settings" className="icon-btn" aria-label="Settings">
            <SettingsIcon />
          </Link>
          <button
            type="button"
            className="btn btn--ghost btn--small"
            onClick={async () => {
              await signOut()
              navigate('/')
            }}
          >
            Sign out
          </button>
        </span>
      ) : status === 'signedOut' ? (
        <Link to="/signin" className="btn btn--ghost btn--small">
          Sign in
        </Link>
      ) : null}
    </header>
  )
}

function MobileTabs() {
  const { status, me } = useAuth()
  const { unread, unreadMessages } = useLive()
  const signedIn = status === 'signedIn'
  const tab = (to: string, icon: React.ReactNode, label: string, end = false, badge = 0) => (
    <NavLink to={to} end={end} className={({ isActive }) => (isActive ? 'tab is-active' : 'tab')} aria-label={badge ? `${label}, ${badge} unread` : label}>
      <NavIcon icon={icon} badge={badge} />
    </NavLink>
  )
  return (
    <nav className="mobile-tabs" aria-label="Main (mobile)">
      {tab('/', <HomeIcon />, 'Home', true)}
      {tab('/explore', <CompassIcon />, 'Explore')}
      {tab('/search', <SearchIcon />, 'Search')}
      {signedIn ? tab('/notifications', <BellIcon />, 'Notifications', false, unread) : null}
      {signedIn ? tab('/messages', <MailIcon />, 'Messages', false, unreadMessages) : null}
      {signedIn && me?.handle ? tab(`/@${me.handle}`, <UserIcon />, 'Profile', true) : tab('/signup', <UserIcon />, 'Join')}
    </nav>
  )
}

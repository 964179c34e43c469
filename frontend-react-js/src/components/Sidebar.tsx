import { useState, type FormEvent } from 'react'
import { Link, useLocation, useNavigate } from 'react-router-dom'
import { trending } from '../api/activities'
import { suggested } from '../api/users'
import { useAuth } from '../auth/AuthContext'
import { useAsync } from '../hooks/useAsync'
import { plural } from '../lib/text'
import { PersonRow } from './PersonRow'
import { SearchIcon } from './Icons'
import { Spinner } from './States'

export function Sidebar() {
  const { status } = useAuth()
  const location = useLocation()
  return (
    <aside className="shell__side" aria-label="Sidebar">
      {location.pathname !== '/search' ? <SearchBox /> : null}
      {status === 'signedOut' ? <JoinSection /> : null}
      <Trending />
      {status === 'signedIn' ? <Suggested /> : null}
      <footer className="side-footer">
        <Link to="/about">About</Link>
        <Link to="/terms">Terms of Service</Link>
        <Link to="/privacy">Privacy Policy</Link>
        <span>© {new Date().getFullYear()} Cruddur</span>
      </footer>
    </aside>
  )
}

export function SearchBox({ initial = '', autoFocus = false }: { initial?: string; autoFocus?: boolean }) {
  const [term, setTerm] = useState(initial)
  const navigate = useNavigate()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (term.trim()) navigate(`/search?term=${encodeURIComponent(term.trim())}`)
  }
  return (
    <form role="search" className="search-box" onSubmit={submit}>
      <label htmlFor={autoFocus ? 'search-page-input' : 'search-side-input'} className="visually-hidden">
        Search Cruddur
      </label>
      <SearchIcon size={18} />
      <input
        id={autoFocus ? 'search-page-input' : 'search-side-input'}
        type="search"
        placeholder="Search Cruddur"
        value={term}
        onChange={(e) => setTerm(e.target.value)}
        autoFocus={autoFocus}
        enterKeyHint="search"
      />
    </form>
  )
}

export function JoinSection() {
  return (
    <section className="card join" aria-labelledby="join-title">
      <h2 id="join-title" className="card__title">
        Join the party!
      </h2>
      <p>Have something you want to say? Don’t think about it, just crud it! Regret it? No worries — we’ll forget it…</p>
      <div className="join__buttons">
        <Link to="/signup" className="btn btn--primary btn--block">
          Join now!
        </Link>
        <Link to="/signin" className="btn btn--ghost btn--block">
          Sign in
        </Link>
      </div>
    </section>
  )
}

function Trending() {
  const { data, loading, error } = useAsync((signal) => trending(signal), [])
  const items = Array.isArray(data) ? data.slice(0, 6) : []
  return (
    <section className="card" aria-labelledby="trending-title">
      <h2 id="trending-title" className="card__title">
        Trending
      </h2>
      {loading ? <Spinner label="Loading trends" inline /> : null}
      {error ? <p className="muted small">Trends are unavailable right now.</p> : null}
      {!loading && !error && items.length === 0 ? <p className="muted small">No hashtags are trending yet. Start one!</p> : null}
      <ul className="trends">
        {items.map((t) => {
          const tag = t.hashtag.startsWith('#') ? t.hashtag : `#${t.hashtag}`
          return (
            <li key={tag}>
              <Link to={`/search?term=${encodeURIComponent(tag)}`} className="trend">
                <span className="trend__tag">{tag}</span>
                <span className="trend__count">{plural(t.count, 'crud')}</span>
              </Link>
            </li>
          )
        })}
      </ul>
    </section>
  )
}

function Suggested() {
  const { data, loading, error } = useAsync((signal) => suggested(signal), [])
  const people = Array.isArray(data) ? data.slice(0, 4) : []
  return (
    <section className="card" aria-labelledby="suggested-title">
      <h2 id="suggested-title" className="card__title">
        Who to follow
      </h2>
      {loading ? <Spinner label="Loading suggestions" inline /> : null}
      {error ? <p className="muted small">Suggestions are unavailable right now.</p> : null}
      {!loading && !error && people.length === 0 ? <p className="muted small">You follow everyone we know. Impressive.</p> : null}
      <ul className="people">
        {people.map((p) => (
          <li key={p.handle}>
            <PersonRow person={p} compact />
          </li>
        ))}
      </ul>
    </section>
  )
}

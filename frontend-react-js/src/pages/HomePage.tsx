import { useCallback, useEffect, useMemo, useRef } from 'react'
import { activityPaths, feedPage } from '../api/activities'
import type { Activity } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { ActivityFeed } from '../components/ActivityFeed'
import { ActivityForm } from '../components/ActivityForm'
import { NewCrudsButton } from '../components/NewCrudsButton'
import { PageHeader } from '../components/PageHeader'
import { JoinSection } from '../components/Sidebar'
import { EmptyState, Spinner } from '../components/States'
import { primed } from '../hooks/useActivityFlags'
import { usePagedList } from '../hooks/usePagedList'
import { useTitle } from '../hooks/useTitle'
import { on } from '../lib/events'
import { useNewCruds } from '../live/useNewCruds'
import { Link, useLocation } from 'react-router-dom'

const homePage = primed((path: string, signal: AbortSignal) => feedPage(path.split('#')[0], signal))

/** Home: signed in, the people you follow and you; signed out, everyone, with the join card (kept for Back). */
export function HomePage() {
  const { status, me } = useAuth()
  useTitle('Home')
  const location = useLocation()
  const deleted = (location.state as { accountDeleted?: boolean } | null)?.accountDeleted === true
  const firstPath = status === 'loading' ? null : `${activityPaths.home}#${status}`
  const list = usePagedList<Activity>(firstPath, homePage, undefined, { keepAs: location.key })
  const { setItems, reload, items } = list
  const onScreen = useMemo(() => items.map((a) => a.uuid), [items])
  const { count: newCount, clear: clearNew } = useNewCruds(onScreen, status === 'signedIn' ? me?.uuid : undefined)
  const focusTop = useRef(false)
  const feed = useRef<HTMLDivElement>(null)
  // "N new cruds" clicked: the newest page goes on top (the list as it is below it when that page reaches
  // it; else the whole list starts again, so nothing in between is skipped), then the top, with focus.
  // Focus moves only once the click's own items are in (not when a scrolled-to page lands meanwhile); a
  // page left meanwhile cancels the fetch.
  const pending = useRef<AbortController | null>(null)
  useEffect(() => () => pending.current?.abort(), [])
  const showNew = useCallback(() => {
    if (!firstPath) return
    const top = items[0]?.uuid
    clearNew()
    pending.current?.abort()
    const request = new AbortController()
    pending.current = request
    homePage(firstPath, request.signal)
      .then((page) => {
        focusTop.current = true
        if (top && !page.items.some((a) => a.uuid === top)) return reload()
        const fresh = new Set(page.items.map((a) => a.uuid))
        setItems((old) => [...page.items, ...old.filter((a) => !fresh.has(a.uuid))])
      })
      .catch(() => {
        if (!request.signal.aborted) reload() // the reload shows its own error state
      })
  }, [firstPath, items, clearNew, reload, setItems])
  useEffect(() => {
    if (!focusTop.current || list.status !== 'ready') return
    focusTop.current = false
    window.scrollTo({ top: 0 })
    const first = feed.current?.querySelector<HTMLElement>('article.crud')
    if (first) {
      first.tabIndex = -1 // focusable by script only: a screen reader starts reading at the newest crud
      first.focus({ preventScroll: true })
    }
  }, [items, list.status])
  // For `make bench`: the moment the first page of the feed is on screen.
  useEffect(() => {
    if (list.status === 'ready' && !performance.getEntriesByName('cruddur:home-feed').length) {
      performance.mark('cruddur:home-feed', { detail: { items: list.items.length } })
    }
  }, [list.status, list.items.length])
  useEffect(() => on('activity:created', (a) => setItems((items) => [a, ...items.filter((i) => i.uuid !== a.uuid)])), [setItems])

  return (
    <>
      <PageHeader title="Home" />
      {deleted ? (
        <p className="notice pad" role="status">
          Your account is being deleted. Everything in it is gone from Cruddur within a minute; your handle stays reserved for
          30 days. Thank you for having been here.
        </p>
      ) : null}
      {status === 'signedIn' ? <ActivityForm /> : null}
      {status === 'signedOut' ? (
        <div className="only-narrow">
          <JoinSection />
        </div>
      ) : null}
      {status === 'signedIn' ? <NewCrudsButton count={newCount} onShow={showNew} /> : null}
      {status === 'loading' ? (
        <Spinner label="Loading your feed" />
      ) : (
        <div ref={feed}>
          <ActivityFeed
            list={list}
            label="Home feed"
            empty={
              <EmptyState title="Your feed is quiet">
                Follow people to see their cruds here, or look around in <Link to="/explore">Explore</Link>.
              </EmptyState>
            }
          />
        </div>
      )}
    </>
  )
}

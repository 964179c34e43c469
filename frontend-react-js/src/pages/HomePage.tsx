import { useEffect } from 'react'
import { activityPaths, feedPage } from '../api/activities'
import type { Activity } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { ActivityFeed } from '../components/ActivityFeed'
import { ActivityForm } from '../components/ActivityForm'
import { PageHeader } from '../components/PageHeader'
import { JoinSection } from '../components/Sidebar'
import { EmptyState, Spinner } from '../components/States'
import { primed } from '../hooks/useActivityFlags'
import { usePagedList } from '../hooks/usePagedList'
import { useTitle } from '../hooks/useTitle'
import { on } from '../lib/events'
import { Link, useLocation } from 'react-router-dom'

const homePage = primed((path: string, signal: AbortSignal) => feedPage(path.split('#')[0], signal))

/** Home: signed in, the people you follow and you; signed out, everyone, with the join card (kept for Back). */
export function HomePage() {
  const { status } = useAuth()
  useTitle('Home')
  const location = useLocation()
  const deleted = (location.state as { accountDeleted?: boolean } | null)?.accountDeleted === true
  const list = usePagedList<Activity>(status === 'loading' ? null : `${activityPaths.home}#${status}`, homePage, undefined, { keepAs: location.key })
  const { setItems } = list
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
      {status === 'loading' ? (
        <Spinner label="Loading your feed" />
      ) : (
        <ActivityFeed
          list={list}
          label="Home feed"
          empty={
            <EmptyState title="Your feed is quiet">
              Follow people to see their cruds here, or look around in <Link to="/explore">Explore</Link>.
            </EmptyState>
          }
        />
      )}
    </>
  )
}

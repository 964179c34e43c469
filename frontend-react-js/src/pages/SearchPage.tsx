import { useCallback, useEffect, useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import { searchPage, searchPath } from '../api/activities'
import type { Activity, SearchResult } from '../api/types'
import { ActivityFeed } from '../components/ActivityFeed'
import { PageHeader } from '../components/PageHeader'
import { PersonRow } from '../components/PersonRow'
import { SearchBox } from '../components/Sidebar'
import { EmptyState } from '../components/States'
import { usePagedList } from '../hooks/usePagedList'
import { useTitle } from '../hooks/useTitle'

/** Search people and live cruds (cruds scroll on; people come with the first page). */
export default function SearchPage() {
  const [params] = useSearchParams()
  const term = (params.get('term') ?? '').trim()
  useTitle(term ? `Search: ${term}` : 'Search')
  const [people, setPeople] = useState<SearchResult['users']>([])
  // eslint-disable-next-line react-hooks/set-state-in-effect -- the route reuses this page for another item: forget the previous one (a `key` would remount it)
  useEffect(() => setPeople([]), [term])
  const fetchPage = useCallback(async (path: string, signal: AbortSignal) => {
    const page = await searchPage(path, signal)
    if (page.users) setPeople(page.users)
    return page
  }, [])
  const list = usePagedList<Activity>(term ? searchPath(term) : null, fetchPage)
  // A #hashtag names cruds, not people (the API finds no one for it): no People section at all.
  const showPeople = term && list.status === 'ready' && !term.startsWith('#')

  return (
    <>
      <PageHeader title="Search" />
      <div className="search-page__box">
        <SearchBox key={term} initial={term} autoFocus={!term} />
      </div>
      {!term ? <EmptyState title="Find people and cruds">Search for a name, a @handle, a #hashtag or any words.</EmptyState> : null}
      {showPeople ? (
        <section aria-labelledby="people-title" className="search-section">
          <h2 id="people-title" className="section-title">
            People
          </h2>
          {people.length === 0 ? <p className="muted pad">No people match “{term}”.</p> : null}
          <ul className="people people--page">
            {people.map((p) => (
              <li key={p.handle}>
                <PersonRow person={p} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {term ? (
        <section aria-labelledby="cruds-title" className="search-section">
          {list.status === 'ready' ? (
            <h2 id="cruds-title" className="section-title">
              Cruds
            </h2>
          ) : null}
          <ActivityFeed list={list} label={`Cruds matching ${term}`} empty={<p className="muted pad">No live cruds match “{term}”.</p>} />
        </section>
      ) : null}
    </>
  )
}

import { useSearchParams } from 'react-router-dom'
import { search } from '../api/activities'
import { ActivityItem } from '../components/ActivityItem'
import { PageHeader } from '../components/PageHeader'
import { PersonRow } from '../components/PersonRow'
import { SearchBox } from '../components/Sidebar'
import { EmptyState, ErrorState, Spinner } from '../components/States'
import { useAsync } from '../hooks/useAsync'
import { useTitle } from '../hooks/useTitle'
import { useUnexpired } from '../hooks/useUnexpired'

/** Search people and live cruds. */
export default function SearchPage() {
  const [params] = useSearchParams()
  const term = (params.get('term') ?? '').trim()
  useTitle(term ? `Search: ${term}` : 'Search')
  const { data, error, loading, reload, setData } = useAsync((signal) => search(term, signal), [term], term.length > 0)
  const people = data?.users ?? []
  const cruds = useUnexpired(data?.activities ?? [])

  return (
    <>
      <PageHeader title="Search" />
      <div className="search-page__box">
        <SearchBox key={term} initial={term} autoFocus={!term} />
      </div>
      {!term ? <EmptyState title="Find people and cruds">Search for a name, a @handle, a #hashtag or any words.</EmptyState> : null}
      {term && loading ? <Spinner label="Searching" /> : null}
      {term && error ? <ErrorState error={error} onRetry={reload} /> : null}
      {term && data && !loading ? (
        <>
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
          <section aria-labelledby="cruds-title" className="search-section">
            <h2 id="cruds-title" className="section-title">
              Cruds
            </h2>
            {cruds.length === 0 ? <p className="muted pad">No live cruds match “{term}”.</p> : null}
            {cruds.map((a) => (
              <ActivityItem
                key={a.uuid}
                activity={a}
                onRemove={(uuid) => setData((d) => (d ? { ...d, activities: d.activities.filter((x) => x.uuid !== uuid) } : d))}
              />
            ))}
          </section>
        </>
      ) : null}
    </>
  )
}

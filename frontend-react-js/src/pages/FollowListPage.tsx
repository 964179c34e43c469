import { NavLink } from 'react-router-dom'
import { followPaths, peoplePage } from '../api/users'
import type { SuggestedUser } from '../api/types'
import { InfiniteSentinel } from '../components/InfiniteSentinel'
import { PageHeader } from '../components/PageHeader'
import { PersonRow } from '../components/PersonRow'
import { EmptyState, ErrorState, Spinner } from '../components/States'
import { usePagedList } from '../hooks/usePagedList'
import { useTitle } from '../hooks/useTitle'

/** Who follows @handle, or whom @handle follows. */
export default function FollowListPage({ handle, kind }: { handle: string; kind: 'followers' | 'following' }) {
  useTitle(`${kind === 'followers' ? 'People following' : 'People followed by'} @${handle}`)
  const list = usePagedList<SuggestedUser & { bio?: string | null }>(followPaths[kind](handle), peoplePage)
  return (
    <>
      <PageHeader title={`@${handle}`} back />
      <nav className="tabs" aria-label="Connections">
        <NavLink to={`/@${handle}/followers`} className={({ isActive }) => (isActive ? 'tabs__tab is-active' : 'tabs__tab')}>
          Followers
        </NavLink>
        <NavLink to={`/@${handle}/following`} className={({ isActive }) => (isActive ? 'tabs__tab is-active' : 'tabs__tab')}>
          Following
        </NavLink>
      </nav>
      {list.status === 'loading' ? <Spinner /> : null}
      {list.status === 'error' ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
      {list.status === 'ready' && list.items.length === 0 ? (
        <EmptyState title={kind === 'followers' ? `Nobody follows @${handle} yet` : `@${handle} doesn’t follow anyone yet`} />
      ) : null}
      <ul className="people people--page">
        {list.items.map((p) => (
          <li key={p.handle}>
            <PersonRow person={p} bio={p.bio} />
          </li>
        ))}
      </ul>
      <InfiniteSentinel hasMore={list.hasMore} loading={list.loadingMore} error={list.moreError} onMore={list.loadMore} />
    </>
  )
}

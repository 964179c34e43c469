import { activityPaths, feedPage } from '../api/activities'
import type { Activity } from '../api/types'
import { ActivityFeed } from '../components/ActivityFeed'
import { PageHeader } from '../components/PageHeader'
import { EmptyState } from '../components/States'
import { useLocation } from 'react-router-dom'
import { primed } from '../hooks/useActivityFlags'
import { usePagedList } from '../hooks/usePagedList'
import { useTitle } from '../hooks/useTitle'

const primedFeedPage = primed(feedPage)

/** Everyone's live cruds, newest first (kept for Back). */
export default function ExplorePage() {
  useTitle('Explore')
  const list = usePagedList<Activity>(activityPaths.explore, primedFeedPage, undefined, { keepAs: useLocation().key })
  return (
    <>
      <PageHeader title="Explore" subtitle="Everything said on Cruddur, while it lasts" />
      <ActivityFeed list={list} label="Explore feed" empty={<EmptyState title="Nobody has said anything yet">Be the first!</EmptyState>} />
    </>
  )
}

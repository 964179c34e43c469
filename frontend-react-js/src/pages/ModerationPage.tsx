import { useCallback } from 'react'
import { Link, NavLink } from 'react-router-dom'
import { auditPage, moderationPaths, reportsPage } from '../api/moderation'
import type { AuditEntry, Report } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { InfiniteSentinel } from '../components/InfiniteSentinel'
import { PageHeader } from '../components/PageHeader'
import { ACTION_LABELS, ReportCard } from '../components/ReportCard'
import { EmptyState, ErrorState, Spinner } from '../components/States'
import { usePagedList, type PagedList } from '../hooks/usePagedList'
import { useTitle } from '../hooks/useTitle'
import { formatFull } from '../lib/time'

export type ModerationTab = 'open' | 'resolved' | 'audit'

const reportKey = (r: Report) => r.id
const auditKey = (e: AuditEntry) => String(e.id)

/** The moderators' page: the open queue (oldest first), resolved reports, the audit log. */
export default function ModerationPage({ tab }: { tab: ModerationTab }) {
  const { me } = useAuth()
  useTitle('Moderation')
  if (!me?.moderator) {
    return (
      <>
        <PageHeader title="Moderation" />
        <EmptyState title="Not available">
          This page is for Cruddur’s moderators. <Link to="/">Go home</Link>
        </EmptyState>
      </>
    )
  }
  const tabClass = ({ isActive }: { isActive: boolean }) => (isActive ? 'tabs__tab is-active' : 'tabs__tab')
  return (
    <>
      <PageHeader title="Moderation" subtitle="Reports and actions" />
      <nav className="tabs" aria-label="Moderation">
        <NavLink to="/moderation" end className={tabClass}>
          Open
        </NavLink>
        <NavLink to="/moderation/resolved" className={tabClass}>
          Resolved
        </NavLink>
        <NavLink to="/moderation/audit" className={tabClass}>
          Audit log
        </NavLink>
      </nav>
      {tab === 'audit' ? <AuditLog /> : <Queue key={tab} status={tab} />}
    </>
  )
}

function Queue({ status }: { status: 'open' | 'resolved' }) {
  const list = usePagedList<Report>(moderationPaths.reports(status), reportsPage, reportKey)
  const { setItems } = list
  // A resolved report leaves the open queue (it shows under Resolved from then on).
  const onResolved = useCallback((r: Report) => setItems((items) => items.filter((i) => reportKey(i) !== reportKey(r))), [setItems])
  return (
    <Listing list={list} empty={status === 'open' ? 'Nothing to review. Thank you!' : 'No resolved reports yet.'} label={status === 'open' ? 'Open reports, oldest first' : 'Resolved reports, newest first'}>
      {list.items.map((r) => (
        <li key={reportKey(r)}>
          <ReportCard report={r} onResolved={status === 'open' ? onResolved : undefined} />
        </li>
      ))}
    </Listing>
  )
}

function AuditLog() {
  const list = usePagedList<AuditEntry>(moderationPaths.audit, auditPage, auditKey)
  return (
    <Listing list={list} empty="No moderator actions yet." label="Audit log, newest first">
      {list.items.map((e) => (
        <li key={auditKey(e)} className="audit">
          <p>
            <strong>{ACTION_LABELS[e.action]}</strong>
            {e.user ? (
              <>
                {' '}
                <Link to={`/@${e.user.handle}`}>@{e.user.handle}</Link>
              </>
            ) : null}{' '}
            by @{e.moderator.handle}
            {e.report_id ? <span className="muted"> · report {e.report_id}</span> : null}
          </p>
          <p className="muted small">
            <time dateTime={e.created_at}>{formatFull(e.created_at)}</time>
          </p>
          {e.note ? <p className="audit__note">{e.note}</p> : null}
        </li>
      ))}
    </Listing>
  )
}

function Listing<T>({ list, empty, label, children }: { list: PagedList<T>; empty: string; label: string; children: React.ReactNode }) {
  return (
    <>
      {list.status === 'loading' ? <Spinner /> : null}
      {list.status === 'error' ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
      {list.status === 'ready' && list.items.length === 0 ? <EmptyState title={empty} /> : null}
      <ul className="reports" aria-label={label}>
        {children}
      </ul>
      <InfiniteSentinel hasMore={list.hasMore} loading={list.loadingMore} error={list.moreError} onMore={list.loadMore} />
    </>
  )
}

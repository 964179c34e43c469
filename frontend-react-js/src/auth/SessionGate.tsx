import { useEffect, type ReactNode } from 'react'
import { Navigate, useLocation, useNavigate } from 'react-router-dom'
import { useAuth } from './AuthContext'

/** Pages a signed-in person without a profile may still open (the rest lead to /complete-profile). */
const WITHOUT_PROFILE = new Set(['/complete-profile', '/signin', '/signup', '/confirm', '/forgot', '/about', '/terms', '/privacy'])

/** Where this page is, as `next=` keeps it for after sign-in. */
export function here(location: { pathname: string; search: string; hash: string }): string {
  return `${location.pathname}${location.search}${location.hash}`
}

/**
 * Around every page: a session that expired by itself goes (once) to the sign-in page, which says so
 * and comes back here after; a sign-in without a Cruddur profile goes to the page that finishes it.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const { notice, clearNotice, profileIncomplete } = useAuth()
  const location = useLocation()
  const navigate = useNavigate()

  useEffect(() => {
    if (notice !== 'expired') return
    clearNotice?.()
    if (location.pathname === '/signin') return
    navigate(`/signin?expired=1&next=${encodeURIComponent(here(location))}`, { replace: true })
  }, [notice, clearNotice, location, navigate])

  if (profileIncomplete && !WITHOUT_PROFILE.has(location.pathname)) {
    return <Navigate to={`/complete-profile?next=${encodeURIComponent(here(location))}`} replace />
  }
  return <>{children}</>
}

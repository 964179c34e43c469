import type { ReactNode } from 'react'
import { Navigate, useLocation } from 'react-router-dom'
import { Spinner } from '../components/States'
import { useAuth } from './AuthContext'
import { here } from './SessionGate'

/** Renders its children for signed-in people; sends everyone else to /signin?next=<here>. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status } = useAuth()
  const location = useLocation()
  if (status === 'loading') return <Spinner label="Checking your session" />
  if (status === 'signedOut') {
    return <Navigate to={`/signin?next=${encodeURIComponent(here(location))}`} replace />
  }
  return <>{children}</>
}

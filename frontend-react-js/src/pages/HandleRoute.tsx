import { lazy, type ReactNode } from 'react'
import { useParams } from 'react-router-dom'

const NotFoundPage = lazy(() => import('./StaticPages').then((m) => ({ default: m.NotFoundPage })))

/** Matches "/@handle…" routes: renders its child with the handle, or Not Found without the "@". */
export function HandleRoute({ children }: { children: (handle: string) => ReactNode }) {
  const { atHandle = '' } = useParams()
  if (!atHandle.startsWith('@') || atHandle.length < 2) return <NotFoundPage />
  return <>{children(atHandle.slice(1))}</>
}

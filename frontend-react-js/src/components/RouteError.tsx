import { Link, isRouteErrorResponse, useRouteError } from 'react-router-dom'
import { Logo } from './Icons'

/** Shown instead of a page that crashed or whose code could not be loaded (e.g. after a deploy). */
export function RouteError() {
  const error = useRouteError()
  const chunkFailed = error instanceof Error && /dynamically imported module|Importing a module script failed|Failed to fetch/i.test(error.message)
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : chunkFailed
      ? 'A new version of Cruddur is available.'
      : 'Something went wrong on this page.'
  return (
    <main className="startup-error" role="alert">
      <Logo size={56} />
      <h1>{message}</h1>
      <p className="muted">Reloading usually fixes it.</p>
      <div className="modal__buttons">
        <button type="button" className="btn btn--primary" onClick={() => window.location.reload()}>
          Reload
        </button>
        <Link to="/" className="btn btn--ghost" reloadDocument>
          Go home
        </Link>
      </div>
    </main>
  )
}

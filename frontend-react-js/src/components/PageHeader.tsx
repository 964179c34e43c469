import type { ReactNode } from 'react'
import { useNavigate } from 'react-router-dom'
import { ArrowLeftIcon } from './Icons'

/** The sticky title bar of a page, with an optional back button. */
export function PageHeader({ title, subtitle, back = false, children }: { title: string; subtitle?: ReactNode; back?: boolean; children?: ReactNode }) {
  const navigate = useNavigate()
  return (
    <div className="page-header">
      {back ? (
        <button
          type="button"
          className="icon-btn"
          aria-label="Back"
          onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/'))}
        >
          <ArrowLeftIcon />
        </button>
      ) : null}
      <div className="page-header__text">
        <h1 className="page-header__title">{title}</h1>
        {subtitle ? <p className="page-header__subtitle">{subtitle}</p> : null}
      </div>
      {children}
    </div>
  )
}

import type { ReactNode } from 'react'
import { Logo } from './Icons'

export function AuthCard({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="auth">
      <div className="auth__card">
        <div className="auth__logo">
          <Logo size={48} />
        </div>
        <h1 className="auth__title">{title}</h1>
        {children}
      </div>
      {footer ? <div className="auth__footer">{footer}</div> : null}
    </div>
  )
}

export function Field({
  id,
  label,
  hint,
  error,
  ...input
}: { id: string; label: string; hint?: string; error?: string | null } & React.InputHTMLAttributes<HTMLInputElement>) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={described} {...input} />
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  )
}

/** The authenticator app's 6-digit code (sign-in, two-factor setup, re-authentication): one field, numeric, autofilled. */
export function CodeField(props: { id: string; label: string; value: string; onChange: (value: string) => void; hint?: string; error?: string | null; autoFocus?: boolean }) {
  const { onChange, ...rest } = props
  return <Field {...rest} onChange={(e) => onChange(e.target.value)} autoComplete="one-time-code" inputMode="numeric" pattern="[0-9]*" maxLength={7} required />
}

import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { errorMessage, type ApiError } from '../../api/client'
import { useAuth } from '../../auth/AuthContext'
import { authMessage, errorName } from '../../auth/cognito'
import { reauthenticate } from '../../auth/mfa'
import { CodeField, Field } from '../../components/AuthCard'
import { FormError } from '../../components/States'

/** Which field a failure belongs to, and its sentence (a wrong password, a wrong or missing code, anything else). */
export type ReauthProblem = { field: 'password' | 'code' | 'form'; message: string }

/** The sentence and field for a failure of `reauthenticate` or of the call made with its token. */
export function reauthProblem(error: unknown): ReauthProblem {
  switch (errorName(error)) {
    case 'NotAuthorizedException':
      return { field: 'password', message: /attempts|limit/i.test(errorMessage(error)) ? errorMessage(error) : 'That password is not right.' }
    case 'TotpCodeRequired':
    case 'TotpCodeMismatch':
      return { field: 'code', message: authMessage(error) }
    case 'ApiError':
      // 403 reauth_required: the fresh sign-in was not fresh enough (a slow clock): ask again.
      return { field: (error as ApiError).code === 'reauth_required' ? 'password' : 'form', message: errorMessage(error) }
    default:
      return { field: 'form', message: authMessage(error) }
  }
}

type Props = {
  /** Ask for the authenticator code from the start (two-factor is on); Cognito's challenge reveals it anyway. */
  needsCode: boolean
  submitLabel: string
  busyLabel: string
  danger?: boolean
  /** What to do with the fresh access token (its failures are shown in the form). */
  onToken: (token: string) => Promise<void>
  onCancel: () => void
  children?: ReactNode
}

/**
 * Confirm it is you: the password (and the authenticator code when two-factor is on) → a fresh access
 * token from Cognito (`reauthenticate`), used for one call only. Focus goes to the field that is wrong.
 */
export function ReauthForm({ needsCode, submitLabel, busyLabel, danger = false, onToken, onCancel, children }: Props) {
  const { me } = useAuth()
  const id = useId()
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [askCode, setAskCode] = useState(needsCode)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<ReauthProblem | null>(null)
  const form = useRef<HTMLFormElement>(null)

  const focus = (field: 'password' | 'code') => requestAnimationFrame(() => form.current?.querySelector<HTMLInputElement>(`#${CSS.escape(`${id}-${field}`)}`)?.focus())

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!password) return fail({ field: 'password', message: 'Enter your password.' })
    if (askCode && !/^\d{6}$/.test(code.replace(/\s/g, ''))) return fail({ field: 'code', message: 'Enter the 6-digit code from your authenticator app.' })
    if (!me?.email) return fail({ field: 'form', message: 'Your account is still loading. Try again in a moment.' })
    setBusy(true)
    setProblem(null)
    try {
      const token = await reauthenticate({ email: me.email, password, code: askCode ? code : undefined })
      await onToken(token)
    } catch (error) {
      const found = reauthProblem(error)
      if (errorName(error) === 'TotpCodeRequired') setAskCode(true)
      if (found.field === 'code') setCode('')
      if (found.field === 'password') setPassword('')
      fail(found)
    } finally {
      setBusy(false)
    }
  }

  const fail = (found: ReauthProblem) => {
    setProblem(found)
    if (found.field !== 'form') focus(found.field)
  }

  return (
    <form ref={form} className="form reauth" onSubmit={submit} noValidate>
      {children}
      <Field
        id={`${id}-password`}
        label="Password"
        type="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        autoComplete="current-password"
        required
        error={problem?.field === 'password' ? problem.message : null}
      />
      {askCode ? (
        <CodeField
          id={`${id}-code`}
          label="Authentication code"
          hint="The 6-digit code your authenticator app shows for Cruddur."
          value={code}
          onChange={setCode}
          error={problem?.field === 'code' ? problem.message : null}
        />
      ) : null}
      <FormError message={problem?.field === 'form' ? problem.message : null} />
      <div className="modal__buttons">
        <button type="button" className="btn btn--ghost" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className={danger ? 'btn btn--danger' : 'btn btn--primary'} disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
      </div>
    </form>
  )
}

import { useState, type FormEvent } from 'react'
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom'
import { ApiError, errorMessage } from '../api/client'
import { useAuth } from '../auth/AuthContext'
import { completeProfile } from '../auth/profile'
import { AuthCard, Field } from '../components/AuthCard'
import { FormError, Spinner } from '../components/States'
import { useTitle } from '../hooks/useTitle'
import { handleProblem, safeNext } from '../lib/text'
import { takenWords } from './authErrors'

/**
 * A confirmed sign-in whose handle someone else took first (or older data without a profile) chooses a
 * free handle here, then continues where it was going.
 */
export default function CompleteProfilePage() {
  useTitle('Choose your username')
  const [params] = useSearchParams()
  const next = safeNext(params.get('next'))
  const { status, me, setMe, profileIncomplete } = useAuth()
  const navigate = useNavigate()
  const [handle, setHandle] = useState('')
  const [name, setName] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [handleError, setHandleError] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  if (status === 'loading') return <Spinner label="Checking your session" />
  if (status === 'signedOut') return <Navigate to={`/signin?next=${encodeURIComponent('/complete-profile')}`} replace />
  if (!profileIncomplete && !busy) return <Navigate to={next} replace />

  const displayName = name ?? me?.display_name ?? ''

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const problem = handleProblem(handle.trim())
    setHandleError(problem)
    setError(null)
    if (problem) return document.getElementById('complete-handle')?.focus()
    setBusy(true)
    try {
      const profile = await completeProfile({ handle: handle.trim(), display_name: displayName.trim() || undefined })
      setMe({ ...profile, moderator: profile.moderator ?? me?.moderator })
      navigate(next, { replace: true })
    } catch (err) {
      if (err instanceof ApiError && err.code === 'handle_taken') {
        setHandleError(takenWords(handle.trim()))
        document.getElementById('complete-handle')?.focus()
      } else setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <AuthCard title="Choose your username">
      <p className="auth__text">Your email is confirmed, but the username you picked went to someone else first. Choose another to finish joining.</p>
      <form className="form" onSubmit={submit} noValidate>
        <Field id="complete-name" label="Name" value={displayName} onChange={(e) => setName(e.target.value)} autoComplete="name" required />
        <Field
          id="complete-handle"
          label="Username"
          value={handle}
          onChange={(e) => setHandle(e.target.value)}
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          autoFocus
          hint="3–30 letters, digits or underscores. This is your @handle."
          error={handleError}
        />
        <FormError message={error} />
        <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
          {busy ? 'Saving…' : 'Continue'}
        </button>
      </form>
    </AuthCard>
  )
}

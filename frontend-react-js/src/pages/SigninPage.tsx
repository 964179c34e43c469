import { useState, type FormEvent } from 'react'
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom'
import { useAuth } from '../auth/AuthContext'
import { authMessage, doConfirmTotp, doSignIn, errorName } from '../auth/cognito'
import { AuthCard, CodeField, Field } from '../components/AuthCard'
import { FormError } from '../components/States'
import { useTitle } from '../hooks/useTitle'
import { safeNext } from '../lib/text'

export default function SigninPage() {
  useTitle('Sign in')
  const [params] = useSearchParams()
  const next = safeNext(params.get('next'))
  const { status, refresh } = useAuth()
  const navigate = useNavigate()
  const [email, setEmail] = useState(params.get('email') ?? '')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // Issue 16: with two-factor on, Cognito answers the password with a challenge for the app's code.
  const [step, setStep] = useState<'password' | 'totp'>('password')
  const [code, setCode] = useState('')

  if (status === 'signedIn' && !busy) return <Navigate to={next} replace />

  const signedIn = async () => {
    await refresh()
    navigate(next, { replace: true })
  }

  const submitCode = async (event: FormEvent) => {
    event.preventDefault()
    if (!/^\d{6}$/.test(code.replace(/\s/g, ''))) return setError('Enter the 6-digit code from your authenticator app.')
    setBusy(true)
    setError(null)
    try {
      if ((await doConfirmTotp(code)) === 'signedIn') await signedIn()
    } catch (err) {
      setCode('')
      setError(authMessage(err))
      if (errorName(err) === 'TotpSessionExpired') {
        setPassword('')
        setStep('password')
      }
    } finally {
      setBusy(false)
    }
  }

  if (step === 'totp') {
    return (
      <AuthCard title="Two-factor authentication">
        <p className="auth__text">Enter the 6-digit code your authenticator app shows for Cruddur.</p>
        <form className="form" onSubmit={submitCode} noValidate>
          <CodeField id="signin-code" label="Authentication code" value={code} onChange={setCode} autoFocus error={error} />
          <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
            {busy ? 'Checking…' : 'Sign in'}
          </button>
          <button
            type="button"
            className="btn btn--link"
            onClick={() => {
              setStep('password')
              setCode('')
              setPassword('')
              setError(null)
            }}
          >
            Start again
          </button>
        </form>
      </AuthCard>
    )
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!email.trim() || !password) return setError('Enter your email and password.')
    setBusy(true)
    setError(null)
    try {
      if ((await doSignIn(email, password)) === 'totp') setStep('totp')
      else await signedIn()
    } catch (err) {
      if (errorName(err) === 'UserNotConfirmedException') {
        navigate(`/confirm?email=${encodeURIComponent(email.trim())}`)
        return
      }
      setError(authMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <AuthCard
      title="Sign in to Cruddur"
      footer={
        <p>
          New here? <Link to="/signup">Sign up</Link>
        </p>
      }
    >
      {params.get('confirmed') ? (
        <p className="form-info" role="status">
          Your email is confirmed. Sign in to continue.
        </p>
      ) : null}
      {params.get('expired') ? (
        <p className="form-info" role="status">
          Your session expired. Sign in again.
        </p>
      ) : params.get('next') ? (
        <p className="auth__text">Sign in to continue.</p>
      ) : null}
      <form className="form" onSubmit={submit} noValidate>
        <Field id="signin-email" label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" required />
        <Field id="signin-password" label="Password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
        <FormError message={error} />
        <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <Link to={`/forgot${email ? `?email=${encodeURIComponent(email.trim())}` : ''}`} className="btn btn--link">
          Forgot your password?
        </Link>
      </form>
    </AuthCard>
  )
}

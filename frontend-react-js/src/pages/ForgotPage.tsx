import { useState, type FormEvent } from 'react'
import { Link, useSearchParams } from 'react-router-dom'
import { authMessage, doConfirmReset, doResetPassword, errorName } from '../auth/cognito'
import { AuthCard, Field } from '../components/AuthCard'
import { FormError } from '../components/States'
import { useTitle } from '../hooks/useTitle'
import { isEmail } from '../lib/text'
import { PASSWORD_HINT, passwordProblem } from './SignupPage'

/** Forgot password: send a code, then set a new password with it. */
export default function ForgotPage() {
  useTitle('Reset your password')
  const [params] = useSearchParams()
  const [step, setStep] = useState<'send' | 'reset' | 'done'>('send')
  const [email, setEmail] = useState(params.get('email') ?? '')
  const [code, setCode] = useState('')
  const [password, setPassword] = useState('')
  const [again, setAgain] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const send = async (event: FormEvent) => {
    event.preventDefault()
    if (!isEmail(email)) return setError('Enter a valid email address.')
    setBusy(true)
    setError(null)
    try {
      await doResetPassword(email)
      setStep('reset')
    } catch (err) {
      // As Cognito with PreventUserExistenceErrors: an unknown email reads like a known one.
      if (errorName(err) === 'UserNotFoundException') setStep('reset')
      else setError(authMessage(err))
    } finally {
      setBusy(false)
    }
  }

  const reset = async (event: FormEvent) => {
    event.preventDefault()
    if (!code.trim()) return setError('Enter the code from the email.')
    const problem = passwordProblem(password)
    if (problem) return setError(problem)
    if (password !== again) return setError('The passwords do not match.')
    setBusy(true)
    setError(null)
    try {
      await doConfirmReset(email, code, password)
      setStep('done')
    } catch (err) {
      setError(authMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <AuthCard title="Reset your password" footer={<p><Link to="/signin">Back to sign in</Link></p>}>
      {step === 'send' ? (
        <form className="form" onSubmit={send} noValidate>
          <p className="auth__text">Enter your email and we’ll send you a code to choose a new password.</p>
          <Field id="forgot-email" label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" required />
          <FormError message={error} />
          <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
            {busy ? 'Sending…' : 'Send recovery code'}
          </button>
        </form>
      ) : null}
      {step === 'reset' ? (
        <form className="form" onSubmit={reset} noValidate>
          <p className="auth__text">We sent a code to {email}.</p>
          <Field id="forgot-code" label="Code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="one-time-code" inputMode="numeric" required />
          <Field id="forgot-password" label="New password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" hint={PASSWORD_HINT} required />
          <Field id="forgot-again" label="New password again" type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" required />
          <FormError message={error} />
          <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
            {busy ? 'Saving…' : 'Set new password'}
          </button>
        </form>
      ) : null}
      {step === 'done' ? (
        <div className="form">
          <p className="form-info" role="status">
            Your password has been reset.
          </p>
          <Link to={`/signin?email=${encodeURIComponent(email.trim())}`} className="btn btn--primary btn--block">
            Sign in
          </Link>
        </div>
      ) : null}
    </AuthCard>
  )
}

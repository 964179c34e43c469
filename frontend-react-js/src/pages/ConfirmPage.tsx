import { useState, type FormEvent } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router-dom'
import { useAuth } from '../auth/AuthContext'
import { authMessage, doConfirm, doResend } from '../auth/cognito'
import { AuthCard, Field } from '../components/AuthCard'
import { FormError } from '../components/States'
import { useTitle } from '../hooks/useTitle'
import { isEmail } from '../lib/text'
import { refusedHandle } from './authErrors'

/** Confirm the email (prefilled from ?email=), then land signed in. */
export default function ConfirmPage() {
  useTitle('Confirm your email')
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const { refresh } = useAuth()
  const [email, setEmail] = useState(params.get('email') ?? '')
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [info, setInfo] = useState<string | null>(null)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!isEmail(email)) return setError('Enter the email you signed up with.')
    if (!code.trim()) return setError('Enter the code from the email we sent you.')
    setBusy(true)
    setError(null)
    try {
      const signedIn = await doConfirm(email, code)
      if (signedIn) {
        await refresh()
        navigate('/', { replace: true })
      } else {
        navigate(`/signin?confirmed=1&email=${encodeURIComponent(email.trim())}`, { replace: true })
      }
    } catch (err) {
      // The email is confirmed, but the handle went to someone else first (older data): signed in,
      // the session gate leads to choosing another one (/complete-profile), so no dead end here.
      if (refusedHandle(err)) navigate(`/signin?confirmed=1&email=${encodeURIComponent(email.trim())}`, { replace: true })
      else setError(authMessage(err))
    } finally {
      setBusy(false)
    }
  }

  const resend = async () => {
    if (!isEmail(email)) return setError('Enter the email you signed up with.')
    setError(null)
    try {
      await doResend(email)
      setInfo('A new code is on its way. Check your inbox.')
    } catch (err) {
      setError(authMessage(err))
    }
  }

  return (
    <AuthCard title="Confirm your email" footer={<p><Link to="/signin">Back to sign in</Link></p>}>
      <p className="auth__text">We sent a confirmation code to your email. Enter it below to finish joining.</p>
      <form className="form" onSubmit={submit} noValidate>
        <Field id="confirm-email" label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" required />
        <Field
          id="confirm-code"
          label="Confirmation code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          inputMode="numeric"
          autoComplete="one-time-code"
          autoFocus={Boolean(params.get('email'))}
          required
        />
        <FormError message={error} />
        {info ? (
          <p className="form-info" role="status">
            {info}
          </p>
        ) : null}
        <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
          {busy ? 'Confirming…' : 'Confirm email'}
        </button>
        <button type="button" className="btn btn--link" onClick={resend}>
          Send a new code
        </button>
      </form>
    </AuthCard>
  )
}

import { useState, type FormEvent } from 'react'
import { Link, Navigate, useNavigate } from 'react-router-dom'
import { useAuth } from '../auth/AuthContext'
import { authMessage, doSignUp } from '../auth/cognito'
import { AuthCard, Field } from '../components/AuthCard'
import { FormError } from '../components/States'
import { useTitle } from '../hooks/useTitle'
import { DISPLAY_NAME_MAX, charCount, handleProblem, isEmail } from '../lib/text'
import { refusedHandle, takenWords } from './authErrors'

export const PASSWORD_HINT = 'At least 8 characters, with upper and lower case letters, a digit and a symbol.'

export function passwordProblem(password: string): string | null {
  if (password.length < 8) return 'Use at least 8 characters.'
  if (!/[a-z]/.test(password) || !/[A-Z]/.test(password)) return 'Use upper and lower case letters.'
  if (!/\d/.test(password)) return 'Add a digit.'
  if (!/[^A-Za-z0-9]/.test(password)) return 'Add a symbol.'
  return null
}

export default function SignupPage() {
  useTitle('Sign up')
  const { status } = useAuth()
  const navigate = useNavigate()
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [handle, setHandle] = useState('')
  const [password, setPassword] = useState('')
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // The server's word on the handle (taken), shown under the field until the handle changes.
  const [taken, setTaken] = useState<{ handle: string; words: string } | null>(null)

  if (status === 'signedIn') return <Navigate to="/" replace />

  const problems = {
    name: name.trim() ? (charCount(name) > DISPLAY_NAME_MAX ? `Use at most ${DISPLAY_NAME_MAX} characters.` : null) : 'Tell us your name.',
    email: isEmail(email) ? null : 'Enter a valid email address.',
    handle: handleProblem(handle.trim()) ?? (taken && taken.handle === handle.trim() ? taken.words : null),
    password: passwordProblem(password),
  }
  const invalid = Object.values(problems).some(Boolean)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setTouched(true)
    // The first field with a problem takes focus, so its error is read out and can be fixed at once.
    const first = (Object.keys(problems) as (keyof typeof problems)[]).find((key) => problems[key])
    if (first) document.getElementById(`signup-${first}`)?.focus()
    if (invalid || busy) return
    setBusy(true)
    setError(null)
    try {
      await doSignUp({ email, password, name, handle: handle.trim() })
      navigate(`/confirm?email=${encodeURIComponent(email.trim().toLowerCase())}`)
    } catch (err) {
      const refused = refusedHandle(err)
      if (refused) {
        setTaken({ handle: handle.trim(), words: takenWords(refused) })
        document.getElementById('signup-handle')?.focus()
      } else setError(authMessage(err))
    } finally {
      setBusy(false)
    }
  }

  const show = (key: keyof typeof problems, value: string) => (touched || value ? problems[key] : null)
  return (
    <AuthCard
      title="Join Cruddur"
      footer={
        <p>
          Have an account? <Link to="/signin">Sign in</Link>
        </p>
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        <Field id="signup-name" label="Name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" required error={touched ? problems.name : null} />
        <Field id="signup-email" label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" required error={touched ? problems.email : null} />
        <Field
          id="signup-handle"
          label="Username"
          value={handle}
          onChange={(e) => setHandle(e.target.value)}
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          hint="3–30 letters, digits or underscores. This is your @handle."
          error={show('handle', handle)}
        />
        <Field
          id="signup-password"
          label="Password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="new-password"
          required
          hint={PASSWORD_HINT}
          error={touched ? problems.password : null}
        />
        <FormError message={error} />
        <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
          {busy ? 'Signing up…' : 'Sign up'}
        </button>
        <p className="muted small">
          By signing up you agree to the <Link to="/terms">Terms</Link> and the <Link to="/privacy">Privacy Policy</Link>.
        </p>
      </form>
    </AuthCard>
  )
}

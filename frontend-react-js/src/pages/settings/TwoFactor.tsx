import { QRCodeSVG } from 'qrcode.react'
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { useAuth } from '../../auth/AuthContext'
import { authMessage } from '../../auth/cognito'
import { disableTotp, finishTotpSetup, startTotpSetup, totpEnabled, type TotpSetup } from '../../auth/mfa'
import { CodeField } from '../../components/AuthCard'
import { Modal } from '../../components/Modal'
import { ErrorState, FormError, Spinner } from '../../components/States'
import { useToast } from '../../components/Toast'
import { ReauthForm } from './ReauthForm'

/**
 * Where two-factor stands: read from Cognito (`loading` → `off` | `on`), then set up by scanning
 * (`scan`: the secret shown, waiting for the app's first code) or turned off (`on` with the dialog open).
 */
export type TwoFactorPhase = { kind: 'loading' } | { kind: 'unknown'; error: unknown } | { kind: 'off' } | { kind: 'scan'; setup: TotpSetup } | { kind: 'on' }

/** The secret in groups of four, as authenticator apps show it when typed in by hand. */
export const groupSecret = (secret: string): string => secret.replace(/(.{4})(?=.)/g, '$1 ')

/** Settings → Two-factor authentication: on with an authenticator app, off with the password and a current code. */
export function TwoFactor() {
  const { me } = useAuth()
  const toast = useToast()
  const [phase, setPhase] = useState<TwoFactorPhase>({ kind: 'loading' })
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [disabling, setDisabling] = useState(false)
  const heading = useRef<HTMLHeadingElement>(null)

  const load = useCallback(async () => {
    setPhase({ kind: 'loading' })
    try {
      setPhase({ kind: (await totpEnabled()) ? 'on' : 'off' })
    } catch (err) {
      setPhase({ kind: 'unknown', error: new Error(authMessage(err)) })
    }
  }, [])
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- reads the MFA setting from Cognito (the external system) on mount
    void load()
  }, [load])

  const begin = async () => {
    setBusy(true)
    setError(null)
    try {
      setPhase({ kind: 'scan', setup: await startTotpSetup(me?.email ?? me?.handle ?? 'you') })
    } catch (err) {
      setError(authMessage(err))
    } finally {
      setBusy(false)
    }
  }

  const enabled = () => {
    setPhase({ kind: 'on' })
    toast.notify('Two-factor authentication is on')
    heading.current?.focus()
  }

  return (
    <section className="settings-section pad" aria-labelledby="two-factor-title">
      <h2 id="two-factor-title" className="settings-section__title" ref={heading} tabIndex={-1}>
        Two-factor authentication
      </h2>
      <p className="muted">With two-factor on, signing in asks for your password and a 6-digit code from an authenticator app on your phone.</p>
      {phase.kind === 'loading' ? <Spinner label="Checking two-factor" /> : null}
      {phase.kind === 'unknown' ? <ErrorState error={phase.error} onRetry={() => void load()} title="Could not check two-factor" /> : null}
      {phase.kind === 'off' ? (
        <>
          <p className="settings-status">
            Status: <strong>Off</strong>
          </p>
          <FormError message={error} />
          <button type="button" className="btn btn--primary" onClick={begin} disabled={busy}>
            {busy ? 'Starting…' : 'Set up two-factor'}
          </button>
        </>
      ) : null}
      {phase.kind === 'scan' ? <ScanStep setup={phase.setup} onDone={enabled} onCancel={() => setPhase({ kind: 'off' })} /> : null}
      {phase.kind === 'on' ? (
        <>
          <p className="settings-status">
            Status: <strong>On</strong> — signing in asks for a code from your authenticator app.
          </p>
          <button type="button" className="btn btn--ghost" onClick={() => setDisabling(true)}>
            Turn off two-factor
          </button>
        </>
      ) : null}
      {disabling ? (
        <DisableDialog
          onClose={() => setDisabling(false)}
          onDone={() => {
            setDisabling(false)
            setPhase({ kind: 'off' })
            toast.notify('Two-factor authentication is off')
          }}
        />
      ) : null}
    </section>
  )
}

/** Scan the QR code (or type the key), then prove it with the app's first code. */
function ScanStep({ setup, onDone, onCancel }: { setup: TotpSetup; onDone: () => void; onCancel: () => void }) {
  const id = useId()
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const focusCode = useCallback(() => document.getElementById(`${id}-code`)?.focus(), [id])
  useEffect(focusCode, [focusCode])

  const verify = async (event: FormEvent) => {
    event.preventDefault()
    if (!/^\d{6}$/.test(code.replace(/\s/g, ''))) return setError('Enter the 6-digit code from your authenticator app.')
    setBusy(true)
    setError(null)
    try {
      await finishTotpSetup(code)
      onDone()
    } catch (err) {
      setCode('')
      setError(authMessage(err))
      focusCode()
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="form totp-setup" onSubmit={verify} noValidate aria-label="Set up two-factor">
      <ol className="totp-setup__steps">
        <li>
          Scan this QR code with an authenticator app (such as 1Password, Google Authenticator or Aegis).
          <div className="totp-setup__qr">
            <QRCodeSVG value={setup.uri} size={184} marginSize={2} title="QR code for your authenticator app" />
          </div>
          <p className="muted">
            Can’t scan it? Enter this key in the app: <code className="totp-setup__secret">{groupSecret(setup.secret)}</code>
          </p>
        </li>
        <li>Enter the 6-digit code the app shows for Cruddur.</li>
      </ol>
      <CodeField id={`${id}-code`} label="Code from the app" value={code} onChange={setCode} error={error} />
      <div className="modal__buttons">
        <button type="button" className="btn btn--ghost" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {busy ? 'Checking…' : 'Turn on'}
        </button>
      </div>
    </form>
  )
}

/** Off needs the password and a current code: a fresh token for `SetUserMFAPreference`. */
function DisableDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  return (
    <Modal title="Turn off two-factor?" onClose={onClose}>
      <ReauthForm
        needsCode
        submitLabel="Turn off"
        busyLabel="Turning off…"
        onCancel={onClose}
        onToken={async (token) => {
          await disableTotp(token)
          onDone()
        }}
      >
        <p className="modal__text">Signing in will then ask only for your password. Confirm it is you with your password and a current code.</p>
      </ReauthForm>
    </Modal>
  )
}

import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MemoryRouter, Route, Routes } from 'react-router-dom'
import { AuthContextProvider } from '../../auth/AuthContext'
import { named } from '../../auth/cognito'
import { ToastProvider } from '../../components/Toast'
import { ME, authState, json, mockFetch } from '../../test/render'
import { HomePage } from '../HomePage'
import { DeleteAccount } from './DeleteAccount'

const mfa = vi.hoisted(() => ({ reauthenticate: vi.fn(async (): Promise<string> => 'fresh-token') }))
vi.mock('../../auth/mfa', () => mfa)

beforeEach(() => mfa.reauthenticate.mockClear())
afterEach(() => vi.unstubAllGlobals())

/** The section at /settings/delete and the landing page at /, as the app routes them. */
function renderDelete(twoFactor: boolean, auth = authState({ me: { ...ME, email: 'ann@example.com' } })) {
  render(
    <ToastProvider>
      <AuthContextProvider value={auth}>
        <MemoryRouter initialEntries={['/settings/delete']}>
          <Routes>
            <Route path="/settings/delete" element={<DeleteAccount twoFactor={twoFactor} />} />
            <Route path="/" element={<HomePage />} />
          </Routes>
        </MemoryRouter>
      </AuthContextProvider>
    </ToastProvider>,
  )
  return auth
}

const open = async () => {
  await userEvent.click(screen.getByRole('button', { name: 'Delete my account…' }))
  return screen.getByRole('dialog', { name: 'Delete your account?' })
}

describe('Settings → Delete account', () => {
  it('says exactly what goes, then deletes with a fresh token, signs out and lands home with a note', async () => {
    const { calls } = mockFetch({
      'DELETE /api/users/me': () => json({ status: 'deleting', requested_at: '2026-11-30T10:00:00Z' }, 202),
      'GET /api/activities/home': () => json({ items: [], next_cursor: null }),
    })
    const auth = renderDelete(false)
    for (const what of [/your cruds and replies/, /your likes and reposts/, /who you follow and who follows you/, /your direct messages/, /your pictures and your avatar/]) {
      expect(screen.getByText(what)).toBeInTheDocument()
    }
    expect(screen.getByText(/handle stays reserved for 30 days/)).toBeInTheDocument()
    expect(screen.getByText(/under an open report is kept, hidden from everyone but moderators/)).toBeInTheDocument()

    const dialog = await open()
    expect(within(dialog).queryByLabelText('Authentication code')).not.toBeInTheDocument()
    await waitFor(() => expect(within(dialog).getByLabelText('Password')).toHaveFocus())
    await userEvent.type(within(dialog).getByLabelText('Password'), 'pw')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete account' }))

    await waitFor(() => expect(auth.signOut).toHaveBeenCalled())
    expect(mfa.reauthenticate).toHaveBeenCalledWith({ email: 'ann@example.com', password: 'pw', code: undefined })
    const del = calls.find((c) => c.method === 'DELETE')!
    expect((del.init.headers as Record<string, string>).Authorization).toBe('Bearer fresh-token')
    expect(await screen.findByText(/^Your account is being deleted/)).toBeInTheDocument()
  })

  it('asks for the code with two-factor on and maps a wrong password and a wrong code to their fields', async () => {
    mockFetch({ 'DELETE /api/users/me': () => json({ status: 'deleting', requested_at: '2026-11-30T10:00:00Z' }, 202) })
    renderDelete(true)
    const dialog = await open()
    await userEvent.type(within(dialog).getByLabelText('Password'), 'bad')
    await userEvent.type(within(dialog).getByLabelText('Authentication code'), '123456')
    mfa.reauthenticate.mockRejectedValueOnce(named('NotAuthorizedException', 'Incorrect username or password.'))
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete account' }))
    expect(await within(dialog).findByText('That password is not right.')).toBeInTheDocument()
    expect(within(dialog).getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true')

    await userEvent.type(within(dialog).getByLabelText('Password'), 'pw')
    mfa.reauthenticate.mockRejectedValueOnce(named('TotpCodeMismatch', 'x'))
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete account' }))
    expect(await within(dialog).findByText(/That code is not right/)).toBeInTheDocument()
  })

  it('reveals the code field when Cognito asks for one it did not expect', async () => {
    renderDelete(false)
    const dialog = await open()
    await userEvent.type(within(dialog).getByLabelText('Password'), 'pw')
    mfa.reauthenticate.mockRejectedValueOnce(named('TotpCodeRequired', 'x'))
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete account' }))
    expect(await within(dialog).findByLabelText('Authentication code')).toBeInTheDocument()
    expect(within(dialog).getByText('Enter the 6-digit code from your authenticator app.')).toBeInTheDocument()
  })

  it('asks for the password again on 403 reauth_required, and stays signed in', async () => {
    mockFetch({ 'DELETE /api/users/me': () => json({ error: { code: 'reauth_required', message: 'Sign in again.' } }, 403) })
    const auth = renderDelete(false)
    const dialog = await open()
    await userEvent.type(within(dialog).getByLabelText('Password'), 'pw')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete account' }))
    expect(await within(dialog).findByText('For your safety, confirm your password again.')).toBeInTheDocument()
    expect(within(dialog).getByLabelText('Password')).toHaveValue('')
    expect(auth.signOut).not.toHaveBeenCalled()
  })

  it('cancels without a call', async () => {
    const { calls } = mockFetch({})
    renderDelete(false)
    const dialog = await open()
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
    expect(calls).toEqual([])
    expect(mfa.reauthenticate).not.toHaveBeenCalled()
  })
})

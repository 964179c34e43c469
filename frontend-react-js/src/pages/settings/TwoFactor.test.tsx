import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { named } from '../../auth/cognito'
import { ME, authState, renderApp } from '../../test/render'
import { TwoFactor, groupSecret } from './TwoFactor'

const mfa = vi.hoisted(() => ({
  totpEnabled: vi.fn(async () => false),
  startTotpSetup: vi.fn(async () => ({ secret: 'JBSWY3DPEHPK3PXPJBSWY3DP', uri: 'otpauth://totp/Cruddur:ann%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=Cruddur' })),
  finishTotpSetup: vi.fn(async (): Promise<void> => {}),
  reauthenticate: vi.fn(async (): Promise<string> => 'fresh-token'),
  disableTotp: vi.fn(async (): Promise<void> => {}),
}))
vi.mock('../../auth/mfa', () => mfa)

const auth = () => authState({ me: { ...ME, email: 'ann@example.com' } })

beforeEach(() => Object.values(mfa).forEach((fn) => fn.mockClear()))

describe('Settings → Two-factor authentication', () => {
  it('sets up: QR code and key, a wrong code says so, the right one turns it on', async () => {
    renderApp(<TwoFactor />, { auth: auth() })
    expect(await screen.findByText('Off')).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Set up two-factor' }))
    expect(mfa.startTotpSetup).toHaveBeenCalledWith('ann@example.com')
    const form = await screen.findByRole('form', { name: 'Set up two-factor' })
    expect(within(form).getByTitle('QR code for your authenticator app')).toBeInTheDocument()
    expect(within(form).getByText('JBSW Y3DP EHPK 3PXP JBSW Y3DP')).toBeInTheDocument()
    const field = within(form).getByLabelText('Code from the app')
    expect(field).toHaveAttribute('autocomplete', 'one-time-code')
    expect(field).toHaveAttribute('inputmode', 'numeric')
    await waitFor(() => expect(field).toHaveFocus())

    await userEvent.type(field, '12')
    await userEvent.click(within(form).getByRole('button', { name: 'Turn on' }))
    expect(await within(form).findByText('Enter the 6-digit code from your authenticator app.')).toBeInTheDocument()
    expect(mfa.finishTotpSetup).not.toHaveBeenCalled()

    mfa.finishTotpSetup.mockRejectedValueOnce(named('TotpCodeMismatch', 'x'))
    await userEvent.clear(field)
    await userEvent.type(field, '000000')
    await userEvent.click(within(form).getByRole('button', { name: 'Turn on' }))
    expect(await within(form).findByText(/That code is not right/)).toBeInTheDocument()
    expect(field).toHaveValue('')

    await userEvent.type(field, '123456')
    await userEvent.click(within(form).getByRole('button', { name: 'Turn on' }))
    expect(await screen.findByText('On')).toBeInTheDocument()
    expect(mfa.finishTotpSetup).toHaveBeenLastCalledWith('123456')
    expect(screen.getByText('Two-factor authentication is on')).toBeInTheDocument()
  })

  it('turns off only with the password and a current code (a fresh token)', async () => {
    mfa.totpEnabled.mockResolvedValueOnce(true)
    renderApp(<TwoFactor />, { auth: auth() })
    await userEvent.click(await screen.findByRole('button', { name: 'Turn off two-factor' }))
    const dialog = screen.getByRole('dialog', { name: 'Turn off two-factor?' })
    await userEvent.type(within(dialog).getByLabelText('Password'), 'pw')
    await userEvent.type(within(dialog).getByLabelText('Authentication code'), '111111')
    mfa.reauthenticate.mockRejectedValueOnce(named('TotpCodeMismatch', 'x'))
    await userEvent.click(within(dialog).getByRole('button', { name: 'Turn off' }))
    expect(await within(dialog).findByText(/That code is not right/)).toBeInTheDocument()
    await waitFor(() => expect(within(dialog).getByLabelText('Authentication code')).toHaveFocus())
    expect(mfa.disableTotp).not.toHaveBeenCalled()

    await userEvent.type(within(dialog).getByLabelText('Authentication code'), '222222')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Turn off' }))
    await waitFor(() => expect(mfa.disableTotp).toHaveBeenCalledWith('fresh-token'))
    expect(mfa.reauthenticate).toHaveBeenLastCalledWith({ email: 'ann@example.com', password: 'pw', code: '222222' })
    expect(await screen.findByText('Off')).toBeInTheDocument()
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
  })

  it('says when the status cannot be read, and retries', async () => {
    mfa.totpEnabled.mockRejectedValueOnce(named('NetworkError', 'x'))
    renderApp(<TwoFactor />, { auth: auth() })
    expect(await screen.findByText('Cannot reach the sign-in service. Check your connection.')).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByText('Off')).toBeInTheDocument()
  })

  it('groups the key in fours for typing', () => {
    expect(groupSecret('ABCDEFGHIJ')).toBe('ABCD EFGH IJ')
  })
})

import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { setConfigForTests } from '../lib/config'
import { authState, renderApp } from '../test/render'

type Result = { isSignedIn: boolean; nextStep: { signInStep: string } }
const amplify = vi.hoisted(() => ({
  signIn: vi.fn(async (): Promise<Result> => ({ isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' } })),
  confirmSignIn: vi.fn(async (): Promise<Result> => ({ isSignedIn: true, nextStep: { signInStep: 'DONE' } })),
  signOut: vi.fn(async () => {}),
}))
vi.mock('aws-amplify/auth', () => amplify)

const { default: SigninPage } = await import('./SigninPage')

const cognitoError = (name: string) => Object.assign(new Error(name), { name })

beforeEach(() => {
  setConfigForTests({ region: 'r', userPoolId: 'p', userPoolClientId: 'c', authFlowType: 'USER_PASSWORD_AUTH' })
  Object.values(amplify).forEach((fn) => fn.mockClear())
})

async function passwordStep() {
  await userEvent.type(screen.getByLabelText('Email'), 'ann@example.com')
  await userEvent.type(screen.getByLabelText('Password'), 'pw')
  await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
  return screen.findByLabelText('Authentication code')
}

describe('sign-in with two-factor', () => {
  it('asks for the authenticator code, says a wrong one plainly, then signs in', async () => {
    const auth = authState({ status: 'signedOut', me: null })
    renderApp(<SigninPage />, { auth, route: '/signin-page?next=/settings/two-factor', path: '/signin-page' })
    const code = await passwordStep()
    expect(code).toHaveAttribute('autocomplete', 'one-time-code')
    expect(code).toHaveAttribute('inputmode', 'numeric')
    await waitFor(() => expect(code).toHaveFocus())

    amplify.confirmSignIn.mockRejectedValueOnce(cognitoError('CodeMismatchException'))
    await userEvent.type(code, '000000')
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByText('That code is not right. Enter the 6-digit code your authenticator app shows now.')).toBeInTheDocument()
    expect(code).toHaveValue('')

    await userEvent.type(code, '123456')
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    await waitFor(() => expect(screen.getAllByTestId('location').at(-1)).toHaveTextContent('/settings/two-factor'))
    expect(amplify.confirmSignIn).toHaveBeenLastCalledWith({ challengeResponse: '123456' })
    expect(auth.refresh).toHaveBeenCalled()
  })

  it('goes back to the password when the code step has expired', async () => {
    renderApp(<SigninPage />, { auth: authState({ status: 'signedOut', me: null }), route: '/signin-page', path: '/signin-page' })
    const code = await passwordStep()
    amplify.confirmSignIn.mockRejectedValueOnce(cognitoError('NotAuthorizedException'))
    await userEvent.type(code, '123456')
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByText('That took too long. Enter your password again.')).toBeInTheDocument()
    expect(screen.getByLabelText('Password')).toHaveValue('')
  })
})

describe('sign-in after the session expired (issue 18)', () => {
  it('says why, and returns to the page the person was on', async () => {
    amplify.signIn.mockResolvedValueOnce({ isSignedIn: true, nextStep: { signInStep: 'DONE' } })
    const auth = authState({ status: 'signedOut', me: null })
    renderApp(<SigninPage />, { auth, route: '/signin-page?expired=1&next=%2Fmessages%2Fg-1', path: '/signin-page' })
    expect(screen.getByText('Your session expired. Sign in again.')).toHaveAttribute('role', 'status')
    await userEvent.type(screen.getByLabelText('Email'), 'ann@example.com')
    await userEvent.type(screen.getByLabelText('Password'), 'pw')
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    await waitFor(() => expect(screen.getAllByTestId('location').at(-1)).toHaveTextContent('/messages/g-1'))
  })

  it('does not say whether an email is registered', async () => {
    amplify.signIn.mockRejectedValueOnce(cognitoError('UserNotFoundException'))
    renderApp(<SigninPage />, { auth: authState({ status: 'signedOut', me: null }), route: '/signin-page', path: '/signin-page' })
    await userEvent.type(screen.getByLabelText('Email'), 'nobody@example.com')
    await userEvent.type(screen.getByLabelText('Password'), 'pw')
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByText('Incorrect email or password.')).toBeInTheDocument()
  })
})

import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { setConfigForTests } from '../lib/config'
import { authState, mockFetch, renderApp } from '../test/render'

const amplify = vi.hoisted(() => ({
  signUp: vi.fn(async () => ({ isSignUpComplete: false, nextStep: { signUpStep: 'CONFIRM_SIGN_UP' } })),
  confirmSignUp: vi.fn(async () => ({ isSignUpComplete: true, nextStep: { signUpStep: 'DONE' } })),
}))
vi.mock('aws-amplify/auth', () => amplify)

const { default: SignupPage } = await import('./SignupPage')
const { default: ConfirmPage } = await import('./ConfirmPage')

// What Cognito answers when a trigger refuses: its own period after the trigger's sentence.
const refused = (trigger: string, handle: string) =>
  Object.assign(new Error(`${trigger} failed with error The handle @${handle} is taken..`), { name: 'UserLambdaValidationException' })

beforeEach(() => {
  setConfigForTests({ region: 'r', userPoolId: 'p', userPoolClientId: 'c', authFlowType: 'USER_PASSWORD_AUTH' })
  Object.values(amplify).forEach((fn) => fn.mockClear())
})

describe('a taken handle', () => {
  it('is said once, with one period, under the Username field, which takes focus', async () => {
    mockFetch({})
    amplify.signUp.mockRejectedValueOnce(refused('PreSignUp', 'andrew'))
    renderApp(<SignupPage />, { auth: authState({ status: 'signedOut', me: null }) })
    await userEvent.type(screen.getByLabelText('Name'), 'Andrew Brown')
    await userEvent.type(screen.getByLabelText('Email'), 'andrew@example.com')
    await userEvent.type(screen.getByLabelText('Username'), 'andrew')
    await userEvent.type(screen.getByLabelText('Password'), 'Secret-123')
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }))

    const field = screen.getByLabelText('Username')
    await waitFor(() => expect(field).toHaveFocus())
    expect(field).toHaveAttribute('aria-invalid', 'true')
    expect(field).toHaveAccessibleDescription(expect.stringContaining('@andrew is taken. Choose another username.'))
    expect(screen.getAllByText(/is taken/)).toHaveLength(1)
    expect(document.body.textContent).not.toContain('..')

    await userEvent.type(field, '_b') // another handle: the server's word goes until it is asked again
    expect(screen.queryByText(/is taken/)).not.toBeInTheDocument()
    expect(field).not.toHaveAttribute('aria-invalid')
  })

  it('at confirmation (older data) leads to sign-in, which goes on to choosing another', async () => {
    mockFetch({})
    amplify.confirmSignUp.mockRejectedValueOnce(refused('PostConfirmation', 'andrew'))
    renderApp(<ConfirmPage />, { auth: authState({ status: 'signedOut', me: null }), route: '/confirm?email=andrew@example.com', path: '/confirm' })
    await userEvent.type(screen.getByLabelText('Confirmation code'), '123456')
    await userEvent.click(screen.getByRole('button', { name: 'Confirm email' }))
    await waitFor(() => expect(screen.getAllByTestId('location').at(-1)).toHaveTextContent('/signin?confirmed=1&email=andrew%40example.com'))
    expect(screen.queryByText(/is taken/)).not.toBeInTheDocument()
  })
})

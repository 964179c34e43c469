import { beforeEach, describe, expect, it, vi } from 'vitest'
import { setConfigForTests } from '../lib/config'

const amplify = vi.hoisted(() => ({
  signUp: vi.fn(async () => ({ isSignUpComplete: false, nextStep: { signUpStep: 'CONFIRM_SIGN_UP' } })),
  confirmSignUp: vi.fn(async () => ({ isSignUpComplete: true, nextStep: { signUpStep: 'COMPLETE_AUTO_SIGN_IN' } })),
  autoSignIn: vi.fn(async () => ({ isSignedIn: true, nextStep: { signInStep: 'DONE' } })),
  signIn: vi.fn(async (): Promise<{ isSignedIn: boolean; nextStep: { signInStep: string } }> => ({ isSignedIn: true, nextStep: { signInStep: 'DONE' } })),
  confirmSignIn: vi.fn(async (): Promise<{ isSignedIn: boolean; nextStep: { signInStep: string } }> => ({ isSignedIn: true, nextStep: { signInStep: 'DONE' } })),
  signOut: vi.fn(async () => {}),
  resendSignUpCode: vi.fn(),
  resetPassword: vi.fn(),
  confirmResetPassword: vi.fn(),
}))
vi.mock('aws-amplify/auth', () => amplify)

const { authMessage, doConfirm, doConfirmTotp, doSignIn, doSignUp } = await import('./cognito')

beforeEach(() => {
  setConfigForTests({ region: 'r', userPoolId: 'p', userPoolClientId: 'c', authFlowType: 'USER_PASSWORD_AUTH' })
  Object.values(amplify).forEach((fn) => fn.mockClear())
})

describe('cognito flows', () => {
  it('signs up with the email as username and the handle as preferred_username', async () => {
    await doSignUp({ email: ' Ann@Example.com ', password: 'Pw-12345', name: ' Ann ', handle: 'ann_1' })
    expect(amplify.signUp).toHaveBeenCalledWith({
      username: 'ann@example.com',
      password: 'Pw-12345',
      options: {
        userAttributes: { email: 'ann@example.com', name: 'Ann', preferred_username: 'ann_1' },
        autoSignIn: { authFlowType: 'USER_PASSWORD_AUTH' },
      },
    })
  })

  it('confirms, then signs in with the password remembered from sign-up', async () => {
    await doSignUp({ email: 'bob@example.com', password: 'Pw-12345', name: 'Bob', handle: 'bob' })
    await expect(doConfirm('bob@example.com', ' 123456 ')).resolves.toBe(true)
    expect(amplify.confirmSignUp).toHaveBeenCalledWith({ username: 'bob@example.com', confirmationCode: '123456' })
    expect(amplify.signIn).toHaveBeenCalledWith({ username: 'bob@example.com', password: 'Pw-12345', options: { authFlowType: 'USER_PASSWORD_AUTH' } })
    expect(amplify.autoSignIn).not.toHaveBeenCalled()
  })

  it('falls back to auto sign-in when this tab did not do the sign-up', async () => {
    await expect(doConfirm('carol@example.com', '1')).resolves.toBe(true)
    expect(amplify.autoSignIn).toHaveBeenCalled()
    expect(amplify.signIn).not.toHaveBeenCalled()
  })

  it('uses SRP unless the runtime config says otherwise', async () => {
    setConfigForTests({ region: 'r', userPoolId: 'p', userPoolClientId: 'c' })
    await doSignIn('d@example.com', 'x')
    expect(amplify.signIn).toHaveBeenCalledWith(expect.objectContaining({ options: { authFlowType: 'USER_SRP_AUTH' } }))
  })

  it('explains Cognito errors in plain words', () => {
    expect(authMessage({ name: 'UsernameExistsException', message: 'x' })).toMatch(/already exists/)
    expect(authMessage({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' })).toBe('Incorrect email or password.')
    expect(authMessage({ name: 'Weird', message: 'Raw message' })).toBe('Raw message')
    const refused = { name: 'UserLambdaValidationException', message: 'PreSignUp failed with error This email may not sign up..' }
    expect(authMessage(refused)).toBe('This email may not sign up.') // one period, not Cognito's second
  })

  it('stops at the two-factor step and answers it with the code', async () => {
    amplify.signIn.mockResolvedValueOnce({ isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' } })
    await expect(doSignIn('e@example.com', 'pw')).resolves.toBe('totp')
    await expect(doConfirmTotp(' 123 456 ')).resolves.toBe('signedIn')
    expect(amplify.confirmSignIn).toHaveBeenCalledWith({ challengeResponse: '123456' })
  })

  it('says a wrong authenticator code plainly, and an expired step as such', async () => {
    const cognitoError = (name: string) => Object.assign(new Error(name), { name })
    amplify.confirmSignIn.mockRejectedValueOnce(cognitoError('CodeMismatchException'))
    const wrong = await doConfirmTotp('000000').catch((e: unknown) => e)
    expect(authMessage(wrong)).toBe('That code is not right. Enter the 6-digit code your authenticator app shows now.')
    amplify.confirmSignIn.mockRejectedValueOnce(cognitoError('NotAuthorizedException'))
    const expired = await doConfirmTotp('000000').catch((e: unknown) => e)
    expect(expired).toMatchObject({ name: 'TotpSessionExpired' })
    expect(authMessage(expired)).toBe('That took too long. Enter your password again.')
  })
})

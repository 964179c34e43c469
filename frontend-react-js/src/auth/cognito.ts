/**
 * Sign-up, confirmation, sign-in and password reset over Amplify v6, with messages people can act on.
 * Only the (lazy) auth pages import this module, so its SRP crypto stays out of the initial bundle.
 */
import {
  autoSignIn,
  confirmResetPassword,
  confirmSignIn,
  confirmSignUp,
  resendSignUpCode,
  resetPassword,
  signIn,
  signOut,
  signUp,
  type SignInOutput,
} from 'aws-amplify/auth'
import { authFlowType } from '../lib/config'

/** A wrong 6-digit code from the authenticator app (the email codes have their own sentence). */
export const TOTP_MISMATCH = 'That code is not right. Enter the 6-digit code your authenticator app shows now.'

const FRIENDLY: Record<string, string> = {
  UsernameExistsException: 'An account with this email already exists. Try signing in.',
  // Never say whether an email is registered (issue 18): a wrong email reads as a wrong password.
  UserNotFoundException: 'Incorrect email or password.',
  NotAuthorizedException: 'Incorrect email or password.',
  UserNotConfirmedException: 'Confirm your email first.',
  CodeMismatchException: 'That code is not right. Check the email we sent and try again.',
  ExpiredCodeException: 'That code has expired. Ask for a new one.',
  InvalidPasswordException: 'Use at least 8 characters with upper and lower case letters, a digit and a symbol.',
  LimitExceededException: 'Too many attempts. Wait a moment and try again.',
  TooManyRequestsException: 'Too many attempts. Wait a moment and try again.',
  UserAlreadyAuthenticatedException: 'You are already signed in.',
  // issue 16: two-factor sign-in (a wrong code from the authenticator app; the sign-in step timed out)
  EnableSoftwareTokenMFAException: TOTP_MISMATCH,
  TotpCodeMismatch: TOTP_MISMATCH,
  TotpCodeRequired: 'Enter the 6-digit code from your authenticator app.',
  TotpSessionExpired: 'That took too long. Enter your password again.',
  NetworkError: 'Cannot reach the sign-in service. Check your connection.',
}

/** A sentence for an Amplify/Cognito error. */
export function authMessage(error: unknown): string {
  if (error && typeof error === 'object') {
    const { name, message } = error as { name?: string; message?: string }
    if (name === 'UserLambdaValidationException' || name === 'PreSignUpLambdaValidationException') {
      // Cognito adds its own period after the trigger's sentence ("…is taken.."): one is enough.
      return message?.replace(/^.*failed with error\s*/i, '').replace(/\.{2,}$/, '.') || 'That sign-up was refused.'
    }
    if (name && FRIENDLY[name]) {
      if (name === 'NotAuthorizedException' && message && /limit|attempts/i.test(message)) return message
      return FRIENDLY[name]
    }
    if (message) return message
  }
  return 'Something went wrong. Please try again.'
}

export function errorName(error: unknown): string | undefined {
  return error && typeof error === 'object' ? (error as { name?: string }).name : undefined
}

/** Kept in memory between the sign-up and confirm steps so confirming can sign the person in. */
let pending: { email: string; password: string } | null = null

export function rememberPendingSignup(email: string, password: string): void {
  pending = { email, password }
}

export async function doSignUp(input: { email: string; password: string; name: string; handle: string }) {
  const email = input.email.trim().toLowerCase()
  const result = await signUp({
    username: email,
    password: input.password,
    options: {
      userAttributes: { email, name: input.name.trim(), preferred_username: input.handle.trim() },
      autoSignIn: { authFlowType: authFlowType() },
    },
  })
  rememberPendingSignup(email, input.password)
  return result
}

/**
 * Confirm the email, then sign in: with the password kept in memory from the sign-up step when this
 * tab has it (same flow as a normal sign-in), else with Amplify's auto sign-in. Returns true when
 * signed in; false means "confirmed, now sign in yourself" (e.g. the page was reloaded).
 */
export async function doConfirm(email: string, code: string): Promise<boolean> {
  const username = email.trim().toLowerCase()
  const result = await confirmSignUp({ username, confirmationCode: code.trim() })
  if (pending && pending.email === username) {
    const { password } = pending
    pending = null
    return (await doSignIn(username, password)) === 'signedIn'
  }
  if (result.nextStep.signUpStep === 'COMPLETE_AUTO_SIGN_IN') {
    try {
      return (await autoSignIn()).isSignedIn
    } catch {
      return false
    }
  }
  return false
}

export function doResend(email: string) {
  return resendSignUpCode({ username: email.trim().toLowerCase() })
}

/** Where a sign-in stands: done, or waiting for the code of the person's authenticator app (issue 16). */
export type SignInStep = 'signedIn' | 'totp'

/** Sign in with email and password; throws a Cognito error when refused. */
export async function doSignIn(email: string, password: string): Promise<SignInStep> {
  const username = email.trim().toLowerCase()
  const attempt = () => signIn({ username, password, options: { authFlowType: authFlowType() } })
  let result
  try {
    result = await attempt()
  } catch (error) {
    if (errorName(error) !== 'UserAlreadyAuthenticatedException') throw error
    await signOut()
    result = await attempt()
  }
  return signInStep(result)
}

/**
 * Answer the two-factor step with the authenticator app's code. A wrong code throws
 * `CodeMismatchException` and the step can be answered again; an expired step throws
 * `TotpSessionExpired` (start again with the password).
 */
export async function doConfirmTotp(code: string): Promise<SignInStep> {
  try {
    return signInStep(await confirmSignIn({ challengeResponse: code.replace(/\s/g, '') }))
  } catch (error) {
    const name = errorName(error)
    if (name === 'CodeMismatchException' || name === 'EnableSoftwareTokenMFAException') throw named('TotpCodeMismatch', TOTP_MISMATCH)
    if (name === 'NotAuthorizedException' || name === 'SignInException') throw named('TotpSessionExpired', FRIENDLY.TotpSessionExpired)
    throw error
  }
}

function signInStep(result: SignInOutput): SignInStep {
  if (result.isSignedIn) return 'signedIn'
  switch (result.nextStep.signInStep) {
    case 'CONFIRM_SIGN_IN_WITH_TOTP_CODE':
      return 'totp'
    case 'CONFIRM_SIGN_UP':
      throw named('UserNotConfirmedException', 'Confirm your email first.')
    default:
      throw new Error('This account needs a sign-in step Cruddur does not support yet.')
  }
}

/** An Error with a Cognito-style name, so `authMessage` and the pages can tell it apart. */
export function named(name: string, message: string): Error {
  const error = new Error(message)
  error.name = name
  return error
}

export function doResetPassword(email: string) {
  return resetPassword({ username: email.trim().toLowerCase() })
}

export function doConfirmReset(email: string, code: string, newPassword: string) {
  return confirmResetPassword({ username: email.trim().toLowerCase(), confirmationCode: code.trim(), newPassword })
}

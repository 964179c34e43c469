import { errorName } from '../auth/cognito'

/**
 * The handle a sign-up or confirmation was refused for, when Cognito's trigger refused it as taken
 * (PreSignUp reserves handles; PostConfirmation finds one taken in older data). Cognito wraps the
 * trigger's sentence as "PreSignUp failed with error The handle @x is taken.." (its own period after
 * ours), so the pages word it themselves instead of showing that.
 */
export function refusedHandle(error: unknown): string | null {
  const name = errorName(error)
  if (name !== 'UserLambdaValidationException' && name !== 'PreSignUpLambdaValidationException') return null
  const message = (error as { message?: unknown }).message
  const found = typeof message === 'string' ? /@(\w+) is taken/.exec(message) : null
  return found ? found[1] : null
}

/** The Username field's words for a taken handle (the same as on the complete-profile page). */
export const takenWords = (handle: string) => `@${handle} is taken. Choose another username.`

/**
 * Two-factor authentication (TOTP, issue 16) and re-authentication, for Settings.
 *
 * Turning it on goes through Amplify with the signed-in session (`setUpTOTP` → `verifyTOTPSetup` →
 * `updateMFAPreference`). Turning it off and deleting the account need a FRESH access token (the API
 * and ACCOUNT-CONTRACT.md ask for a sign-in within 10 minutes): `reauthenticate` asks Cognito directly
 * (`InitiateAuth` USER_PASSWORD_AUTH, answering `SOFTWARE_TOKEN_MFA`), so the signed-in session in
 * Amplify's store is never touched; the fresh tokens live only in memory for the one call.
 */
import { fetchMFAPreference, setUpTOTP, updateMFAPreference, verifyTOTPSetup } from 'aws-amplify/auth'
import { getConfig } from '../lib/config'
import { errorName, named, TOTP_MISMATCH } from './cognito'

/** The issuer shown in authenticator apps. */
export const TOTP_ISSUER = 'Cruddur'

export type TotpSetup = { secret: string; uri: string }

/** Whether the signed-in person has an authenticator app set up (Cognito's `UserMFASettingList`). */
export async function totpEnabled(): Promise<boolean> {
  const { enabled } = await fetchMFAPreference()
  return enabled?.includes('TOTP') ?? false
}

/** A new secret for an authenticator app (`AssociateSoftwareToken`), as text and as an `otpauth://` URI. */
export async function startTotpSetup(account: string): Promise<TotpSetup> {
  const details = await setUpTOTP()
  const uri = details.getSetupUri(TOTP_ISSUER, encodeURIComponent(account)).toString()
  return { secret: details.sharedSecret, uri }
}

/** Check the app's first code (`VerifySoftwareToken`), then make TOTP the preferred second factor. */
export async function finishTotpSetup(code: string): Promise<void> {
  try {
    await verifyTOTPSetup({ code: code.replace(/\s/g, '') })
  } catch (error) {
    throw mismatch(error)
  }
  await updateMFAPreference({ totp: 'PREFERRED' })
}

/** Turn two-factor off with a fresh token from `reauthenticate` (`SetUserMFAPreference`). */
export async function disableTotp(freshToken: string): Promise<void> {
  await cognito('SetUserMFAPreference', {
    AccessToken: freshToken,
    SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false },
  })
}

type AuthResult = { AuthenticationResult?: { AccessToken?: string }; ChallengeName?: string; Session?: string; ChallengeParameters?: Record<string, string> }

/**
 * A fresh access token for this person: the password, then the authenticator code when Cognito asks
 * for one. Throws `TotpCodeRequired` when it asks and no code was given (the form then shows the field),
 * `TotpCodeMismatch` for a wrong code, `NotAuthorizedException` for a wrong password.
 */
export async function reauthenticate({ email, password, code }: { email: string; password: string; code?: string }): Promise<string> {
  const clientId = requireConfig().userPoolClientId
  const username = email.trim().toLowerCase()
  let result = await cognito<AuthResult>('InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: clientId,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  })
  if (result.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
    const digits = code?.replace(/\s/g, '') ?? ''
    if (!digits) throw named('TotpCodeRequired', 'Enter the 6-digit code from your authenticator app.')
    try {
      result = await cognito<AuthResult>('RespondToAuthChallenge', {
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        ClientId: clientId,
        Session: result.Session,
        ChallengeResponses: { USERNAME: result.ChallengeParameters?.USER_ID_FOR_SRP ?? username, SOFTWARE_TOKEN_MFA_CODE: digits },
      })
    } catch (error) {
      throw mismatch(error)
    }
  }
  const token = result.AuthenticationResult?.AccessToken
  if (!token) throw new Error('This account needs a sign-in step Cruddur does not support yet.')
  return token
}

function mismatch(error: unknown): unknown {
  const name = errorName(error)
  return name === 'CodeMismatchException' || name === 'EnableSoftwareTokenMFAException' ? named('TotpCodeMismatch', TOTP_MISMATCH) : error
}

function requireConfig() {
  const config = getConfig()
  if (!config) throw new Error('The app is not configured yet.')
  return config
}

/** One call of Cognito's JSON API at the configured endpoint (the local one, or the region's). */
async function cognito<T = unknown>(action: string, body: Record<string, unknown>): Promise<T> {
  const config = requireConfig()
  const endpoint = config.cognitoEndpoint || `https://cognito-idp.${config.region}.amazonaws.com/`
  let response: Response
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}` },
      body: JSON.stringify(body),
      cache: 'no-store',
    })
  } catch {
    throw named('NetworkError', 'Cannot reach the sign-in service.')
  }
  const parsed = (await response.json().catch(() => ({}))) as T & { __type?: string; message?: string; Message?: string }
  if (response.ok) return parsed
  // "com.amazonaws…#CodeMismatchException" or "CodeMismatchException:http://…"
  const type = (response.headers.get('x-amzn-errortype') ?? parsed.__type ?? 'UnknownError').split('#').pop()!.split(':')[0]
  throw named(type, parsed.message ?? parsed.Message ?? `Cognito answered ${response.status}`)
}

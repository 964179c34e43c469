/** Session plumbing loaded with the app: configuration, tokens, claims, sign-out. */
import { Amplify } from 'aws-amplify'
import { fetchAuthSession, signOut } from 'aws-amplify/auth'
import { Hub } from 'aws-amplify/utils'
import type { RuntimeConfig } from '../lib/config'

export function configureAmplify(config: RuntimeConfig): void {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: config.userPoolId,
        userPoolClientId: config.userPoolClientId,
        ...(config.cognitoEndpoint ? { userPoolEndpoint: config.cognitoEndpoint } : {}),
        loginWith: { email: true },
        signUpVerificationMethod: 'code',
      },
    },
  })
}

/** The current access token (Amplify refreshes it before expiry), or null when signed out. */
export async function accessToken(options?: { forceRefresh?: boolean }): Promise<string | null> {
  try {
    const session = await fetchAuthSession({ forceRefresh: options?.forceRefresh ?? false })
    return session.tokens?.accessToken?.toString() ?? null
  } catch {
    return null
  }
}

export type SessionClaims = { sub: string; email?: string; name?: string; preferred_username?: string; exp?: number; groups?: string[] }

/** Identity claims from the ID token (no network), or null when signed out. */
export async function sessionClaims(): Promise<SessionClaims | null> {
  try {
    const session = await fetchAuthSession()
    const tokens = session.tokens
    if (!tokens?.accessToken) return null
    const id = (tokens.idToken?.payload ?? {}) as Record<string, unknown>
    const access = tokens.accessToken.payload as Record<string, unknown>
    return {
      sub: String(access.sub ?? id.sub ?? ''),
      email: typeof id.email === 'string' ? id.email : undefined,
      name: typeof id.name === 'string' ? id.name : undefined,
      preferred_username: typeof id.preferred_username === 'string' ? id.preferred_username : undefined,
      exp: typeof access.exp === 'number' ? access.exp : undefined,
      groups: Array.isArray(access['cognito:groups']) ? access['cognito:groups'].map(String) : undefined,
    }
  } catch {
    return null
  }
}

export async function doSignOut(): Promise<void> {
  await signOut()
}

/** Call `onChange` when Amplify signs in, signs out or fails to refresh the session. */
export function onSessionChange(onChange: () => void): () => void {
  return Hub.listen('auth', ({ payload }) => {
    if (payload.event === 'signedIn' || payload.event === 'signedOut' || payload.event === 'tokenRefresh_failure') onChange()
  })
}

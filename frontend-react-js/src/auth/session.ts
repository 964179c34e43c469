/** Session plumbing loaded with the app: configuration, tokens (kept fresh by the keeper), claims, sign-out. */
import { Amplify } from 'aws-amplify'
import { fetchAuthSession, signOut } from 'aws-amplify/auth'
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito'
import { Hub } from 'aws-amplify/utils'
import type { RuntimeConfig } from '../lib/config'
import { CHANNEL_NAME, LOCK_NAME, SessionKeeper, type SessionMessage, type StoredToken } from './keeper'

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

/** What the token store holds (no network): the tokens, or null when signed out. */
async function storedTokens() {
  try {
    return await cognitoUserPoolsTokenProvider.authTokenStore.loadTokens()
  } catch {
    return null
  }
}

async function loadStored(): Promise<StoredToken | null> {
  const tokens = await storedTokens()
  const exp = tokens?.accessToken?.payload?.exp
  if (!tokens || typeof exp !== 'number') return null
  return { token: tokens.accessToken.toString(), exp, drift: tokens.clockDrift ?? 0 }
}

const HELD = Symbol('held by another tab')

/**
 * Run `fn` holding the cross-tab refresh lock, telling it whether another tab held the lock first (just run
 * it where the Web Locks API is missing).
 */
async function withLock<T>(fn: (waited: boolean) => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  if (!locks) return fn(false)
  const now = await locks.request(LOCK_NAME, { ifAvailable: true }, (lock) => (lock ? fn(false) : HELD))
  if (now !== HELD) return now as T
  return locks.request(LOCK_NAME, () => fn(true)) as Promise<T>
}

const channel: BroadcastChannel | null = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL_NAME)

/** The one keeper of this tab's session (src/auth/keeper.ts); Amplify stores the tokens all tabs share. */
export const keeper = new SessionKeeper({
  load: loadStored,
  // Amplify answers a refused refresh token with no tokens (and clears them); other failures throw.
  refresh: async () => Boolean((await fetchAuthSession({ forceRefresh: true })).tokens?.accessToken),
  lock: withLock,
  post: (message) => channel?.postMessage(message),
  listen: (onMessage) => {
    if (!channel) return () => {}
    const listener = (event: MessageEvent<SessionMessage>) => onMessage(event.data)
    channel.addEventListener('message', listener)
    return () => channel.removeEventListener('message', listener)
  },
})

/** The access token to send (refreshed before expiry, once for all callers and tabs), or null when signed out. */
export function accessToken(options?: { forceRefresh?: boolean }): Promise<string | null> {
  return keeper.token(options)
}

export type SessionClaims = { sub: string; email?: string; name?: string; preferred_username?: string; exp?: number; groups?: string[] }

/** Identity claims from the stored tokens (no network, no refresh), or null when signed out. */
export async function sessionClaims(): Promise<SessionClaims | null> {
  const tokens = await storedTokens()
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
}

export async function doSignOut(): Promise<void> {
  await signOut()
}

/**
 * Call `onChange` when Amplify signs in or out (here or in another tab). Not on `tokenRefresh_failure`:
 * re-reading the session there started the next refresh, whose failure fired the event again (the
 * 65-a-second loop of issue 18); the keeper owns refresh failures.
 */
export function onSessionChange(onChange: () => void): () => void {
  return Hub.listen('auth', ({ payload }) => {
    if (payload.event === 'signedIn' || payload.event === 'signedOut') onChange()
  })
}

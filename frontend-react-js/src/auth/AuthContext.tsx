import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { setTokenProvider } from '../api/client'
import type { Me } from '../api/types'
import { getMe } from '../api/users'
import { accessToken, doSignOut, onSessionChange, sessionClaims } from './session'

/** The Cognito group of moderators (cruddur_common.auth.MODERATORS). */
export const MODERATORS = 'moderators'

export type AuthStatus = 'loading' | 'signedIn' | 'signedOut'

export type AuthState = {
  status: AuthStatus
  /** The signed-in person's profile from the user service (Cognito claims until it loads). */
  me: Me | null
  /** Re-read the session and profile, e.g. after signing in. */
  refresh: () => Promise<void>
  /** Replace the cached profile after an edit. */
  setMe: (me: Me) => void
  signOut: () => Promise<void>
}

const AuthContext = createContext<AuthState | null>(null)

export function useAuth(): AuthState {
  const value = useContext(AuthContext)
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>')
  return value
}

/** For tests and stories: provide a fixed auth state. */
export const AuthContextProvider = AuthContext.Provider

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthStatus>('loading')
  const [me, setMe] = useState<Me | null>(null)

  const refresh = useCallback(async () => {
    const claims = await sessionClaims()
    if (!claims) {
      setMe(null)
      setStatus('signedOut')
      return
    }
    // The access token's groups say who may see the Moderation page until /api/users/me answers
    // (the service reads the same claim; the page itself is only a view, the API enforces).
    const moderator = claims.groups?.includes(MODERATORS) ?? false
    setMe(
      (prev) =>
        prev ?? {
          uuid: claims.sub,
          handle: claims.preferred_username ?? '',
          display_name: claims.name ?? claims.preferred_username ?? '',
          email: claims.email,
          avatar_url: '',
          moderator,
        },
    )
    setStatus('signedIn')
    try {
      const profile = await getMe()
      setMe({ ...profile, moderator: profile.moderator ?? moderator })
    } catch {
      // The claims above keep the app usable while the user service is unreachable.
    }
  }, [])

  const signOut = useCallback(async () => {
    try {
      await doSignOut()
    } finally {
      setMe(null)
      setStatus('signedOut')
    }
  }, [])

  useEffect(() => {
    setTokenProvider(accessToken)
    // eslint-disable-next-line react-hooks/set-state-in-effect -- loads the session from Amplify's store (the external system) once on mount
    void refresh()
    // A refresh token that expired or was revoked signs the person out everywhere in the app.
    return onSessionChange(() => void refresh())
  }, [refresh])

  const value = useMemo<AuthState>(() => ({ status, me, refresh, setMe, signOut }), [status, me, refresh, signOut])
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

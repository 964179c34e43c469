import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { ApiError, setTokenProvider } from '../api/client'
import type { Me } from '../api/types'
import { getMe } from '../api/users'
import { accessToken, doSignOut, keeper, onSessionChange, sessionClaims } from './session'

/** The Cognito group of moderators (cruddur_common.auth.MODERATORS). */
export const MODERATORS = 'moderators'

export type AuthStatus = 'loading' | 'signedIn' | 'signedOut'

/** Why the person was signed out without asking: the session could not be refreshed any more. */
export type AuthNotice = 'expired'

export type AuthState = {
  status: AuthStatus
  /** The signed-in person's profile from the user service (Cognito claims until it loads). */
  me: Me | null
  /** Re-read the session and profile, e.g. after signing in. */
  refresh: () => Promise<void>
  /** Replace the cached profile after an edit. */
  setMe: (me: Me) => void
  signOut: () => Promise<void>
  /** Set once when the session ended by itself (refresh refused); the sign-in page says so. */
  notice?: AuthNotice | null
  clearNotice?: () => void
  /** Signed in, but the user service has no profile yet (409 `profile_incomplete`): choose a handle. */
  profileIncomplete?: boolean
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
  const [me, setMeState] = useState<Me | null>(null)
  const [notice, setNotice] = useState<AuthNotice | null>(null)
  const [profileIncomplete, setProfileIncomplete] = useState(false)

  const setMe = useCallback((profile: Me) => {
    setMeState(profile)
    setProfileIncomplete(false)
  }, [])

  const refresh = useCallback(async () => {
    const claims = await sessionClaims()
    if (!claims) {
      setMeState(null)
      setProfileIncomplete(false)
      setStatus('signedOut')
      return
    }
    // The access token's groups say who may see the Moderation page until /api/users/me answers
    // (the service reads the same claim; the page itself is only a view, the API enforces).
    const moderator = claims.groups?.includes(MODERATORS) ?? false
    setMeState(
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
    setNotice(null)
    try {
      const profile = await getMe()
      setMe({ ...profile, moderator: profile.moderator ?? moderator })
    } catch (error) {
      // The claims above keep the app usable while the user service is unreachable; a confirmed
      // sign-in whose handle went to someone else first has no profile: it chooses a handle.
      if (error instanceof ApiError && error.code === 'profile_incomplete') setProfileIncomplete(true)
    }
  }, [setMe])

  const endSession = useCallback((why: AuthNotice | null) => {
    setMeState(null)
    setProfileIncomplete(false)
    setStatus('signedOut')
    setNotice(why)
  }, [])

  const signOut = useCallback(async () => {
    keeper.stop()
    try {
      await doSignOut()
    } finally {
      endSession(null)
    }
  }, [endSession])

  // The refresh token was refused (here or in another tab): one clean sign-out, and say why.
  const expire = useCallback(() => {
    void doSignOut()
      .catch(() => {})
      .finally(() => endSession('expired'))
  }, [endSession])

  useEffect(() => {
    setTokenProvider(accessToken)
    // eslint-disable-next-line react-hooks/set-state-in-effect -- loads the session from Amplify's store (the external system) once on mount
    void refresh()
    return onSessionChange(() => void refresh())
  }, [refresh])

  useEffect(() => {
    if (status !== 'signedIn') return
    keeper.start(expire)
    return () => keeper.stop()
  }, [status, expire])

  const clearNotice = useCallback(() => setNotice(null), [])
  const value = useMemo<AuthState>(
    () => ({ status, me, refresh, setMe, signOut, notice, clearNotice, profileIncomplete }),
    [status, me, refresh, setMe, signOut, notice, clearNotice, profileIncomplete],
  )
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

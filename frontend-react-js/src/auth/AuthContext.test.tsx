import { render, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { json, mockFetch } from '../test/render'
import { AuthProvider, useAuth } from './AuthContext'

const session = vi.hoisted(() => ({
  claims: null as null | Record<string, unknown>,
  signOut: vi.fn(async () => {}),
  expire: null as null | (() => void),
}))

vi.mock('./session', () => ({
  accessToken: async () => (session.claims ? 'tok' : null),
  sessionClaims: async () => session.claims,
  doSignOut: session.signOut,
  onSessionChange: () => () => {},
  keeper: {
    start: (onExpired: () => void) => (session.expire = onExpired),
    stop: () => {},
  },
}))

function Who() {
  const { status, me, signOut, notice, profileIncomplete } = useAuth()
  return (
    <div>
      <p>status:{status}</p>
      <p>notice:{notice ?? 'none'}</p>
      <p>incomplete:{String(Boolean(profileIncomplete))}</p>
      <p>me:{me ? `${me.display_name} @${me.handle}` : 'nobody'}</p>
      <p>moderator:{String(Boolean(me?.moderator))}</p>
      <button onClick={() => void signOut()}>out</button>
    </div>
  )
}

beforeEach(() => {
  session.claims = null
  session.expire = null
  session.signOut.mockClear()
})

describe('AuthProvider', () => {
  it('is signed out without a session', async () => {
    mockFetch({})
    render(<AuthProvider><Who /></AuthProvider>)
    expect(await screen.findByText('status:signedOut')).toBeInTheDocument()
    expect(screen.getByText('me:nobody')).toBeInTheDocument()
  })

  it('uses the user service profile (not the stale Cognito name) for the signed-in person', async () => {
    session.claims = { sub: 's-1', name: 'Old Name', preferred_username: 'andrewbrown', email: 'a@b.co' }
    const { calls } = mockFetch({
      'GET /api/users/me': () => json({ uuid: 'u-1', handle: 'andrewbrown', display_name: 'New Name', avatar_url: '/assets/a.jpg' }),
    })
    render(<AuthProvider><Who /></AuthProvider>)
    expect(await screen.findByText('status:signedIn')).toBeInTheDocument()
    await waitFor(() => expect(screen.getByText('me:New Name @andrewbrown')).toBeInTheDocument())
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer tok')
    screen.getByRole('button', { name: 'out' }).click()
    expect(await screen.findByText('status:signedOut')).toBeInTheDocument()
    expect(session.signOut).toHaveBeenCalled()
  })

  it('stays usable with the Cognito claims when the user service is down', async () => {
    session.claims = { sub: 's-1', name: 'Claim Name', preferred_username: 'claimer' }
    mockFetch({ 'GET /api/users/me': () => json({ error: { code: 'unavailable', message: 'down' } }, 503) })
    render(<AuthProvider><Who /></AuthProvider>)
    expect(await screen.findByText('me:Claim Name @claimer')).toBeInTheDocument()
  })
})

describe('AuthProvider session end and missing profile (issue 18)', () => {
  it('signs out once and says the session expired when the keeper gives up', async () => {
    session.claims = { sub: 's-1', preferred_username: 'ada' }
    mockFetch({ 'GET /api/users/me': () => json({ uuid: 'u-1', handle: 'ada', display_name: 'Ada', avatar_url: '' }) })
    render(<AuthProvider><Who /></AuthProvider>)
    expect(await screen.findByText('status:signedIn')).toBeInTheDocument()
    await waitFor(() => expect(session.expire).not.toBeNull())
    session.claims = null
    session.expire?.()
    expect(await screen.findByText('notice:expired')).toBeInTheDocument()
    expect(screen.getByText('status:signedOut')).toBeInTheDocument()
    expect(session.signOut).toHaveBeenCalledTimes(1)
  })

  it('knows when the signed-in person has no profile yet', async () => {
    session.claims = { sub: 's-1', preferred_username: 'taken' }
    mockFetch({ 'GET /api/users/me': () => json({ error: { code: 'profile_incomplete', message: 'Choose a handle.' } }, 409) })
    render(<AuthProvider><Who /></AuthProvider>)
    expect(await screen.findByText('incomplete:true')).toBeInTheDocument()
  })
})

describe('AuthProvider moderator', () => {
  it('takes moderator from /api/users/me', async () => {
    session.claims = { sub: 's-1', preferred_username: 'mod' }
    mockFetch({ 'GET /api/users/me': () => json({ uuid: 'u-1', handle: 'mod', display_name: 'Mod', avatar_url: '', moderator: true }) })
    render(<AuthProvider><Who /></AuthProvider>)
    expect(await screen.findByText('moderator:true')).toBeInTheDocument()
  })

  it('falls back to the access token groups while the profile lacks the flag', async () => {
    session.claims = { sub: 's-1', preferred_username: 'mod', groups: ['moderators'] }
    mockFetch({ 'GET /api/users/me': () => json({ uuid: 'u-1', handle: 'mod', display_name: 'Mod', avatar_url: '' }) })
    render(<AuthProvider><Who /></AuthProvider>)
    await waitFor(() => expect(screen.getByText('me:Mod @mod')).toBeInTheDocument())
    expect(screen.getByText('moderator:true')).toBeInTheDocument()
  })

  it('is not a moderator without the group', async () => {
    session.claims = { sub: 's-1', preferred_username: 'someone', groups: ['readers'] }
    mockFetch({ 'GET /api/users/me': () => json({ uuid: 'u-1', handle: 'someone', display_name: 'S', avatar_url: '', moderator: false }) })
    render(<AuthProvider><Who /></AuthProvider>)
    await waitFor(() => expect(screen.getByText('me:S @someone')).toBeInTheDocument())
    expect(screen.getByText('moderator:false')).toBeInTheDocument()
  })
})

import { render, screen, waitFor } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { json, mockFetch } from '../test/render'
import { AuthProvider, useAuth } from './AuthContext'

const session = vi.hoisted(() => ({
  claims: null as null | Record<string, unknown>,
  signOut: vi.fn(async () => {}),
}))

vi.mock('./session', () => ({
  accessToken: async () => (session.claims ? 'tok' : null),
  sessionClaims: async () => session.claims,
  doSignOut: session.signOut,
  onSessionChange: () => () => {},
}))

function Who() {
  const { status, me, signOut } = useAuth()
  return (
    <div>
      <p>status:{status}</p>
      <p>me:{me ? `${me.display_name} @${me.handle}` : 'nobody'}</p>
      <p>moderator:{String(Boolean(me?.moderator))}</p>
      <button onClick={() => void signOut()}>out</button>
    </div>
  )
}

beforeEach(() => {
  session.claims = null
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

import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { authState, renderApp } from '../test/render'
import { RequireAuth } from './RequireAuth'

describe('RequireAuth', () => {
  it('sends signed-out visitors to sign in with the way back', () => {
    renderApp(<RequireAuth><p>secret</p></RequireAuth>, { auth: authState({ status: 'signedOut', me: null }), route: '/messages/abc?x=1' })
    expect(screen.queryByText('secret')).not.toBeInTheDocument()
    expect(screen.getAllByTestId('location')[0]).toHaveTextContent('/signin?next=%2Fmessages%2Fabc%3Fx%3D1')
  })

  it('waits while the session is being checked', () => {
    renderApp(<RequireAuth><p>secret</p></RequireAuth>, { auth: authState({ status: 'loading', me: null }), route: '/notifications' })
    expect(screen.getByText(/Checking your session/)).toBeInTheDocument()
    expect(screen.queryByText('secret')).not.toBeInTheDocument()
  })

  it('renders the page for signed-in people', () => {
    renderApp(<RequireAuth><p>secret</p></RequireAuth>, { route: '/notifications' })
    expect(screen.getByText('secret')).toBeInTheDocument()
  })
})

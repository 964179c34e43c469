import { render, screen, waitFor } from '@testing-library/react'
import { MemoryRouter, Route, Routes } from 'react-router-dom'
import { describe, expect, it, vi } from 'vitest'
import { authState, LocationProbe } from '../test/render'
import { AuthContextProvider, type AuthState } from './AuthContext'
import { SessionGate } from './SessionGate'

function at(route: string, auth: AuthState) {
  return render(
    <AuthContextProvider value={auth}>
      <MemoryRouter initialEntries={[route]}>
        <Routes>
          <Route path="*" element={<SessionGate><p>the page</p></SessionGate>} />
        </Routes>
        <LocationProbe />
      </MemoryRouter>
    </AuthContextProvider>,
  )
}

describe('SessionGate', () => {
  it('takes an expired session to sign-in once, keeping the page for after', async () => {
    const clearNotice = vi.fn()
    at('/messages/g-1?x=1', authState({ status: 'signedOut', me: null, notice: 'expired', clearNotice }))
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/signin?expired=1&next=%2Fmessages%2Fg-1%3Fx%3D1'))
    expect(clearNotice).toHaveBeenCalled()
  })

  it('leads every page of a sign-in without a profile to the page that finishes it', async () => {
    at('/notifications', authState({ profileIncomplete: true }))
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/complete-profile?next=%2Fnotifications'))
  })

  it('lets the profile page itself and ordinary sessions through', () => {
    at('/complete-profile', authState({ profileIncomplete: true }))
    expect(screen.getByText('the page')).toBeInTheDocument()
  })
})

import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { authState, json, ME, mockFetch, renderApp } from '../test/render'
import CompleteProfilePage from './CompleteProfilePage'

describe('CompleteProfilePage', () => {
  it('says a taken handle under the field, then creates the profile and continues', async () => {
    let tries = 0
    const { calls } = mockFetch({
      'POST /api/users/me/profile': () =>
        ++tries === 1
          ? json({ error: { code: 'handle_taken', message: 'The handle @ada is taken.' } }, 409)
          : json({ ...ME, handle: 'ada_2', display_name: 'Ada' }, 201),
    })
    const auth = authState({ profileIncomplete: true, me: { ...ME, handle: 'ada', display_name: 'Ada' } })
    renderApp(<CompleteProfilePage />, { auth, route: '/complete-profile?next=%2Fnotifications', path: '/complete-profile' })
    const handle = screen.getByLabelText('Username')
    await userEvent.type(handle, 'ada')
    await userEvent.click(screen.getByRole('button', { name: 'Continue' }))
    expect(await screen.findByText('@ada is taken. Choose another username.')).toBeInTheDocument()
    expect(handle).toHaveAttribute('aria-invalid', 'true')
    await userEvent.clear(handle)
    await userEvent.type(handle, 'ada_2')
    await userEvent.click(screen.getByRole('button', { name: 'Continue' }))
    await waitFor(() => expect(auth.setMe).toHaveBeenCalledWith(expect.objectContaining({ handle: 'ada_2' })))
    expect(JSON.parse(String(calls.at(-1)?.init.body))).toEqual({ handle: 'ada_2', display_name: 'Ada' })
    await waitFor(() => expect(screen.getAllByTestId('location').at(-1)).toHaveTextContent('/notifications'))
  })

  it('checks the handle before asking the server', async () => {
    const { calls } = mockFetch({})
    renderApp(<CompleteProfilePage />, { auth: authState({ profileIncomplete: true }), route: '/complete-profile', path: '/complete-profile' })
    await userEvent.type(screen.getByLabelText('Username'), 'no spaces')
    await userEvent.click(screen.getByRole('button', { name: 'Continue' }))
    expect(await screen.findByText('Use only letters, digits and underscores.')).toBeInTheDocument()
    expect(calls).toHaveLength(0)
  })
})

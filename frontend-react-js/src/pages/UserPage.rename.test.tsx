import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { activity, json, mockFetch, renderApp } from '../test/render'
import UserPage from './UserPage'

const PROFILE = { uuid: 'u-1', handle: 'andrewbrown', display_name: 'Andrew Brown', bio: '', avatar_url: '', cruds_count: 1, followers_count: 0, following_count: 0 }

describe('UserPage after a profile edit', () => {
  it('shows the new name on the person’s own cards at once (issue 18 finding 6)', async () => {
    mockFetch({
      'GET /api/activities/@andrewbrown': () =>
        json({
          profile: PROFILE,
          activities: [
            activity({ uuid: 'a-own', handle: 'andrewbrown', display_name: 'Andrew Brown', message: 'mine' }),
            activity({ uuid: 'a-other', handle: 'worf', display_name: 'Worf', message: 'reposted', reposted_by: { handle: 'andrewbrown', display_name: 'Andrew Brown' } }),
          ],
          next_cursor: null,
        }),
      'PUT /api/profile/update': () => json({ ...PROFILE, display_name: 'Andy B' }),
    })
    renderApp(<UserPage handle="andrewbrown" />)
    const own = (await screen.findByText('mine')).closest('article') as HTMLElement
    expect(within(own).getByText('Andrew Brown')).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: /Edit profile/ }))
    const name = screen.getByLabelText('Display name')
    await userEvent.clear(name)
    await userEvent.type(name, 'Andy B')
    await userEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(await within(own).findByText('Andy B')).toBeInTheDocument()
    const other = screen.getByText('reposted').closest('article') as HTMLElement
    expect(within(other).getByText('Worf')).toBeInTheDocument()
  })
})

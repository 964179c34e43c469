import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { authState, json, mockFetch, renderApp } from '../test/render'
import UserPage from './UserPage'

const BIO = 'Ranger. https://example.com/minbari and #babylon5, not javascript:alert(1) or @worf_son'

describe('UserPage bio', () => {
  it('renders links, #tags and @mentions as links, safely', async () => {
    mockFetch({
      'GET /api/activities/@delenn': () =>
        json({
          profile: { uuid: 'u-d', handle: 'delenn', display_name: 'Delenn', bio: BIO, avatar_url: '', cruds_count: 0, followers_count: 0, following_count: 0 },
          activities: [],
          next_cursor: null,
        }),
    })
    renderApp(<UserPage handle="delenn" />, { auth: authState({ status: 'signedOut', me: null }) })
    const link = await screen.findByRole('link', { name: 'example.com/minbari' })
    expect(link).toHaveAttribute('href', 'https://example.com/minbari')
    expect(link.getAttribute('rel')?.split(' ')).toEqual(expect.arrayContaining(['noopener', 'nofollow', 'ugc']))
    expect(screen.getByRole('link', { name: '#babylon5' })).toHaveAttribute('href', '/search?term=%23babylon5')
    expect(screen.getByRole('link', { name: '@worf_son' })).toHaveAttribute('href', '/@worf_son')
    // Anything that is not http(s) stays text.
    expect(screen.queryByRole('link', { name: /javascript/ })).not.toBeInTheDocument()
    expect(document.querySelector('.profile__bio')?.textContent).toBe(BIO.replace('https://', ''))
  })
})

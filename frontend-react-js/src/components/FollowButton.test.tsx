import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { json, mockFetch, renderApp } from '../test/render'
import { FollowButton } from './FollowButton'

describe('FollowButton', () => {
  it('is named by the word it shows (axe label-content-name-mismatch)', async () => {
    mockFetch({ 'PUT /api/users/@worf/follow': () => json({}, 200) })
    renderApp(<FollowButton handle="worf" followed={false} />)
    const button = screen.getByRole('button', { name: 'Follow @worf' })
    expect(button).toHaveTextContent('Follow')
    await userEvent.click(button) // hovered and focused now: the word is Unfollow, and so is the name
    expect(button).toHaveAttribute('aria-pressed', 'true')
    expect(button).toHaveTextContent('Unfollow')
    expect(button).toHaveAccessibleName('Unfollow @worf')
    await userEvent.unhover(button)
    button.blur()
    expect(await screen.findByRole('button', { name: 'Following @worf' })).toHaveTextContent('Following')
  })
})

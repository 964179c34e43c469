import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { authState, mockFetch, renderApp } from '../test/render'
import SignupPage from './SignupPage'

describe('SignupPage focus', () => {
  it('focuses the first invalid field when the form is sent with problems', async () => {
    mockFetch({})
    renderApp(<SignupPage />, { auth: authState({ status: 'signedOut', me: null }) })
    await userEvent.type(screen.getByLabelText('Name'), 'Andrew Brown')
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }))
    expect(screen.getByLabelText('Email')).toHaveFocus()

    await userEvent.type(screen.getByLabelText('Email'), 'andrew@example.com')
    await userEvent.type(screen.getByLabelText('Username'), 'andrew')
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }))
    expect(screen.getByLabelText('Password')).toHaveFocus()
  })
})

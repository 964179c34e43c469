import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { activity, json, mockFetch, renderApp } from '../test/render'
import { on } from '../lib/events'
import { ActivityForm } from './ActivityForm'

describe('ActivityForm', () => {
  it('posts the trimmed message with the 7-day default and announces the new crud', async () => {
    const { calls } = mockFetch({ 'POST /api/activities': () => json(activity({ uuid: 'new', handle: 'andrewbrown' }), 201) })
    const seen = vi.fn()
    const off = on('activity:created', seen)
    renderApp(<ActivityForm />)
    const box = screen.getByLabelText('What would you like to say?')
    const button = screen.getByRole('button', { name: 'Crud' })
    expect(button).toBeDisabled()
    expect(screen.getByLabelText('Expires after')).toHaveValue('7-days')
    await userEvent.type(box, '  hello cruddur  ')
    await userEvent.click(button)
    await waitFor(() => expect(seen).toHaveBeenCalledWith(expect.objectContaining({ uuid: 'new' })))
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ message: 'hello cruddur', ttl: '7-days' })
    expect(box).toHaveValue('')
    off()
  })

  it('refuses more than 280 characters before asking the server', async () => {
    const { fn } = mockFetch({})
    renderApp(<ActivityForm />)
    const box = screen.getByLabelText('What would you like to say?')
    await userEvent.click(box)
    await userEvent.paste('x'.repeat(281))
    expect(screen.getByRole('button', { name: 'Crud' })).toBeDisabled()
    expect(screen.getByText('1 characters over the limit of 280')).toBeInTheDocument()
    expect(fn).not.toHaveBeenCalled()
  })

  it('shows the API error message', async () => {
    mockFetch({ 'POST /api/activities': () => json({ error: { code: 'ttl_invalid', message: 'Pick one of the offered lifetimes.' } }, 422) })
    renderApp(<ActivityForm />)
    await userEvent.selectOptions(screen.getByLabelText('Expires after'), '1-hour')
    await userEvent.type(screen.getByLabelText('What would you like to say?'), 'hi')
    await userEvent.click(screen.getByRole('button', { name: 'Crud' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('Pick one of the offered lifetimes.')
  })
})

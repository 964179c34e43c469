import { fireEvent, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { mockFetch, renderApp } from '../test/render'
import { Layout } from './Layout'

/** What the browser does on Escape in a modal <dialog> (happy-dom has no native dialog behaviour). */
const escape = (dialog: HTMLElement) => fireEvent(dialog, new Event('cancel', { cancelable: true }))

const composer = async () => {
  await userEvent.click(screen.getByRole('button', { name: 'Post a crud' }))
  return screen.findByRole('dialog', { name: 'New crud' })
}

describe('Layout: the composer dialog and the account menu', { timeout: 20_000 }, () => {
  it('closes an empty composer on Escape at once', async () => {
    mockFetch({})
    renderApp(<Layout />)
    escape(await composer())
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New crud' })).not.toBeInTheDocument())
    expect(screen.queryByRole('dialog', { name: 'Discard this crud?' })).not.toBeInTheDocument()
  })

  it('asks before Escape throws a typed draft away', async () => {
    mockFetch({})
    renderApp(<Layout />)
    const dialog = await composer()
    await userEvent.type(dialog.querySelector('textarea')!, 'Half a thought')
    escape(dialog)
    expect(await screen.findByRole('dialog', { name: 'Discard this crud?' })).toBeInTheDocument()

    await userEvent.click(screen.getByRole('button', { name: 'Keep writing' }))
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Discard this crud?' })).not.toBeInTheDocument())
    expect(dialog.querySelector('textarea')).toHaveValue('Half a thought')

    await userEvent.click(screen.getAllByRole('button', { name: 'Close' })[0])
    await userEvent.click(await screen.findByRole('button', { name: 'Discard' }))
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New crud' })).not.toBeInTheDocument())
  })

  it('returns focus to the account button after Escape closes its menu', async () => {
    mockFetch({})
    renderApp(<Layout />)
    const button = document.querySelector<HTMLButtonElement>('.profile-info__button')!
    await userEvent.click(button)
    expect(screen.getByRole('link', { name: 'Your profile' })).toBeInTheDocument()
    screen.getByRole('link', { name: 'Your profile' }).focus()
    await userEvent.keyboard('{Escape}')
    expect(screen.queryByRole('link', { name: 'Your profile' })).not.toBeInTheDocument()
    expect(document.activeElement).toBe(button)
  })
})

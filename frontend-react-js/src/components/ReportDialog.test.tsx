import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { json, mockFetch, renderApp } from '../test/render'
import { ReportDialog } from './ReportDialog'

const sent = (calls: { method: string; url: string; init: RequestInit }[]) =>
  calls.filter((c) => c.method === 'POST' && c.url === '/api/reports').map((c) => JSON.parse(String(c.init.body)))

describe('ReportDialog', () => {
  it('needs a category, sends the target with an optional comment, and thanks calmly', async () => {
    const { calls } = mockFetch({ 'POST /api/reports': () => json({ id: 'r-7', status: 'open', created_at: '2026-05-20T10:00:00Z' }, 201) })
    const onClose = vi.fn()
    renderApp(<ReportDialog target={{ type: 'crud', id: 'a-1' }} subject="@worf's crud" onClose={onClose} />)
    expect(screen.getByRole('heading', { name: "Report @worf's crud" })).toBeInTheDocument()
    const submit = screen.getByRole('button', { name: 'Send report' })
    expect(submit).toBeDisabled()
    // The first choice has focus when the dialog opens.
    expect(screen.getByRole('radio', { name: /Spam/ })).toHaveFocus()
    await userEvent.click(screen.getByRole('radio', { name: /Harassment/ }))
    await userEvent.type(screen.getByLabelText(/Anything a moderator should know/), '  keeps replying to me  ')
    await userEvent.click(submit)
    expect(await screen.findByText(/Thanks — a moderator will look at it/)).toBeInTheDocument()
    expect(sent(calls)).toEqual([{ target: { type: 'crud', id: 'a-1' }, category: 'harassment', comment: 'keeps replying to me' }])
    await userEvent.click(screen.getByRole('button', { name: 'Done' }))
    expect(onClose).toHaveBeenCalled()
  })

  it('shows the same confirmation when it was already reported (200 with the first report)', async () => {
    const { calls } = mockFetch({ 'POST /api/reports': () => json({ id: 'r-7', status: 'open', created_at: '2026-05-20T10:00:00Z' }, 200) })
    renderApp(<ReportDialog target={{ type: 'user', id: 'u-2' }} subject="@worf" onClose={() => {}} />)
    await userEvent.click(screen.getByRole('radio', { name: /Spam/ }))
    await userEvent.click(screen.getByRole('button', { name: 'Send report' }))
    expect(await screen.findByText(/Thanks — a moderator will look at it/)).toBeInTheDocument()
    expect(sent(calls)[0]).toEqual({ target: { type: 'user', id: 'u-2' }, category: 'spam' })
  })

  it('counts the comment against 1000 characters and refuses more', async () => {
    mockFetch({})
    renderApp(<ReportDialog target={{ type: 'message', id: 'm-1' }} subject="this message" onClose={() => {}} />)
    await userEvent.click(screen.getByRole('radio', { name: /Something else/ }))
    const comment = screen.getByLabelText(/Anything a moderator should know/)
    await userEvent.click(comment)
    await userEvent.paste('x'.repeat(1001))
    expect(screen.getByText('1 characters over the limit of 1000')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Send report' })).toBeDisabled()
  })

  it('says "slow down" when reports are rate limited', async () => {
    mockFetch({ 'POST /api/reports': () => json({ error: { code: 'rate_limited', message: 'limit' } }, 429, { 'Retry-After': '40' }) })
    renderApp(<ReportDialog target={{ type: 'crud', id: 'a-1' }} subject="a crud" onClose={() => {}} />)
    await userEvent.click(screen.getByRole('radio', { name: /Spam/ }))
    await userEvent.click(screen.getByRole('button', { name: 'Send report' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('Slow down — try again in 40 s.')
  })
})

import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { formatFull } from '../../lib/time'
import { json, mockFetch, renderApp } from '../../test/render'
import { DataExport } from './DataExport'

const base = { id: 'x-1', requested_at: '2026-11-30T09:00:00Z', finished_at: null, url: null, expires_at: null }
const running = { ...base, status: 'running' }
const ready = { ...base, status: 'ready', finished_at: '2026-11-30T09:01:00Z', url: 'http://127.0.0.1:4566/cruddur-uploads/exports/u-1/x-1.zip?X-Amz-Signature=s', expires_at: '2026-12-01T09:01:00Z' }
const notFound = () => json({ error: { code: 'export_not_found', message: 'No export yet.' } }, 404)

afterEach(() => vi.unstubAllGlobals())

describe('Settings → Download your data', () => {
  it('requests an export, shows progress while polling, then the link and when it expires', async () => {
    let reads = 0
    const { calls } = mockFetch({
      'GET /api/users/me/export': () => (reads++ === 0 ? notFound() : reads < 3 ? json(running) : json(ready)),
      'POST /api/users/me/export': () => json(running, 202),
    })
    renderApp(<DataExport />)
    await userEvent.click(await screen.findByRole('button', { name: 'Request your data' }))
    expect(await screen.findByText(/Preparing your data…/)).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: /Request/ })).not.toBeInTheDocument()
    const link = await screen.findByRole('link', { name: 'Download your data (zip)' }, { timeout: 6000 })
    expect(link).toHaveAttribute('href', ready.url)
    expect(screen.getByText(/^The link works until .*2026/)).toBeInTheDocument()
    expect(calls.filter((c) => c.method === 'GET').length).toBe(3) // the first read, then two polls
  })

  it('explains the daily limit with the time of the next one (429 export_limit)', async () => {
    vi.setSystemTime(new Date('2026-11-30T10:00:00Z'))
    mockFetch({
      'GET /api/users/me/export': () => json(ready),
      'POST /api/users/me/export': () => json({ error: { code: 'export_limit', message: 'limit' } }, 429, { 'Retry-After': '3600' }),
    })
    renderApp(<DataExport />)
    await userEvent.click(await screen.findByRole('button', { name: 'Request a new export' }))
    expect(await screen.findByRole('alert')).toHaveTextContent(`You can ask for one export a day; next at ${formatFull('2026-11-30T11:00:00Z')}.`)
    expect(screen.getByRole('link', { name: 'Download your data (zip)' })).toBeInTheDocument()
    vi.useRealTimers()
  })

  it('offers to try again after a failure', async () => {
    const { calls } = mockFetch({
      'GET /api/users/me/export': () => json({ ...base, status: 'failed', finished_at: '2026-11-30T09:02:00Z' }),
      'POST /api/users/me/export': () => json({ ...running, id: 'x-2' }, 202),
    })
    renderApp(<DataExport />)
    expect(await screen.findByText(/Preparing your data failed/)).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByText(/Preparing your data…/)).toBeInTheDocument()
    expect(calls.some((c) => c.method === 'POST')).toBe(true)
  })

  it('says when the last link expired and offers a new export', async () => {
    mockFetch({ 'GET /api/users/me/export': () => json({ ...ready, status: 'expired', url: null }) })
    renderApp(<DataExport />)
    expect(await screen.findByText(/Your last export’s link has expired/)).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Request a new export' })).toBeInTheDocument()
  })

  it('shows a read error with a retry', async () => {
    let first = true
    mockFetch({ 'GET /api/users/me/export': () => (first ? ((first = false), json({ error: { code: 'dependency_unavailable', message: 'Try later.' } }, 503)) : notFound()) })
    renderApp(<DataExport />)
    expect(await screen.findByText('Could not check your exports')).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    await waitFor(() => expect(screen.getByRole('button', { name: 'Request your data' })).toBeInTheDocument())
  })
})

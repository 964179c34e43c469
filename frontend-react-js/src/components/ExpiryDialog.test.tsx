import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { useState } from 'react'
import type { Activity } from '../api/types'
import { usePagedList } from '../hooks/usePagedList'
import { activity, json, mockFetch, renderApp } from '../test/render'
import { ActivityFeed } from './ActivityFeed'
import { ActivityItem } from './ActivityItem'

const mine = (overrides: Record<string, unknown> = {}) => activity({ handle: 'andrewbrown', ...overrides }) as unknown as Activity
const HOUR = 3_600_000

function Feed({ items }: { items: Activity[] }) {
  const [path] = useState('/feed')
  const list = usePagedList<Activity>(path, async () => ({ items, next: null }))
  return <ActivityFeed list={list} label="Test feed" />
}

async function openChangeEnd() {
  await userEvent.click(screen.getByRole('button', { name: 'More actions for your crud' }))
  await userEvent.click(screen.getByRole('menuitem', { name: 'Change when it ends' }))
  return screen.getByRole('dialog', { name: 'Change when it ends' })
}

describe('Change when it ends', () => {
  it('sends the new preset and the card’s countdown follows at once', async () => {
    const crud = mine()
    const { calls } = mockFetch({ 'PATCH /api/activities/a-1': () => json({ ...crud, expires_at: new Date(Date.now() + HOUR).toISOString() }) })
    renderApp(<Feed items={[crud]} />)
    expect(await screen.findByText('expires in 2 days, 23 hours')).toBeInTheDocument()
    const dialog = await openChangeEnd()
    await userEvent.click(within(dialog).getByRole('radio', { name: '1 hour' }))
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument())
    expect(JSON.parse(String(calls.find((c) => c.method === 'PATCH')!.init.body))).toEqual({ ttl: '1-hour' })
    expect(screen.getByText(/^expires in (59 minutes|1 hour)$/)).toBeInTheDocument()
  })

  it('offers only presets within 30 days of posting, and explains ttl_too_long', async () => {
    const old = mine({ created_at: new Date(Date.now() - 27 * 24 * HOUR).toISOString() })
    mockFetch({ 'PATCH /api/activities/a-1': () => json({ error: { code: 'ttl_too_long', message: 'ttl too long', details: {} } }, 422) })
    renderApp(<ActivityItem activity={old} />)
    const dialog = await openChangeEnd()
    expect(dialog).toHaveTextContent('A crud can live at most 30 days from when it was posted')
    expect(within(dialog).getByRole('radio', { name: /7 days/ })).toBeDisabled()
    expect(within(dialog).getByRole('radio', { name: /^3 days/ })).toBeDisabled()
    await userEvent.click(within(dialog).getByRole('radio', { name: '1 day' }))
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }))
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('A crud can live at most 30 days from when it was posted.')
  })

  it('ends it now after a confirmation, and the crud leaves the feed', async () => {
    const { calls } = mockFetch({ 'PATCH /api/activities/a-1': () => json(null, 204) })
    renderApp(<Feed items={[mine()]} />)
    await screen.findByText('Today is a good day to crud')
    const dialog = await openChangeEnd()
    await userEvent.click(within(dialog).getByRole('button', { name: 'End now…' }))
    const confirm = screen.getByRole('dialog', { name: 'End this crud now?' })
    expect(within(confirm).getByRole('button', { name: 'Cancel' })).toHaveFocus()
    await userEvent.click(within(confirm).getByRole('button', { name: 'End now' }))
    await waitFor(() => expect(screen.queryByText('Today is a good day to crud')).not.toBeInTheDocument())
    expect(JSON.parse(String(calls.find((c) => c.method === 'PATCH')!.init.body))).toEqual({ ttl: 'now' })
  })

  it('is offered on your own cruds only, not on replies or others’ cruds', () => {
    const { unmount } = renderApp(<ActivityItem activity={activity() as never} />)
    expect(screen.queryByRole('button', { name: 'More actions for your crud' })).not.toBeInTheDocument()
    unmount()
    renderApp(<ActivityItem activity={mine()} isReply />)
    expect(screen.queryByRole('button', { name: 'More actions for your crud' })).not.toBeInTheDocument()
  })
})

import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { AuditEntry, ModeratedMessage, Report } from '../api/types'
import { authState, json, ME, mockFetch, renderApp } from '../test/render'
import ModerationPage from './ModerationPage'

const moderator = authState({ me: { ...ME, moderator: true } })
const worf = { uuid: 'u-worf', handle: 'worf', display_name: 'Worf' }
const REPORT_CRUD = '0b7c2f1e-0000-4000-8000-000000000011'
const REPORT_MESSAGE = '0b7c2f1e-0000-4000-8000-000000000012'
const base = {
  status: 'open' as const,
  comment: 'This keeps happening',
  created_at: '2026-05-20T10:00:00Z',
  reporter: { uuid: 'u-troi', handle: 'troi' },
  context: [],
  resolution: null,
}
const crudReport = {
  ...base,
  id: REPORT_CRUD,
  category: 'harassment',
  target: { type: 'crud', id: 'a-1', user: worf },
  content: {
    uuid: 'a-1',
    author: worf,
    message: 'You are all without honour',
    created_at: '2026-05-19T10:00:00Z',
    expires_at: '2026-05-20T09:00:00Z',
    reply_to_activity_uuid: null,
    expired: true,
    held: true,
  },
} satisfies Report
const message = (uuid: string, text: string): ModeratedMessage => ({ uuid, message_group_uuid: 'g-1', sender: worf, message: text, created_at: '2026-05-19T10:00:00Z' })
const messageReport = {
  ...base,
  id: REPORT_MESSAGE,
  category: 'spam',
  comment: '',
  target: { type: 'message', id: 'm-3', user: worf },
  content: message('m-3', 'Buy gagh now'),
  context: [message('m-1', 'Hello'), message('m-2', 'Are you there?')],
} satisfies Report

describe('ModerationPage', () => {
  it('is plainly not available to non-moderators', async () => {
    const { fn } = mockFetch({})
    renderApp(<ModerationPage tab="open" />, { route: '/moderation' })
    expect(screen.getByText('Not available')).toBeInTheDocument()
    expect(fn).not.toHaveBeenCalled()
  })

  it('shows each open report with its content in context, reporter, category and comment', async () => {
    mockFetch({ 'GET /api/moderation/reports': () => json({ items: [crudReport, messageReport], next_cursor: null }) })
    renderApp(<ModerationPage tab="open" />, { auth: moderator, route: '/moderation' })
    const crud = (await screen.findByText('You are all without honour')).closest('article')!
    expect(within(crud).getByRole('heading')).toHaveTextContent('Harassment crud by @worf')
    expect(crud).toHaveTextContent('Reported by @troi')
    expect(crud).toHaveTextContent('This keeps happening')
    expect(crud).toHaveTextContent('expired — kept for review')
    const msg = screen.getByText('Buy gagh now').closest('article')!
    const thread = within(msg).getByRole('list', { name: 'The message in its conversation' })
    expect(within(thread).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      expect.stringContaining('Hello'),
      expect.stringContaining('Are you there?'),
      expect.stringContaining('Buy gagh now'),
    ])
  })

  it('dismisses with a note at once, and asks before suspending', async () => {
    const { calls } = mockFetch({
      'GET /api/moderation/reports': () => json({ items: [crudReport, messageReport], next_cursor: null }),
      [`POST /api/moderation/reports/${REPORT_CRUD}/resolve`]: () => json({ ...crudReport, status: 'resolved' }),
      [`POST /api/moderation/reports/${REPORT_MESSAGE}/resolve`]: () => json({ ...messageReport, status: 'resolved' }),
    })
    renderApp(<ModerationPage tab="open" />, { auth: moderator, route: '/moderation' })
    const crud = (await screen.findByText('You are all without honour')).closest('article')!
    await userEvent.type(within(crud).getByLabelText('Note for the audit log'), 'Heated, not harassment')
    await userEvent.click(within(crud).getByRole('button', { name: 'Dismiss' }))
    await waitFor(() => expect(screen.queryByText('You are all without honour')).not.toBeInTheDocument())
    const msg = screen.getByText('Buy gagh now').closest('article')!
    await userEvent.click(within(msg).getByRole('button', { name: 'Suspend @worf' }))
    const dialog = screen.getByRole('dialog', { name: 'Suspend @worf?' })
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus()
    await userEvent.click(within(dialog).getByRole('button', { name: 'Suspend' }))
    await waitFor(() => expect(screen.queryByText('Buy gagh now')).not.toBeInTheDocument())
    const bodies = calls.filter((c) => c.method === 'POST').map((c) => [c.url, JSON.parse(String(c.init.body))])
    expect(bodies).toEqual([
      [`/api/moderation/reports/${REPORT_CRUD}/resolve`, { action: 'dismiss', note: 'Heated, not harassment' }],
      [`/api/moderation/reports/${REPORT_MESSAGE}/resolve`, { action: 'suspend', note: '' }],
    ])
  })

  it('asks before removing, and Cancel sends nothing', async () => {
    const { calls } = mockFetch({ 'GET /api/moderation/reports': () => json({ items: [crudReport], next_cursor: null }) })
    renderApp(<ModerationPage tab="open" />, { auth: moderator, route: '/moderation' })
    await userEvent.click(await screen.findByRole('button', { name: 'Remove crud' }))
    expect(screen.getByRole('dialog', { name: 'Remove this crud?' })).toHaveTextContent('disappears for everyone')
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
  })

  it('lists resolved reports with their resolution and unsuspends a suspended account', async () => {
    const resolved: Report = {
      ...messageReport,
      status: 'resolved',
      resolution: { action: 'suspend', note: 'Spam bot', moderator: { uuid: 'u-1', handle: 'andrewbrown' }, resolved_at: '2026-05-20T11:00:00Z' },
    }
    const { calls } = mockFetch({
      'GET /api/moderation/reports': (url) => json({ items: url.includes('status=resolved') ? [resolved] : [], next_cursor: null }),
      'POST /api/moderation/users/@worf/unsuspend': () => json(null, 204),
    })
    renderApp(<ModerationPage tab="resolved" />, { auth: moderator, route: '/moderation/resolved' })
    const card = (await screen.findByText('Buy gagh now')).closest('article')!
    expect(card).toHaveTextContent('Suspended by @andrewbrown')
    expect(card).toHaveTextContent('Spam bot')
    expect(within(card).queryByRole('button', { name: 'Dismiss' })).not.toBeInTheDocument()
    await userEvent.click(within(card).getByRole('button', { name: 'Unsuspend @worf' }))
    expect(await within(card).findByText('@worf is no longer suspended.')).toBeInTheDocument()
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/moderation/users/@worf/unsuspend')).toBe(true)
  })

  it('shows the audit log', async () => {
    const andrew = { uuid: 'u-1', handle: 'andrewbrown' }
    const worfRef = { uuid: worf.uuid, handle: worf.handle }
    const items: AuditEntry[] = [
      { id: 2, report_id: null, user: worfRef, moderator: andrew, action: 'unsuspend', note: 'Appeal accepted', created_at: '2026-05-21T10:00:00Z' },
      { id: 1, report_id: REPORT_MESSAGE, user: worfRef, moderator: andrew, action: 'suspend', note: 'Spam bot', created_at: '2026-05-20T11:00:00Z' },
    ]
    mockFetch({ 'GET /api/moderation/audit': () => json({ items, next_cursor: null }) })
    renderApp(<ModerationPage tab="audit" />, { auth: moderator, route: '/moderation/audit' })
    const entries = within(await screen.findByRole('list', { name: 'Audit log, newest first' })).findAllByRole('listitem')
    expect((await entries).map((li) => li.textContent)).toEqual([
      expect.stringMatching(/Unsuspended @worf by @andrewbrown.*Appeal accepted/),
      expect.stringMatching(/Suspended @worf by @andrewbrown · report 0b7c2f1e.*Spam bot/),
    ])
  })
})

import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { activity, authState, json, ME, mockFetch, renderApp } from '../test/render'
import { FakeXhr, imageFile } from '../test/xhr'
import { ActivityForm } from './ActivityForm'
import { ReplyForm } from './ReplyForm'

const grant = (id: string) => json({ id, url: 'http://127.0.0.1/uploads', fields: { key: `uploads/media/u-1/${id}.png`, 'Content-Type': 'image/png' }, max_bytes: 10485760, expires_at: '2026-05-20T10:05:00Z' }, 201)
const status = (id: string, s: 'processing' | 'ready' | 'failed', reason: string | null = null) => json({ id, status: s, reason, message: reason ? 'raw service words' : null, width: 10, height: 10 })

beforeEach(() => FakeXhr.install())
afterEach(() => vi.unstubAllGlobals())

const picker = () => screen.getByLabelText(/^Add pictures/)

describe('ActivityForm pictures', () => {
  it('uploads, waits for processing, asks for alt text and posts media [{id, alt}]; Post waits meanwhile', async () => {
    let polls = 0
    const ids = ['m-1', 'm-2']
    const { calls } = mockFetch({
      'POST /api/activities/media': () => grant(ids.shift()!),
      'GET /api/activities/media/m-1': () => status('m-1', ++polls < 2 ? 'processing' : 'ready'),
      'GET /api/activities/media/m-2': () => status('m-2', 'ready'),
      'POST /api/activities': () => json(activity({ uuid: 'new', handle: 'andrewbrown' }), 201),
    })
    renderApp(<ActivityForm />)
    await userEvent.type(screen.getByLabelText('What would you like to say?'), 'two cats')
    await userEvent.upload(picker(), [imageFile('one.png'), imageFile('two.png')])
    const post = screen.getByRole('button', { name: 'Crud' })
    expect(post).toBeDisabled()
    expect(screen.getAllByRole('status').map((s) => s.textContent).join(' ')).toMatch(/Uploading|Processing/)
    await waitFor(() => expect(screen.getAllByText('Ready')).toHaveLength(2), { timeout: 5000 })
    expect(post).toBeEnabled()
    // The grant asked for the file's type; the file went last in the multipart POST, after the fields.
    expect(JSON.parse(String(calls.find((c) => c.url === '/api/activities/media')!.init.body))).toEqual({ content_type: 'image/png' })
    expect([...FakeXhr.sent[0].body!.keys()]).toEqual(['key', 'Content-Type', 'file'])
    expect(polls).toBeGreaterThanOrEqual(2)

    await userEvent.type(screen.getByLabelText('Describe picture 1 for people who can’t see it'), '  a grey cat ')
    await userEvent.click(post)
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.url === '/api/activities')).toBe(true))
    const body = JSON.parse(String(calls.find((c) => c.method === 'POST' && c.url === '/api/activities')!.init.body))
    expect(body).toEqual({ message: 'two cats', ttl: '7-days', media: [{ id: 'm-1', alt: 'a grey cat' }, { id: 'm-2', alt: '' }] })
    await waitFor(() => expect(screen.queryByRole('list', { name: 'Pictures to post' })).not.toBeInTheDocument())
  })

  it('says why the processor refused a picture, in words, and lets it be removed', async () => {
    mockFetch({
      'POST /api/activities/media': () => grant('m-1'),
      'GET /api/activities/media/m-1': () => status('m-1', 'failed', 'decompression_bomb'),
    })
    renderApp(<ActivityForm />)
    await userEvent.type(screen.getByLabelText('What would you like to say?'), 'boom')
    await userEvent.upload(picker(), imageFile())
    expect(await screen.findByText('That image declares an enormous size and was refused.', {}, { timeout: 5000 })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Crud' })).toBeDisabled()
    await userEvent.click(screen.getByRole('button', { name: 'Remove picture 1' }))
    expect(screen.getByRole('button', { name: 'Crud' })).toBeEnabled()
  })

  it('checks type and size before uploading, and takes at most 4', async () => {
    const { fn } = mockFetch({ 'POST /api/activities/media': () => grant('m-x'), 'GET /api/activities/media/m-x': () => status('m-x', 'processing') })
    renderApp(<ActivityForm />)
    fireEvent.change(picker(), { target: { files: [imageFile('anim.gif', 'image/gif'), imageFile('huge.png', 'image/png', 10 * 1024 * 1024 + 1)] } })
    expect(screen.getByRole('alert')).toHaveTextContent('anim.gif: Choose a JPEG, PNG or WebP image. huge.png: That image is 10.0 MB; the limit is 10 MB.')
    expect(fn).not.toHaveBeenCalled()
    fireEvent.change(picker(), { target: { files: ['1', '2', '3', '4', '5'].map((n) => imageFile(`${n}.png`)) } })
    expect(within(screen.getByRole('list', { name: 'Pictures to post' })).getAllByRole('listitem')).toHaveLength(4)
    expect(screen.getByRole('alert')).toHaveTextContent('You can add up to 4 pictures.')
    expect(picker()).toBeDisabled()
  })

  it('starts from the person’s default expiry', async () => {
    renderApp(<ActivityForm />, { auth: authState({ me: { ...ME, default_ttl: '1-day' } }) })
    expect(screen.getByLabelText('Expires after')).toHaveValue('1-day')
  })
})

describe('ReplyForm', () => {
  it('says replies end with the crud, and sends pictures with the reply', async () => {
    const { calls } = mockFetch({
      'POST /api/activities/media': () => grant('m-1'),
      'GET /api/activities/media/m-1': () => status('m-1', 'ready'),
      'POST /api/activities/a-1/reply': () => json(activity({ uuid: 'r-1' }), 201),
    })
    const done = vi.fn()
    renderApp(<ReplyForm parent={activity() as never} onDone={done} />)
    expect(screen.getByText(/^Replies end with this crud — in 2 days, 23 hours \(/)).toBeInTheDocument()
    await userEvent.type(screen.getByLabelText('Replying to @worf'), 'look')
    await userEvent.upload(picker(), imageFile())
    await waitFor(() => expect(screen.getByText('Ready')).toBeInTheDocument(), { timeout: 5000 })
    await userEvent.click(screen.getByRole('button', { name: 'Reply' }))
    await waitFor(() => expect(done).toHaveBeenCalled())
    expect(JSON.parse(String(calls.find((c) => c.url.endsWith('/reply'))!.init.body))).toEqual({ message: 'look', media: [{ id: 'm-1', alt: '' }] })
  })
})

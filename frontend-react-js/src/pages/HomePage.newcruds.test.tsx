import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { LiveContextProvider } from '../live/LiveContext'
import { ME, activity, fakeLive, json, mockFetch, renderApp } from '../test/render'
import { HomePage } from './HomePage'

/** The shared fake live context, sending `home` events by crud. */
function homeLive() {
  const live = fakeLive()
  const send = (uuid: string, { author = 'bob', reposter = null }: { author?: string; reposter?: string | null } = {}) =>
    live.send('home', { activity_uuid: uuid, author_uuid: author, reposter_uuid: reposter, created_at: new Date().toISOString() })
  return { value: live.value, send }
}

const crud = (uuid: string) => activity({ uuid, message: `crud ${uuid}`, handle: 'bob', display_name: 'Bob' })

function renderHome(pages: string[][]) {
  let call = 0
  const { calls } = mockFetch({
    'GET /api/activities/home': () => json((pages[Math.min(call++, pages.length - 1)] ?? []).map(crud)),
  })
  const live = homeLive()
  renderApp(
    <LiveContextProvider value={live.value}>
      <HomePage />
    </LiveContextProvider>,
  )
  return { ...live, homeCalls: () => calls.filter((c) => c.url.includes('/api/activities/home')).length }
}

const region = () => document.querySelector('.new-cruds') as HTMLElement

beforeEach(() => {
  window.scrollTo = vi.fn() as unknown as typeof window.scrollTo
})

describe('Home: live "N new cruds"', () => {
  it('counts each new crud once, not those on screen, not my own', async () => {
    const { send } = renderHome([['a-1']])
    expect(await screen.findByText('crud a-1')).toBeInTheDocument()
    expect(region()).toHaveAttribute('aria-live', 'polite')
    expect(region()).toBeEmptyDOMElement()

    send('a-1', { reposter: 'carol' }) // a repost of a crud already on the page: folded, no news
    send('a-9', { author: ME.uuid }) // my own post
    send('a-8', { author: 'bob', reposter: ME.uuid }) // my own repost
    expect(region()).toBeEmptyDOMElement()

    send('a-2')
    expect(screen.getByRole('button', { name: '1 new crud' })).toBeInTheDocument()
    send('a-2', { reposter: 'carol' }) // the same crud again, as a repost
    expect(screen.getByRole('button', { name: '1 new crud' })).toBeInTheDocument()
    send('a-3')
    expect(screen.getByRole('button', { name: '2 new cruds' })).toBeInTheDocument()
    expect(region()).toContainElement(screen.getByRole('button', { name: '2 new cruds' }))
  })

  it('shows the newest page on top, scrolls to the top and focuses the newest crud', async () => {
    const { send, homeCalls } = renderHome([['a-1'], ['a-3', 'a-2', 'a-1']])
    expect(await screen.findByText('crud a-1')).toBeInTheDocument()
    send('a-2')
    send('a-3')
    await userEvent.click(screen.getByRole('button', { name: '2 new cruds' }))
    await waitFor(() => expect(screen.getAllByRole('article').map((a) => a.textContent?.match(/crud a-\d/)?.[0])).toEqual(['crud a-3', 'crud a-2', 'crud a-1']))
    expect(homeCalls()).toBe(2)
    expect(region()).toBeEmptyDOMElement()
    expect(window.scrollTo).toHaveBeenCalledWith({ top: 0 })
    expect(document.activeElement).toBe(screen.getAllByRole('article')[0])
  })

  it('starts the list again when the newest page does not reach what was on screen', async () => {
    const newest = Array.from({ length: 20 }, (_, i) => `n-${i}`)
    const { send, homeCalls } = renderHome([['a-1'], newest])
    expect(await screen.findByText('crud a-1')).toBeInTheDocument()
    newest.forEach((uuid) => send(uuid))
    await userEvent.click(screen.getByRole('button', { name: '20 new cruds' }))
    await waitFor(() => expect(screen.getByText('crud n-0')).toBeInTheDocument())
    expect(screen.queryByText('crud a-1')).not.toBeInTheDocument() // reloaded: no gap between n-19 and a-1
    expect(homeCalls()).toBe(3) // the newest page, then the list's own first page
    expect(document.activeElement).toBe(screen.getAllByRole('article')[0])
  }, 20_000) // twenty cards render slowly on a loaded machine
})

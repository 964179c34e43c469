import { screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { activity, json, mockFetch, renderApp } from '../test/render'
import SearchPage from './SearchPage'

afterEach(() => vi.unstubAllGlobals())

const person = { uuid: 'u-1', handle: 'andrewbrown', display_name: 'Andrew Brown', avatar_url: null }

describe('SearchPage', () => {
  it('shows the people a name search finds', async () => {
    mockFetch({ 'GET /api/activities/search': () => json({ activities: [], users: [person], next_cursor: null }) })
    renderApp(<SearchPage />, { route: '/search?term=Brown' })
    expect(await screen.findByRole('heading', { name: 'People' })).toBeInTheDocument()
    expect(screen.getByText('Andrew Brown')).toBeInTheDocument()
  })

  it('has no People section for a #hashtag (issue 18)', async () => {
    mockFetch({ 'GET /api/activities/search': () => json({ activities: [activity({ message: 'hi #cruddur' })], users: [], next_cursor: null }) })
    renderApp(<SearchPage />, { route: '/search?term=%23cruddur' })
    expect(await screen.findByRole('heading', { name: 'Cruds' })).toBeInTheDocument()
    expect(screen.queryByRole('heading', { name: 'People' })).not.toBeInTheDocument()
    expect(screen.queryByText(/No people match/)).not.toBeInTheDocument()
  })
})

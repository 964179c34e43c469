import { fireEvent, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { MediaItem } from '../api/types'
import { activity, renderApp } from '../test/render'
import { ActivityItem } from './ActivityItem'
import { MediaGrid } from './MediaGrid'
import { jpegOf } from './Picture'

const base = 'http://127.0.0.1:8080/assets/media/u-1'
const pic = (n: number, alt = `picture number ${n}`): MediaItem => ({
  url: `${base}/t${n}/1600.webp?expires=1790000000`,
  thumbnail_url: `${base}/t${n}/400.webp?expires=1790000000`,
  width: 1600,
  height: 900,
  thumbnail_width: 400,
  thumbnail_height: 225,
  alt,
})
const media = (n: number) => Array.from({ length: n }, (_, i) => pic(i + 1))

describe('MediaGrid', () => {
  it.each([1, 2, 3, 4])('lays out %i picture(s) with sizes from the API, lazy, with alt text', (n) => {
    const { container } = renderApp(<MediaGrid media={media(n)} />)
    const grid = container.querySelector('.media-grid')!
    expect(grid).toHaveClass(`media-grid--${n}`)
    const imgs = grid.querySelectorAll('img')
    expect(imgs).toHaveLength(n)
    const img = imgs[0]
    expect(img).toHaveAttribute('width', '400')
    expect(img).toHaveAttribute('height', '225')
    expect(img).toHaveAttribute('loading', 'lazy')
    expect(img).toHaveAttribute('alt', 'picture number 1')
    // WebP first; the <img> itself is the JPEG fallback at the same path, the expiry query kept.
    const source = grid.querySelector('picture source')!
    expect(source).toHaveAttribute('type', 'image/webp')
    expect(source.getAttribute('srcset')).toBe(`${base}/t1/400.webp?expires=1790000000 400w, ${base}/t1/1600.webp?expires=1790000000 1600w`)
    expect(img).toHaveAttribute('src', `${base}/t1/400.jpg?expires=1790000000`)
  })

  it('shows nothing for a crud without pictures', () => {
    const { container } = renderApp(<MediaGrid media={[]} />)
    expect(container.querySelector('.media-grid')).toBeNull()
  })

  it('swaps only the extension for the JPEG', () => {
    expect(jpegOf('/assets/media/u/t/400.webp?expires=5')).toBe('/assets/media/u/t/400.jpg?expires=5')
    expect(jpegOf('/a.webp')).toBe('/a.jpg')
  })
})

describe('Lightbox', () => {
  it('opens on a picture, shows its alt text, moves with arrows and closes with Escape', async () => {
    renderApp(<MediaGrid media={[pic(1, 'A purple bomb'), pic(2, 'Its fuse, lit')]} />)
    const opener = screen.getByRole('button', { name: 'Open picture 2 of 2: Its fuse, lit' })
    await userEvent.click(opener)
    const dialog = screen.getByRole('dialog', { name: 'Picture 2 of 2' })
    expect(within(dialog).getByText('Its fuse, lit')).toBeInTheDocument()
    const full = within(dialog).getByRole('img', { name: 'Its fuse, lit' })
    expect(full).toHaveAttribute('src', `${base}/t2/1600.jpg?expires=1790000000`)
    expect(full).toHaveAttribute('width', '1600')
    fireEvent.keyDown(dialog, { key: 'ArrowRight' })
    expect(screen.getByRole('dialog', { name: 'Picture 1 of 2' })).toHaveTextContent('A purple bomb')
    fireEvent.keyDown(dialog, { key: 'ArrowLeft' })
    expect(screen.getByRole('dialog', { name: 'Picture 2 of 2' })).toBeInTheDocument()
    await userEvent.click(within(dialog).getByRole('button', { name: 'Previous picture' }))
    expect(screen.getByRole('dialog', { name: 'Picture 1 of 2' })).toBeInTheDocument()
    fireEvent.keyDown(dialog, { key: 'Escape' })
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
  })

  it('says so when a picture has no description', async () => {
    renderApp(<MediaGrid media={[pic(1, '')]} />)
    await userEvent.click(screen.getByRole('button', { name: 'Open picture 1 of 1' }))
    expect(screen.getByRole('dialog', { name: 'Picture' })).toHaveTextContent('No description was given for this picture.')
  })

  it('opens from a crud card without opening the crud page', async () => {
    renderApp(<ActivityItem activity={activity({ media: media(3) }) as never} />, { route: '/' })
    await userEvent.click(screen.getByRole('button', { name: 'Open picture 3 of 3: picture number 3' }))
    expect(screen.getByRole('dialog', { name: 'Picture 3 of 3' })).toBeInTheDocument()
    expect(screen.getAllByTestId('location')[0]).toHaveTextContent(/^\/$/)
  })
})

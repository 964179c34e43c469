import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { CharCounter, canSend } from './CharCounter'

describe('CharCounter', () => {
  it('shows used/max and how many are left for screen readers', () => {
    render(<CharCounter text="hello" max={280} />)
    expect(screen.getByText('5/280')).toBeInTheDocument()
    expect(screen.getByText('275 of 280 characters left')).toBeInTheDocument()
  })

  it('warns near the limit and shows the overflow past it', () => {
    const { container, rerender } = render(<CharCounter text={'x'.repeat(275)} max={280} />)
    expect(container.firstChild).toHaveClass('char-counter--near')
    rerender(<CharCounter text={'x'.repeat(1030)} max={1024} />)
    expect(container.firstChild).toHaveClass('char-counter--over')
    expect(screen.getByText('-6')).toBeInTheDocument()
    expect(screen.getByText('6 characters over the limit of 1024')).toBeInTheDocument()
  })

  it('counts emoji as one character each', () => {
    render(<CharCounter text="💜💜💜" max={280} />)
    expect(screen.getByText('3/280')).toBeInTheDocument()
  })

  it('counts a family emoji (seven code points) as one character, as the API does', () => {
    render(<CharCounter text={'👨‍👩‍👧‍👦'.repeat(280)} max={280} />)
    expect(screen.getByText('280/280')).toBeInTheDocument()
    expect(canSend('👨‍👩‍👧‍👦'.repeat(280), 280)).toBe(true)
  })

  it('allows sending only non-blank text within the limit', () => {
    expect(canSend('   ', 280)).toBe(false)
    expect(canSend('x'.repeat(280), 280)).toBe(true)
    expect(canSend('x'.repeat(281), 280)).toBe(false)
    expect(canSend(' '.repeat(10) + 'x'.repeat(280), 280)).toBe(true)
  })
})

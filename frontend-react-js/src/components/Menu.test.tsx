import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { renderApp } from '../test/render'
import { Menu } from './Menu'

describe('Menu', () => {
  it('opens on the first item, moves with arrows, and closes with Escape back to its button', async () => {
    const picked = vi.fn()
    renderApp(<Menu label="More actions" items={[{ label: 'One', onSelect: picked }, { label: 'Two', onSelect: picked }]} />)
    const button = screen.getByRole('button', { name: 'More actions' })
    expect(button).toHaveAttribute('aria-expanded', 'false')
    await userEvent.click(button)
    expect(button).toHaveAttribute('aria-expanded', 'true')
    expect(screen.getByRole('menuitem', { name: 'One' })).toHaveFocus()
    await userEvent.keyboard('{ArrowDown}')
    expect(screen.getByRole('menuitem', { name: 'Two' })).toHaveFocus()
    await userEvent.keyboard('{ArrowDown}')
    expect(screen.getByRole('menuitem', { name: 'One' })).toHaveFocus()
    await userEvent.keyboard('{Escape}')
    expect(screen.queryByRole('menu')).not.toBeInTheDocument()
    expect(button).toHaveFocus()
    expect(picked).not.toHaveBeenCalled()
  })

  it('runs the chosen item once and closes', async () => {
    const picked = vi.fn()
    renderApp(<Menu label="More actions" items={[{ label: 'Report', onSelect: picked }]} />)
    await userEvent.click(screen.getByRole('button', { name: 'More actions' }))
    await userEvent.keyboard('{Enter}')
    expect(picked).toHaveBeenCalledTimes(1)
    expect(screen.queryByRole('menu')).not.toBeInTheDocument()
  })
})

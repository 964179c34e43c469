import { render } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { Avatar, initials } from './Avatar'

describe('Avatar initials', () => {
  it('come from the display name, not the handle', () => {
    expect(initials('Andrew Brown', 'andrewbrown')).toBe('AB')
    expect(initials('Londo', 'mollari')).toBe('L')
    expect(initials('  Jean Luc  Picard ', 'captain')).toBe('JP')
  })

  it('fall back to the handle when the name has no letters', () => {
    expect(initials('', 'zed_1')).toBe('Z')
    expect(initials('🦄 ✨', '_bob')).toBe('B')
  })

  it('take whole characters', () => {
    expect(initials('e\u0301lodie Martin', 'em')).toBe('E\u0301M')
    expect(initials('🦄 Unicorn Fan', 'u')).toBe('UF')
  })

  it('render the letters when there is no picture', () => {
    const { container } = render(<Avatar handle="andrewbrown" name="Andrew Brown" />)
    expect(container.textContent).toBe('AB')
  })
})

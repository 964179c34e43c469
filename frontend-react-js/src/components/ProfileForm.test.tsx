import { fireEvent, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { json, mockFetch, renderApp } from '../test/render'
import { FakeXhr, imageFile } from '../test/xhr'
import { ProfileForm } from './ProfileForm'

beforeEach(() => FakeXhr.install())
afterEach(() => vi.unstubAllGlobals())

describe('ProfileForm avatar', () => {
  it('says why the processor refused the avatar in words, not its reason code', async () => {
    mockFetch({
      'POST /api/profile/avatar': () => json({ url: 'http://127.0.0.1/uploads', fields: { key: 'uploads/u-1/t.png' } }, 201),
      'GET /api/profile/avatar': () => json({ status: 'failed', reason: 'not_an_image', message: 'The file is not a JPEG, PNG or WebP image.' }),
    })
    const profile = { uuid: 'u-1', handle: 'andrewbrown', display_name: 'Andrew Brown', bio: '', avatar_url: '' }
    renderApp(<ProfileForm profile={profile as never} onSaved={() => {}} onClose={() => {}} />)
    fireEvent.change(screen.getByLabelText(/Change avatar/), { target: { files: [imageFile()] } })
    expect(await screen.findByText('That file is not a JPEG, PNG or WebP image.', {}, { timeout: 5000 })).toBeInTheDocument()
    expect(screen.queryByText('not_an_image')).not.toBeInTheDocument()
  })
})

import { describe, expect, it } from 'vitest'
import { attachmentsBlock, attachmentsReducer, mediaRefs, type Attachment, type AttachmentAction } from './attachments'

const file = new File([new Uint8Array(10)], 'a.png', { type: 'image/png' })
const run = (actions: AttachmentAction[], from: Attachment[] = []) => actions.reduce(attachmentsReducer, from)
const add = (key: string): AttachmentAction => ({ type: 'add', key, file, preview: `blob:${key}` })

describe('the composer upload state machine', () => {
  it('goes uploading → processing → ready, and only then is sent with its trimmed alt text', () => {
    let state = run([add('a'), { type: 'granted', key: 'a', id: 'm-1' }, { type: 'progress', key: 'a', progress: 0.5 }])
    expect(state[0]).toMatchObject({ phase: 'uploading', progress: 0.5, id: 'm-1' })
    expect(attachmentsBlock(state)).toBe('Wait until the pictures finish uploading.')
    expect(mediaRefs(state)).toEqual([])
    state = run([{ type: 'processing', key: 'a' }, { type: 'alt', key: 'a', alt: '  a purple bomb  ' }], state)
    expect(state[0]).toMatchObject({ phase: 'processing', progress: 1 })
    expect(attachmentsBlock(state)).not.toBeNull()
    state = run([{ type: 'ready', key: 'a' }], state)
    expect(attachmentsBlock(state)).toBeNull()
    expect(mediaRefs(state)).toEqual([{ id: 'm-1', alt: 'a purple bomb' }])
  })

  it('holds at most 4 pictures, in the order they were added', () => {
    const state = run(['a', 'b', 'c', 'd', 'e'].map(add))
    expect(state.map((a) => a.key)).toEqual(['a', 'b', 'c', 'd'])
  })

  it('blocks the post while a picture failed, until it is removed', () => {
    let state = run([add('a'), add('b'), { type: 'granted', key: 'b', id: 'm-2' }, { type: 'ready', key: 'b' }, { type: 'failed', key: 'a', error: 'That image file is damaged.' }])
    expect(state[0]).toMatchObject({ phase: 'failed', error: 'That image file is damaged.' })
    expect(attachmentsBlock(state)).toBe('Remove the picture that could not be used.')
    state = run([{ type: 'remove', key: 'a' }], state)
    expect(attachmentsBlock(state)).toBeNull()
    expect(mediaRefs(state)).toEqual([{ id: 'm-2', alt: '' }])
  })

  it('ignores late reports for a settled picture', () => {
    const state = run([add('a'), { type: 'failed', key: 'a', error: 'x' }, { type: 'progress', key: 'a', progress: 0.9 }, { type: 'ready', key: 'a' }])
    expect(state[0]).toMatchObject({ phase: 'failed', progress: 0 })
  })

  it('refuses alt text over 1,500 characters', () => {
    const state = run([add('a'), { type: 'granted', key: 'a', id: 'm' }, { type: 'ready', key: 'a' }, { type: 'alt', key: 'a', alt: 'x'.repeat(1501) }])
    expect(attachmentsBlock(state)).toBe('Alt text can be at most 1,500 characters.')
    expect(attachmentsBlock(run([{ type: 'alt', key: 'a', alt: 'x'.repeat(1500) }], state))).toBeNull()
  })
})

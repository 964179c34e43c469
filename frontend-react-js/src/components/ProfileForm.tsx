import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { codeMessage, errorMessage } from '../api/client'
import type { Profile } from '../api/types'
import { avatarGrant, avatarStatus, getMe, updateProfile } from '../api/users'
import { useAuth } from '../auth/AuthContext'
import { BIO_MAX, DISPLAY_NAME_MAX, charCount } from '../lib/text'
import { avatarProblem, pollUntil, uploadPresignedPost } from '../lib/upload'
import { Avatar } from './Avatar'
import { CharCounter } from './CharCounter'
import { CameraIcon } from './Icons'
import { FormError } from './States'
import { TextAreaField } from './TextAreaField'
import { useToast } from './Toast'

type Upload = { phase: 'idle' } | { phase: 'uploading'; progress: number } | { phase: 'processing' } | { phase: 'ready' } | { phase: 'failed'; reason: string }

/** Edit display name, bio and avatar (uploaded straight to storage, then processed). */
export function ProfileForm({ profile, onSaved, onClose }: { profile: Profile; onSaved: (p: Partial<Profile>) => void; onClose: () => void }) {
  const { me, setMe } = useAuth()
  const toast = useToast()
  const id = useId()
  const [name, setName] = useState(profile.display_name ?? '')
  const [bio, setBio] = useState(profile.bio ?? '')
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [preview, setPreview] = useState<string | null>(null)
  const [upload, setUpload] = useState<Upload>({ phase: 'idle' })
  const fileRef = useRef<HTMLInputElement>(null)
  const alive = useRef(true)
  useEffect(() => () => void (alive.current = false), [])
  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview])

  const nameCount = charCount(name)
  const valid = nameCount >= 1 && nameCount <= DISPLAY_NAME_MAX && charCount(bio) <= BIO_MAX

  const save = async (event: FormEvent) => {
    event.preventDefault()
    if (!valid || saving) return
    setSaving(true)
    setError(null)
    try {
      const updated = await updateProfile({ display_name: name.trim(), bio: bio.trim() })
      onSaved({ display_name: updated?.display_name ?? name.trim(), bio: updated?.bio ?? bio.trim() })
      if (me) setMe({ ...me, display_name: updated?.display_name ?? name.trim(), bio: updated?.bio ?? bio.trim() })
      toast.notify('Profile saved')
      onClose()
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setSaving(false)
    }
  }

  const pick = async (file: File | undefined) => {
    if (!file) return
    const problem = avatarProblem(file)
    if (problem) {
      setUpload({ phase: 'failed', reason: problem })
      return
    }
    setPreview(URL.createObjectURL(file))
    setUpload({ phase: 'uploading', progress: 0 })
    try {
      const grant = await avatarGrant(file)
      await uploadPresignedPost(grant, file, (progress) => alive.current && setUpload({ phase: 'uploading', progress }))
      setUpload({ phase: 'processing' })
      const result = await waitForAvatar()
      if (result.status === 'failed') throw new Error(codeMessage(result.reason, result.message ?? 'The image could not be processed.'))
      const fresh = await getMe().catch(() => null)
      const url = result.avatar_url ?? fresh?.avatar_url ?? null
      if (fresh) setMe(fresh)
      onSaved({ avatar_url: url ?? profile.avatar_url })
      if (alive.current) setUpload({ phase: 'ready' })
    } catch (err) {
      if (alive.current) setUpload({ phase: 'failed', reason: errorMessage(err) })
      setPreview(null)
    } finally {
      if (fileRef.current) fileRef.current.value = ''
    }
  }

  const busy = upload.phase === 'uploading' || upload.phase === 'processing'
  return (
    <form className="form profile-form" onSubmit={save} noValidate>
      <div className="avatar-edit">
        <Avatar url={preview ?? profile.avatar_url} handle={profile.handle} name={name} size={96} />
        <div className="avatar-edit__side">
          <input
            ref={fileRef}
            id={`${id}-file`}
            className="visually-hidden file-input"
            type="file"
            accept="image/jpeg,image/png,image/webp"
            disabled={busy}
            onChange={(e) => void pick(e.target.files?.[0])}
          />
          <label className={`btn btn--ghost ${busy ? 'is-disabled' : ''}`} htmlFor={`${id}-file`}>
            <CameraIcon size={18} /> Change avatar
          </label>
          <p className="muted small">JPEG, PNG or WebP, up to 5 MB.</p>
          <UploadStatus upload={upload} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-name`}>Display name</label>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} required aria-invalid={nameCount < 1 || nameCount > DISPLAY_NAME_MAX} aria-describedby={`${id}-name-count`} autoComplete="name" />
        <CharCounter text={name} max={DISPLAY_NAME_MAX} id={`${id}-name-count`} />
      </div>
      <TextAreaField id={`${id}-bio`} label="Bio" value={bio} onChange={setBio} max={BIO_MAX} />
      <FormError message={error} />
      <div className="modal__buttons">
        <button type="button" className="btn btn--ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="btn btn--primary" disabled={!valid || saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  )
}

function UploadStatus({ upload }: { upload: Upload }) {
  switch (upload.phase) {
    case 'uploading':
      return (
        <div className="upload-status" role="status">
          <progress max={1} value={upload.progress} aria-label="Upload progress" />
          <span>Uploading… {Math.round(upload.progress * 100)}%</span>
        </div>
      )
    case 'processing':
      return (
        <p className="upload-status" role="status">
          Processing your image…
        </p>
      )
    case 'ready':
      return (
        <p className="upload-status upload-status--ok" role="status">
          New avatar is live.
        </p>
      )
    case 'failed':
      return (
        <p className="form-error" role="alert">
          {upload.reason}
        </p>
      )
    default:
      return null
  }
}

function waitForAvatar(timeoutMs = 60_000): Promise<{ status: string; reason?: string | null; message?: string | null; avatar_url?: string | null }> {
  return pollUntil(avatarStatus, (s) => s.status === 'ready' || s.status === 'failed', {
    timeoutMs,
    timeoutMessage: 'Processing is taking longer than expected. Your avatar will update when it is done.',
  })
}

import { useRef, useState } from 'react'
import { useNavigate } from 'react-router-dom'
import { deleteAccount } from '../../api/account'
import { ApiError } from '../../api/client'
import { useAuth } from '../../auth/AuthContext'
import { Modal } from '../../components/Modal'
import { ReauthForm } from './ReauthForm'

/** What deletion removes, in the words of ACCOUNT-CONTRACT.md §1 (docs/deletion.md has the detail). */
export const REMOVED = [
  'your cruds and replies, with the replies, likes and reposts others left on them',
  'your likes and reposts of other people’s cruds',
  'who you follow and who follows you, and your blocks and mutes',
  'your direct messages (the other person sees “Deleted account” in your place)',
  'your pictures and your avatar',
  'your notifications, and your sign-in (email, password and two-factor)',
]

/** The landing page's note after a deletion (router state, so a reload does not repeat it). */
export type DeletedState = { accountDeleted: true }

/**
 * Settings → Delete account, in two steps: read what goes and choose "Delete my account…", then
 * confirm with the password (and code) → a fresh token → `DELETE /api/users/me` → signed out, home.
 */
export function DeleteAccount({ twoFactor }: { twoFactor: boolean }) {
  const { signOut } = useAuth()
  const navigate = useNavigate()
  const [confirming, setConfirming] = useState(false)
  const opener = useRef<HTMLButtonElement>(null)

  const remove = async (token: string) => {
    try {
      await deleteAccount(token)
    } catch (error) {
      // Already being deleted (another tab, or a retry after the first answer was lost): the same end.
      if (!(error instanceof ApiError && error.code === 'account_deleted')) throw error
    }
    // Leave the settings page first: signed out on it, its guard would send us to sign-in instead.
    navigate('/', { replace: true, state: { accountDeleted: true } satisfies DeletedState })
    await signOut().catch(() => undefined)
  }

  return (
    <section className="settings-section pad" aria-labelledby="delete-title">
      <h2 id="delete-title" className="settings-section__title">
        Delete account
      </h2>
      <p>Deleting your account removes, within a minute and everywhere on Cruddur:</p>
      <ul className="settings-list-items">
        {REMOVED.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
      <p className="muted">
        Your handle stays reserved for 30 days so nobody can pretend to be you, then anyone may take it. Anything of yours
        under an open report is kept, hidden from everyone but moderators, until they resolve it, then deleted. This can’t be
        undone; download your data first if you want a copy.
      </p>
      <button type="button" ref={opener} className="btn btn--danger" onClick={() => setConfirming(true)}>
        Delete my account…
      </button>
      {confirming ? (
        <Modal title="Delete your account?" onClose={() => setConfirming(false)}>
          <ReauthForm needsCode={twoFactor} submitLabel="Delete account" busyLabel="Deleting…" danger onToken={remove} onCancel={() => setConfirming(false)}>
            <p className="modal__text">
              Everything listed on the page goes, for good. Confirm it is you with your password{twoFactor ? ' and a current code' : ''}.
            </p>
          </ReauthForm>
        </Modal>
      ) : null}
    </section>
  )
}

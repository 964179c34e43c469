import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react'
import { NavLink } from 'react-router-dom'
import { errorMessage } from '../api/client'
import { blocksPage, mutesPage, safetyPaths, setBlock, unmute } from '../api/safety'
import type { BlockedPerson, MutedPerson } from '../api/types'
import { updateProfile } from '../api/users'
import { useAuth } from '../auth/AuthContext'
import { totpEnabled } from '../auth/mfa'
import { InfiniteSentinel } from '../components/InfiniteSentinel'
import { PageHeader } from '../components/PageHeader'
import { PersonRow } from '../components/PersonRow'
import { EmptyState, ErrorState, FormError, Spinner } from '../components/States'
import { useToast } from '../components/Toast'
import { TtlOptions } from '../components/TtlOptions'
import { usePagedList, type PagedList } from '../hooks/usePagedList'
import { useTitle } from '../hooks/useTitle'
import { DEFAULT_TTL, formatFull, ttlLabel, type Ttl } from '../lib/time'
import { Appearance } from './settings/Appearance'
import { DataExport } from './settings/DataExport'
import { DeleteAccount } from './settings/DeleteAccount'
import { ProfileSection } from './settings/ProfileSection'
import { TwoFactor } from './settings/TwoFactor'

export type SettingsTab = 'profile' | 'appearance' | 'expiry' | 'blocked' | 'muted' | 'two-factor' | 'data' | 'delete'

/** The sections, in the order the navigation lists them: each is `/settings/<tab>`. */
const SECTIONS: { tab: SettingsTab; label: string; title: string; group: string }[] = [
  { tab: 'profile', label: 'Profile', title: 'Profile', group: 'Your account' },
  { tab: 'appearance', label: 'Appearance', title: 'Appearance', group: 'Your account' },
  { tab: 'expiry', label: 'Default expiry', title: 'Default expiry', group: 'Posting' },
  { tab: 'blocked', label: 'Blocked', title: 'Blocked accounts', group: 'Privacy and safety' },
  { tab: 'muted', label: 'Muted', title: 'Muted accounts', group: 'Privacy and safety' },
  { tab: 'two-factor', label: 'Two-factor', title: 'Two-factor authentication', group: 'Security' },
  { tab: 'data', label: 'Your data', title: 'Download your data', group: 'Your account' },
  { tab: 'delete', label: 'Delete account', title: 'Delete account', group: 'Your account' },
]

/**
 * Settings, one page in sections: profile, default expiry, the people you blocked or muted (each with
 * a way back), two-factor authentication, download your data, delete your account.
 */
export default function SettingsPage({ tab }: { tab: SettingsTab }) {
  const section = SECTIONS.find((s) => s.tab === tab) ?? SECTIONS[0]
  useTitle(section.title)
  return (
    <>
      <PageHeader title="Settings" subtitle={section.group} />
      <nav className="tabs tabs--wrap" aria-label="Settings">
        {SECTIONS.map((s) => (
          <NavLink key={s.tab} to={`/settings/${s.tab}`} className={({ isActive }) => (isActive ? 'tabs__tab is-active' : 'tabs__tab')}>
            {s.label}
          </NavLink>
        ))}
      </nav>
      <Section tab={tab} />
    </>
  )
}

function Section({ tab }: { tab: SettingsTab }) {
  switch (tab) {
    case 'profile':
      return <ProfileSection />
    case 'appearance':
      return <Appearance />
    case 'expiry':
      return <DefaultExpiry />
    case 'blocked':
      return <BlockedList />
    case 'muted':
      return <MutedList />
    case 'two-factor':
      return <TwoFactor />
    case 'data':
      return <DataExport />
    case 'delete':
      return <DeleteSection />
  }
}

/** Delete account asks for the authenticator code up front when two-factor is on (Cognito would ask anyway). */
function DeleteSection() {
  const [twoFactor, setTwoFactor] = useState<boolean | null>(null)
  useEffect(() => {
    let live = true
    totpEnabled().then(
      (on) => live && setTwoFactor(on),
      () => live && setTwoFactor(false),
    )
    return () => void (live = false)
  }, [])
  if (twoFactor === null) return <Spinner label="Loading" />
  return <DeleteAccount twoFactor={twoFactor} />
}

function BlockedList() {
  const list = usePagedList<BlockedPerson>(safetyPaths.blocks, blocksPage)
  return (
    <PeopleList
      list={list}
      intro="Blocked accounts can’t see your cruds or interact with you, and you don’t see theirs. They are not told."
      empty="You haven’t blocked anyone."
      action={(p) => <UndoButton label="Unblock" done="Unblocked" handle={p.handle} undo={() => setBlock(p.handle, false)} onDone={() => drop(list, p.uuid)} />}
    />
  )
}

function MutedList() {
  const list = usePagedList<MutedPerson>(safetyPaths.mutes, mutesPage)
  return (
    <PeopleList
      list={list}
      intro="Muted accounts stay out of your feeds and notifications; their messages still arrive. They are not told."
      empty="You haven’t muted anyone."
      detail={(p) => (p.until ? `Muted until ${formatFull(p.until)}` : 'Muted until you unmute')}
      action={(p) => <UndoButton label="Unmute" done="Unmuted" handle={p.handle} undo={() => unmute(p.handle)} onDone={() => drop(list, p.uuid)} />}
    />
  )
}

type ListProps<T extends BlockedPerson> = {
  list: PagedList<T>
  intro: string
  empty: string
  detail?: (person: T) => string
  action: (person: T) => ReactNode
}

function PeopleList<T extends BlockedPerson>({ list, intro, empty, detail, action }: ListProps<T>) {
  return (
    <section className="settings-list">
      <p className="muted pad">{intro}</p>
      {list.status === 'loading' ? <Spinner /> : null}
      {list.status === 'error' ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
      {list.status === 'ready' && list.items.length === 0 ? <EmptyState title={empty} /> : null}
      <ul className="people people--page">
        {list.items.map((p) => (
          <li key={p.uuid}>
            <PersonRow person={p} bio={detail?.(p)} action={action(p)} />
          </li>
        ))}
      </ul>
      <InfiniteSentinel hasMore={list.hasMore} loading={list.loadingMore} error={list.moreError} onMore={list.loadMore} />
    </section>
  )
}

const drop = <T extends BlockedPerson>(list: PagedList<T>, uuid: string) => list.setItems((items) => items.filter((i) => i.uuid !== uuid))

type UndoProps = { label: string; done: string; handle: string; undo: () => Promise<void>; onDone: () => void }

/** Unblock / Unmute: the person leaves the list once the server agrees. */
function UndoButton({ label, done, handle, undo, onDone }: UndoProps) {
  const toast = useToast()
  const [busy, setBusy] = useState(false)
  const run = async () => {
    setBusy(true)
    try {
      await undo()
      toast.notify(`${done} @${handle}`)
      onDone()
    } catch (error) {
      toast.fail(errorMessage(error))
      setBusy(false)
    }
  }
  return (
    <button type="button" className="btn btn--ghost btn--small" onClick={run} disabled={busy} aria-label={`${label} @${handle}`}>
      {label}
    </button>
  )
}

/** How long new cruds live unless chosen otherwise in the composer (`PUT /api/profile/update` `default_ttl`). */
function DefaultExpiry() {
  const { me, setMe } = useAuth()
  const toast = useToast()
  const id = useId()
  const saved = me?.default_ttl ?? null
  const [choice, setChoice] = useState<Ttl | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const value = choice ?? saved ?? DEFAULT_TTL

  // The update takes the whole editable profile: wait for GET /api/users/me so the bio is known.
  const loaded = me?.bio !== undefined && me?.bio !== null
  const save = async (event: FormEvent) => {
    event.preventDefault()
    if (!me || !loaded) return
    setBusy(true)
    setError(null)
    try {
      await updateProfile({ display_name: me.display_name, bio: me.bio, default_ttl: value })
      setMe({ ...me, default_ttl: value })
      setChoice(null)
      toast.notify(`New cruds now live ${ttlLabel(value)} unless you choose otherwise`)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="form pad settings-expiry" onSubmit={save}>
      <p className="muted">Every crud ends. This is how long yours live unless you pick another time when posting; the composer starts from it.</p>
      <div className="field">
        <label htmlFor={`${id}-ttl`}>Default expiry</label>
        <select id={`${id}-ttl`} value={value} onChange={(e) => setChoice(e.target.value as Ttl)}>
          <TtlOptions />
        </select>
      </div>
      <FormError message={error} />
      <button type="submit" className="btn btn--primary" disabled={busy || !loaded || value === (saved ?? DEFAULT_TTL)}>
        {busy ? 'Saving…' : 'Save'}
      </button>
    </form>
  )
}

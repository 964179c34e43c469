import { useState, type ReactNode } from 'react'
import { NavLink } from 'react-router-dom'
import { errorMessage } from '../api/client'
import { blocksPage, mutesPage, safetyPaths, setBlock, unmute } from '../api/safety'
import type { BlockedPerson, MutedPerson } from '../api/types'
import { InfiniteSentinel } from '../components/InfiniteSentinel'
import { PageHeader } from '../components/PageHeader'
import { PersonRow } from '../components/PersonRow'
import { EmptyState, ErrorState, Spinner } from '../components/States'
import { useToast } from '../components/Toast'
import { usePagedList, type PagedList } from '../hooks/usePagedList'
import { useTitle } from '../hooks/useTitle'
import { formatFull } from '../lib/time'

export type SettingsTab = 'blocked' | 'muted'

/** Settings: the people you have blocked or muted, each with a way back. */
export default function SettingsPage({ tab }: { tab: SettingsTab }) {
  useTitle(tab === 'blocked' ? 'Blocked accounts' : 'Muted accounts')
  return (
    <>
      <PageHeader title="Settings" subtitle="Privacy and safety" />
      <nav className="tabs" aria-label="Settings">
        <NavLink to="/settings/blocked" className={({ isActive }) => (isActive ? 'tabs__tab is-active' : 'tabs__tab')}>
          Blocked
        </NavLink>
        <NavLink to="/settings/muted" className={({ isActive }) => (isActive ? 'tabs__tab is-active' : 'tabs__tab')}>
          Muted
        </NavLink>
      </nav>
      {tab === 'blocked' ? <BlockedList /> : <MutedList />}
    </>
  )
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

import { useCallback, useEffect, useRef, useState } from 'react'
import { latestExport, requestExport } from '../../api/account'
import { ApiError, errorMessage } from '../../api/client'
import type { DataExport as Export } from '../../api/types'
import { ErrorState, FormError, Spinner } from '../../components/States'
import { formatFull } from '../../lib/time'
import { pollUntil } from '../../lib/upload'

/** What the section shows: loading, nothing asked yet, or the latest export (any status). */
export type ExportView = { kind: 'loading' } | { kind: 'unknown'; error: unknown } | { kind: 'none' } | { kind: 'latest'; export: Export }

/** `GET /api/users/me/export` as a view: 404 `export_not_found` means none yet. */
export async function readExport(signal?: AbortSignal): Promise<ExportView> {
  try {
    return { kind: 'latest', export: await latestExport(signal) }
  } catch (error) {
    if (error instanceof ApiError && error.code === 'export_not_found') return { kind: 'none' }
    throw error
  }
}

/** Exports take minutes: poll from 1 s backing off to 10 s, and stop waiting (but offer "Check again") after 10 min. */
export const EXPORT_POLL = { firstDelayMs: 1000, maxDelayMs: 10_000, timeoutMs: 10 * 60_000 }

/** Settings → Download your data: request, wait (polling), download while the link lasts, retry a failure. */
export function DataExport() {
  const [view, setView] = useState<ExportView>({ kind: 'loading' })
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [stalled, setStalled] = useState(false)
  const status = useRef<HTMLDivElement>(null)

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      setView(await readExport(signal))
    } catch (error) {
      if (!signal?.aborted) setView({ kind: 'unknown', error })
    }
  }, [])
  useEffect(() => {
    const controller = new AbortController()
    // eslint-disable-next-line react-hooks/set-state-in-effect -- reads the latest export from the API once on mount
    void load(controller.signal)
    return () => controller.abort()
  }, [load])

  // While the latest export runs, poll until it settles (the effect restarts for a new export id).
  const runningId = view.kind === 'latest' && view.export.status === 'running' && !stalled ? view.export.id : null
  useEffect(() => {
    if (!runningId) return
    const controller = new AbortController()
    pollUntil(latestExport, (e) => e.id !== runningId || e.status !== 'running', {
      ...EXPORT_POLL,
      timeoutMessage: 'still running',
      signal: controller.signal,
    }).then(
      (latest) => setView({ kind: 'latest', export: latest }),
      (error: unknown) => {
        if (controller.signal.aborted) return
        if (error instanceof ApiError) setView({ kind: 'unknown', error })
        else setStalled(true)
      },
    )
    return () => controller.abort()
  }, [runningId])

  const request = async () => {
    setBusy(true)
    setProblem(null)
    try {
      setStalled(false)
      setView({ kind: 'latest', export: await requestExport() })
      status.current?.focus()
    } catch (error) {
      setProblem(errorMessage(error))
    } finally {
      setBusy(false)
    }
  }

  const latest = view.kind === 'latest' ? view.export : null
  const again = latest?.status === 'failed' ? 'Try again' : latest ? 'Request a new export' : 'Request your data'
  return (
    <section className="settings-section pad" aria-labelledby="export-title">
      <h2 id="export-title" className="settings-section__title">
        Download your data
      </h2>
      <p className="muted">
        A zip with your profile, your cruds and replies, your likes and reposts, who you follow and who follows you, your
        messages, your avatar and your pictures, as JSON files and images, with a README explaining each file. You can ask
        for one export a day; its link works for 24 hours.
      </p>
      {view.kind === 'loading' ? <Spinner label="Checking your exports" /> : null}
      {view.kind === 'unknown' ? <ErrorState error={view.error} onRetry={() => void load()} title="Could not check your exports" /> : null}
      <div ref={status} tabIndex={-1} role="status" aria-live="polite" className="settings-status">
        {latest ? <ExportStatus export={latest} stalled={stalled} onCheck={() => { setStalled(false); void load() }} /> : null}
      </div>
      <FormError message={problem} />
      {view.kind === 'none' || (latest && latest.status !== 'running') ? (
        <button type="button" className={latest?.status === 'ready' ? 'btn btn--ghost' : 'btn btn--primary'} onClick={request} disabled={busy}>
          {busy ? 'Asking…' : again}
        </button>
      ) : null}
    </section>
  )
}

function ExportStatus({ export: e, stalled, onCheck }: { export: Export; stalled: boolean; onCheck: () => void }) {
  switch (e.status) {
    case 'running':
      return stalled ? (
        <p>
          Still preparing your data (asked {formatFull(e.requested_at)}). It can take a while with many pictures.{' '}
          <button type="button" className="btn btn--link" onClick={onCheck}>
            Check again
          </button>
        </p>
      ) : (
        <p className="export-running">
          <span className="spinner spinner--inline" aria-hidden="true">
            <span className="spinner__dot" />
          </span>
          Preparing your data… This can take a few minutes; you can leave this page and come back.
        </p>
      )
    case 'ready':
      return (
        <>
          <p>Your data is ready (asked {formatFull(e.requested_at)}).</p>
          {e.url ? (
            <p>
              <a className="btn btn--primary" href={e.url} download>
                Download your data (zip)
              </a>
            </p>
          ) : null}
          {e.expires_at ? <p className="muted">The link works until {formatFull(e.expires_at)}.</p> : null}
        </>
      )
    case 'failed':
      return <p>Preparing your data failed (asked {formatFull(e.requested_at)}). Nothing was kept; try again.</p>
    case 'expired':
      return <p>Your last export’s link has expired{e.expires_at ? ` (${formatFull(e.expires_at)})` : ''}.</p>
  }
}

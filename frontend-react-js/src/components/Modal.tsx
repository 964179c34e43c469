import { useEffect, useId, useRef, type KeyboardEventHandler, type ReactNode } from 'react'
import { useLatest } from '../hooks/useLatest'
import { CloseIcon } from './Icons'

/** An accessible dialog (native <dialog>: focus trap, Escape, inert background). */
export function Modal({
  title,
  onClose,
  children,
  wide = false,
  className,
  onKeyDown,
}: {
  title: string
  onClose: () => void
  children: ReactNode
  wide?: boolean
  /** Replaces the dialog's class (e.g. the lightbox's). */
  className?: string
  onKeyDown?: KeyboardEventHandler<HTMLDialogElement>
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const onCloseRef = useLatest(onClose)

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const opener = document.activeElement as HTMLElement | null
    if (typeof dialog.showModal === 'function' && !dialog.open) dialog.showModal()
    else dialog.setAttribute('open', '')
    // showModal() focuses the first focusable element (the close button); prefer the content.
    const first = dialog.querySelector<HTMLElement>('[data-autofocus], textarea, input:not([type="hidden"]):not([type="file"])')
    first?.focus()
    const onCancel = (event: Event) => {
      event.preventDefault()
      onCloseRef.current()
    }
    dialog.addEventListener('cancel', onCancel)
    return () => {
      dialog.removeEventListener('cancel', onCancel)
      if (typeof dialog.close === 'function' && dialog.open) dialog.close()
      opener?.focus?.()
    }
  }, [onCloseRef])

  return (
    <dialog
      ref={ref}
      className={className ?? (wide ? 'modal modal--wide' : 'modal')}
      aria-labelledby={titleId}
      onKeyDown={onKeyDown}
      onMouseDown={(event) => {
        if (event.target === ref.current) onClose()
      }}
    >
      <div className="modal__panel">
        <header className="modal__header">
          <h2 id={titleId} className="modal__title">
            {title}
          </h2>
          <button type="button" className="icon-btn" onClick={onClose} aria-label="Close">
            <CloseIcon />
          </button>
        </header>
        {children}
      </div>
    </dialog>
  )
}

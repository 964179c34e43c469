import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import { useDismiss } from '../hooks/useDismiss'
import { MoreIcon } from './Icons'

export type MenuItem = { label: string; onSelect: () => void; icon?: ReactNode; danger?: boolean }

/**
 * A "…" button with a small menu (the WAI-ARIA menu button pattern): the first item takes focus,
 * arrows/Home/End move, Escape closes back to the button, Tab or a press outside closes.
 */
export function Menu({ label, items, className = 'icon-btn', iconSize = 20 }: { label: string; items: MenuItem[]; className?: string; iconSize?: number }) {
  const [open, setOpen] = useState(false)
  const wrap = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  const list = useRef<HTMLDivElement>(null)
  const id = useId()

  useDismiss(wrap, open, (reason) => {
    setOpen(false)
    if (reason === 'escape') button.current?.focus()
  })
  useEffect(() => {
    if (open) list.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus()
  }, [open])

  const move = (event: KeyboardEvent<HTMLDivElement>) => {
    const entries = [...(list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])]
    const at = entries.indexOf(document.activeElement as HTMLElement)
    const to: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: entries.length - 1 }
    if (event.key === 'Tab') setOpen(false)
    if (!(event.key in to) || entries.length === 0) return
    event.preventDefault()
    entries[(to[event.key] + entries.length) % entries.length].focus()
  }

  return (
    <div className="menu" ref={wrap}>
      <button
        ref={button}
        type="button"
        className={className}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={(e) => {
          e.stopPropagation()
          setOpen((v) => !v)
        }}
      >
        <MoreIcon size={iconSize} />
      </button>
      {open ? (
        <div className="menu__list" role="menu" id={id} aria-label={label} ref={list} onKeyDown={move}>
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className={item.danger ? 'menu-item menu-item--danger' : 'menu-item'}
              onClick={(e) => {
                e.stopPropagation()
                setOpen(false)
                // Focus the button first: a dialog the item opens returns focus to it on close.
                button.current?.focus()
                item.onSelect()
              }}
            >
              {item.icon}
              {item.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  )
}

import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react'

type Toast = { id: number; text: string; tone: 'info' | 'error' }
type ToastApi = { notify: (text: string) => void; fail: (text: string) => void }

const ToastContext = createContext<ToastApi>({ notify: () => {}, fail: () => {} })

export const useToast = () => useContext(ToastContext)

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([])
  const nextId = useRef(1)
  const push = useCallback((text: string, tone: Toast['tone']) => {
    const id = nextId.current++
    setToasts((list) => [...list.slice(-2), { id, text, tone }])
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), 4000)
  }, [])
  const api = useMemo<ToastApi>(() => ({ notify: (t) => push(t, 'info'), fail: (t) => push(t, 'error') }), [push])
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast--${t.tone}`}>
            {t.text}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  )
}

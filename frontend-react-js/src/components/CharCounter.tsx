import { charCount } from '../lib/text'

/** "12 / 280" with a warning tone near the limit; announces only when over it. */
export function CharCounter({ text, max, id }: { text: string; max: number; id?: string }) {
  const used = charCount(text)
  const left = max - used
  const tone = left < 0 ? 'over' : left <= Math.max(10, Math.round(max * 0.07)) ? 'near' : 'ok'
  return (
    <span id={id} className={`char-counter char-counter--${tone}`} aria-live={left < 0 ? 'polite' : 'off'}>
      <span aria-hidden="true">{left < 0 ? left : `${used}/${max}`}</span>
      <span className="visually-hidden">
        {left < 0 ? `${-left} characters over the limit of ${max}` : `${left} of ${max} characters left`}
      </span>
    </span>
  )
}

/** True when the text can be sent: not blank and within the limit. */
export function canSend(text: string, max: number): boolean {
  const n = charCount(text)
  return n > 0 && n <= max
}

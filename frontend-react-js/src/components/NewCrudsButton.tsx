/**
 * "N new cruds" at the top of the home feed (issue 18). The live region is always in the page, so a
 * screen reader hears the count when it appears or changes (politely); the button's name is its text.
 */
export function NewCrudsButton({ count, onShow }: { count: number; onShow: () => void }) {
  return (
    <div className="new-cruds" aria-live="polite">
      {count > 0 ? (
        <button type="button" className="btn btn--primary new-cruds__button" onClick={onShow}>
          {newCrudsLabel(count)}
        </button>
      ) : null}
    </div>
  )
}

/** "1 new crud", "3 new cruds". */
export function newCrudsLabel(count: number): string {
  return `${count} new ${count === 1 ? 'crud' : 'cruds'}`
}

import { Link } from 'react-router-dom'
import { tokenize } from '../lib/text'

/** A crud's (or a bio's) text with #hashtags, @mentions and links made clickable (text is never parsed as HTML;
 * links are only http(s), and marked as user content: rel nofollow ugc). */
export function RichText({ text }: { text: string }) {
  return (
    <>
      {tokenize(text).map((token, i) => {
        switch (token.kind) {
          case 'hashtag':
            return (
              <Link key={i} to={`/search?term=${encodeURIComponent(token.value)}`} className="rich-link" onClick={stop}>
                {token.value}
              </Link>
            )
          case 'mention':
            return (
              <Link key={i} to={`/${token.value}`} className="rich-link" onClick={stop}>
                {token.value}
              </Link>
            )
          case 'link':
            return (
              <a key={i} href={token.value} className="rich-link" target="_blank" rel="noopener noreferrer nofollow ugc" onClick={stop}>
                {token.value.replace(/^https?:\/\//, '')}
              </a>
            )
          default:
            return <span key={i}>{token.value}</span>
        }
      })}
    </>
  )
}

function stop(event: { stopPropagation: () => void }) {
  event.stopPropagation()
}

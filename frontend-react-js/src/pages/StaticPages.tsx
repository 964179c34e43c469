import type { ReactNode } from 'react'
import { Link } from 'react-router-dom'
import { PageHeader } from '../components/PageHeader'
import { useTitle } from '../hooks/useTitle'

function Prose({ title, children }: { title: string; children: ReactNode }) {
  useTitle(title)
  return (
    <>
      <PageHeader title={title} />
      <div className="prose">{children}</div>
    </>
  )
}

export function AboutPage() {
  return (
    <Prose title="About Cruddur">
      <p className="prose__lead">Say it, then let it go.</p>
      <p>
        Cruddur is a micro-blogging network where every post — a <em>crud</em> — has a fuse. When you post, you choose how long
        it lives: from one hour to thirty days. When the time is up, the crud is gone, with its replies, likes and reposts.
      </p>
      <h2>What you can do</h2>
      <ul>
        <li>Post cruds of up to 280 characters and watch their countdown.</li>
        <li>Reply, like, repost and share links to cruds.</li>
        <li>Follow people and see their cruds on your Home feed; see everyone’s in Explore.</li>
        <li>Send direct messages, and get notified live.</li>
        <li>Search people, words and #hashtags.</li>
      </ul>
      <p>
        <Link to="/signup">Join now</Link> or <Link to="/explore">look around</Link>.
      </p>
    </Prose>
  )
}

export function TermsPage() {
  return (
    <Prose title="Terms of Service">
      <p>By using Cruddur you agree to these terms.</p>
      <h2>Your content</h2>
      <p>
        You own what you post. You give Cruddur permission to show it to others until it expires or you delete it. Don’t post
        what you have no right to post, and don’t use Cruddur to harass, threaten or deceive anyone.
      </p>
      <h2>Expiry</h2>
      <p>
        Cruds and everything attached to them are removed when they expire. Expiry cannot be extended. Others may have seen or
        copied a crud before it expired; Cruddur cannot take that back.
      </p>
      <h2>Your account</h2>
      <p>Keep your password safe. We may suspend accounts that break these terms.</p>
    </Prose>
  )
}

export function PrivacyPage() {
  return (
    <Prose title="Privacy Policy">
      <p>We keep as little as we can, for as short as we can.</p>
      <h2>What we store</h2>
      <ul>
        <li>Your email, name, username, bio and avatar, to run your account.</li>
        <li>Your cruds and replies until they expire, then we delete them.</li>
        <li>Your direct messages, for the members of each conversation only.</li>
        <li>
          Anything someone reported (a crud, a reply or a message), past its expiry and hidden from everyone but our
          moderators, until a moderator decides — at most 90 days. Then it is deleted as usual.
        </li>
        <li>Who you follow and what you like or repost, to build your feed and notifications.</li>
      </ul>
      <h2>What we never do</h2>
      <p>We don’t sell your data and we don’t track you across other sites. Sign-in is handled by Amazon Cognito.</p>
    </Prose>
  )
}

export function NotFoundPage() {
  return (
    <Prose title="Not found">
      <p>There’s nothing here. Maybe it expired — that happens a lot around here.</p>
      <p>
        <Link to="/">Go home</Link>
      </p>
    </Prose>
  )
}

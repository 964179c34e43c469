import { lazy } from 'react'
import { createBrowserRouter, Navigate, RouterProvider, type RouteObject } from 'react-router-dom'
import { AuthProvider } from './auth/AuthContext'
import { RequireAuth } from './auth/RequireAuth'
import { SessionGate } from './auth/SessionGate'
import { Layout } from './components/Layout'
import { RouteError } from './components/RouteError'
import { ToastProvider } from './components/Toast'
import { LiveProvider } from './live/LiveContext'
import { HandleRoute } from './pages/HandleRoute'
import { HomePage } from './pages/HomePage'

const ExplorePage = lazy(() => import('./pages/ExplorePage'))
const NotificationsPage = lazy(() => import('./pages/NotificationsPage'))
const UserPage = lazy(() => import('./pages/UserPage'))
const ActivityPage = lazy(() => import('./pages/ActivityPage'))
const FollowListPage = lazy(() => import('./pages/FollowListPage'))
const MessagesPage = lazy(() => import('./pages/MessagesPage'))
const SearchPage = lazy(() => import('./pages/SearchPage'))
const SettingsPage = lazy(() => import('./pages/SettingsPage'))
const ModerationPage = lazy(() => import('./pages/ModerationPage'))
const SignupPage = lazy(() => import('./pages/SignupPage'))
const ConfirmPage = lazy(() => import('./pages/ConfirmPage'))
const SigninPage = lazy(() => import('./pages/SigninPage'))
const ForgotPage = lazy(() => import('./pages/ForgotPage'))
const CompleteProfilePage = lazy(() => import('./pages/CompleteProfilePage'))
const AboutPage = lazy(() => import('./pages/StaticPages').then((m) => ({ default: m.AboutPage })))
const TermsPage = lazy(() => import('./pages/StaticPages').then((m) => ({ default: m.TermsPage })))
const PrivacyPage = lazy(() => import('./pages/StaticPages').then((m) => ({ default: m.PrivacyPage })))
const NotFoundPage = lazy(() => import('./pages/StaticPages').then((m) => ({ default: m.NotFoundPage })))

export const routes: RouteObject[] = [
  {
    element: <SessionGate><Layout /></SessionGate>,
    errorElement: <RouteError />,
    children: [
      { path: '/', element: <HomePage /> },
      { path: '/explore', element: <ExplorePage /> },
      { path: '/search', element: <SearchPage /> },
      { path: '/notifications', element: <RequireAuth><NotificationsPage /></RequireAuth> },
      { path: '/messages', element: <RequireAuth><MessagesPage /></RequireAuth> },
      { path: '/messages/new/:handle', element: <RequireAuth><MessagesPage /></RequireAuth> },
      { path: '/messages/:groupUuid', element: <RequireAuth><MessagesPage /></RequireAuth> },
      { path: '/settings', element: <Navigate to="/settings/profile" replace /> },
      { path: '/settings/blocked', element: <RequireAuth><SettingsPage tab="blocked" /></RequireAuth> },
      { path: '/settings/muted', element: <RequireAuth><SettingsPage tab="muted" /></RequireAuth> },
      { path: '/settings/appearance', element: <RequireAuth><SettingsPage tab="appearance" /></RequireAuth> },
      { path: '/settings/expiry', element: <RequireAuth><SettingsPage tab="expiry" /></RequireAuth> },
      { path: '/settings/profile', element: <RequireAuth><SettingsPage tab="profile" /></RequireAuth> },
      { path: '/settings/two-factor', element: <RequireAuth><SettingsPage tab="two-factor" /></RequireAuth> },
      { path: '/settings/data', element: <RequireAuth><SettingsPage tab="data" /></RequireAuth> },
      { path: '/settings/delete', element: <RequireAuth><SettingsPage tab="delete" /></RequireAuth> },
      { path: '/moderation', element: <RequireAuth><ModerationPage tab="open" /></RequireAuth> },
      { path: '/moderation/resolved', element: <RequireAuth><ModerationPage tab="resolved" /></RequireAuth> },
      { path: '/moderation/audit', element: <RequireAuth><ModerationPage tab="audit" /></RequireAuth> },
      { path: '/signup', element: <SignupPage /> },
      { path: '/confirm', element: <ConfirmPage /> },
      { path: '/signin', element: <SigninPage /> },
      { path: '/forgot', element: <ForgotPage /> },
      { path: '/complete-profile', element: <CompleteProfilePage /> },
      { path: '/about', element: <AboutPage /> },
      { path: '/terms', element: <TermsPage /> },
      { path: '/privacy', element: <PrivacyPage /> },
      // "/@handle…": React Router segments cannot start with a literal and continue with a param,
      // so the handle segment is matched whole and checked for its "@".
      { path: '/:atHandle', element: <HandleRoute>{(handle) => <UserPage handle={handle} />}</HandleRoute> },
      { path: '/:atHandle/status/:uuid', element: <HandleRoute>{(handle) => <ActivityPage handle={handle} />}</HandleRoute> },
      { path: '/:atHandle/followers', element: <HandleRoute>{(handle) => <FollowListPage handle={handle} kind="followers" />}</HandleRoute> },
      { path: '/:atHandle/following', element: <HandleRoute>{(handle) => <FollowListPage handle={handle} kind="following" />}</HandleRoute> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]

const router = createBrowserRouter(routes)

export function App() {
  return (
    <ToastProvider>
      <AuthProvider>
        <LiveProvider>
          <RouterProvider router={router} />
        </LiveProvider>
      </AuthProvider>
    </ToastProvider>
  )
}

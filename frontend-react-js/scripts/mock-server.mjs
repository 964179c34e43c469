#!/usr/bin/env node
// A throwaway stand-in for the gateway, for looking at the SPA without the backend:
//   npm run build && node scripts/mock-server.mjs [port]
// Serves dist/ with deep links, /config.json, and an in-memory /api with demo data.
// Open /__mock/signin?as=andrewbrown to get a fake (unsigned, never verified) Cognito session.
import { createServer } from 'node:http'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { extname, join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const port = Number(process.argv[2] ?? 4173)
const CLIENT_ID = 'mockclient'
const now = Date.now()
const iso = (ms) => new Date(ms).toISOString()
const H = 3600_000
const D = 24 * H

const users = [
  { uuid: 'u1', handle: 'andrewbrown', display_name: 'Andrew Brown', bio: 'Cloud teacher. Crudding since 2023.', avatar_url: null },
  { uuid: 'u2', handle: 'worf', display_name: 'Worf', bio: 'Son of Mogh. Today is a good day to crud.', avatar_url: null },
  { uuid: 'u3', handle: 'bayko', display_name: 'Andrew Bayko', bio: '', avatar_url: null },
  { uuid: 'u4', handle: 'londo', display_name: 'Londo Mollari', bio: 'Ambassador of the Centauri Republic', avatar_url: null },
  { uuid: 'u5', handle: 'garek', display_name: 'Elim Garek', bio: 'Plain, simple tailor.', avatar_url: null },
]
const by = (h) => users.find((u) => u.handle === h)
const follows = new Set(['andrewbrown>worf', 'andrewbrown>bayko', 'worf>andrewbrown'])
const messages = [
  'This was imported as seed data! #AWS #CloudProject',
  'I am out of prune juice',
  'I am the Ambassador of the Centauri Republic. Where is my drink? @worf',
  'Cloud is fun! Learn more at https://example.com/bootcamp',
  'Deploying a new stack today. Wish me luck #100DaysOfCloud',
  'Nothing lasts forever. Not even this crud.',
  'Plain, simple crud. #CloudProject',
]
let activities = []
for (let i = 0; i < 46; i++) {
  const u = users[i % users.length]
  activities.push({
    uuid: randomUUID(), handle: u.handle, display_name: u.display_name, avatar_url: u.avatar_url,
    message: messages[i % messages.length], replies_count: i % 4, reposts_count: i % 3, likes_count: (i * 7) % 23,
    liked: i % 5 === 0, reposted: false, created_at: iso(now - i * 47 * 60_000),
    expires_at: iso(i === 1 ? now + 75_000 : i === 2 ? now + 40 * 60_000 : now + (10 - (i % 9)) * D - i * H),
  })
}
const replies = new Map()
const groups = [{ uuid: 'g1', a: 'andrewbrown', b: 'worf' }, { uuid: 'g2', a: 'andrewbrown', b: 'londo' }]
const dms = new Map([
  ['g1', [
    { uuid: 'm1', handle: 'worf', message: 'Qapla! Your stack deployed?', created_at: iso(now - 3 * H) },
    { uuid: 'm2', handle: 'andrewbrown', message: 'It did. CloudFront took its time.', created_at: iso(now - 2.9 * H) },
    { uuid: 'm3', handle: 'worf', message: 'Patience is for the weak. Well done.', created_at: iso(now - 2 * H) },
  ]],
  ['g2', [{ uuid: 'm4', handle: 'londo', message: 'Where is my drink?', created_at: iso(now - 2 * D) }]],
])
const notes = [
  { kind: 'like', actor: 'worf', read: false, at: now - 5 * 60_000 },
  { kind: 'reply', actor: 'bayko', read: false, at: now - 40 * 60_000, preview: 'Great point!' },
  { kind: 'follow', actor: 'garek', read: true, at: now - 5 * H },
  { kind: 'message', actor: 'worf', read: true, at: now - 2 * H, preview: 'Patience is for the weak.' },
  { kind: 'mention', actor: 'londo', read: true, at: now - D, preview: 'Where is my drink? @andrewbrown' },
].map((n, i) => ({
  uuid: `n${i}`, kind: n.kind, actor: person(by(n.actor)), read: n.read, created_at: iso(n.at), preview: n.preview ?? null,
  activity_uuid: ['like', 'reply', 'mention'].includes(n.kind) ? activities[0].uuid : null, activity_handle: 'andrewbrown',
  message_group_uuid: n.kind === 'message' ? 'g1' : null,
}))

function person(u) {
  return { uuid: u.uuid, handle: u.handle, display_name: u.display_name, avatar_url: u.avatar_url }
}
function b64url(obj) {
  return Buffer.from(JSON.stringify(obj)).toString('base64url')
}
function fakeJwt(claims) {
  return `${b64url({ alg: 'none', kid: 'mock' })}.${b64url(claims)}.sig`
}
function viewer(req) {
  const auth = req.headers.authorization ?? ''
  const token = auth.startsWith('Bearer ') ? auth.slice(7) : new URL(req.url, 'http://x').searchParams.get('access_token')
  if (!token) return null
  try {
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).username ?? null
  } catch {
    return null
  }
}
function page(list, url, limit = 20) {
  const cursor = Number(url.searchParams.get('cursor') ?? 0)
  const items = list.slice(cursor, cursor + limit)
  return { items, next_cursor: cursor + limit < list.length ? String(cursor + limit) : null }
}
function live(list) {
  return list.filter((a) => Date.parse(a.expires_at) > Date.now())
}
function profile(u, me) {
  return {
    ...person(u), bio: u.bio, cruds_count: live(activities).filter((a) => a.handle === u.handle).length,
    followers_count: [...follows].filter((f) => f.endsWith(`>${u.handle}`)).length,
    following_count: [...follows].filter((f) => f.startsWith(`${u.handle}>`)).length,
    followed: me ? follows.has(`${me}>${u.handle}`) : null,
  }
}
function body(req) {
  return new Promise((res) => {
    let data = ''
    req.on('data', (c) => (data += c))
    req.on('end', () => {
      try { res(data ? JSON.parse(data) : {}) } catch { res({}) }
    })
  })
}
function send(res, status, data, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
  res.end(status === 204 ? '' : JSON.stringify(data))
}
const err = (res, status, code, message) => send(res, status, { error: { code, message } })
const sse = new Set()

async function api(req, res, url) {
  const me = viewer(req)
  const p = url.pathname
  const m = req.method
  let match
  if (m === 'GET' && p === '/api/activities/home') {
    const list = me ? live(activities).filter((a) => a.handle === me || follows.has(`${me}>${a.handle}`)) : live(activities)
    return send(res, 200, page(list, url))
  }
  if (m === 'GET' && p === '/api/activities/explore') return send(res, 200, page(live(activities), url))
  if (m === 'GET' && p === '/api/activities/trending') return send(res, 200, [{ hashtag: 'AWS', count: 9053 }, { hashtag: 'CloudProject', count: 8253 }, { hashtag: '100DaysOfCloud', count: 2053 }, { hashtag: 'FreeWillyReboot', count: 7753 }])
  if (m === 'GET' && p === '/api/activities/search') {
    const term = (url.searchParams.get('term') ?? '').toLowerCase().replace(/^[#@]/, '')
    if (!term) return err(res, 422, 'search_term_blank', 'Enter something to search for.')
    return send(res, 200, { activities: live(activities).filter((a) => a.message.toLowerCase().includes(term)).slice(0, 20), users: users.filter((u) => (u.handle + u.display_name).toLowerCase().includes(term)).map(person) })
  }
  if (m === 'POST' && p === '/api/activities') {
    if (!me) return err(res, 401, 'not_authenticated', 'Sign in first.')
    const b = await body(req)
    const ttl = { '30-days': 30 * D, '7-days': 7 * D, '3-days': 3 * D, '1-day': D, '12-hours': 12 * H, '3-hours': 3 * H, '1-hour': H }[b.ttl]
    if (!ttl) return err(res, 422, 'ttl_invalid', 'Unknown ttl.')
    if (!b.message?.trim()) return err(res, 422, 'message_blank', 'Say something.')
    const u = by(me)
    const a = { uuid: randomUUID(), ...person(u), message: b.message.trim(), replies_count: 0, reposts_count: 0, likes_count: 0, liked: false, reposted: false, created_at: iso(Date.now()), expires_at: iso(Date.now() + ttl) }
    activities = [a, ...activities]
    return send(res, 201, a)
  }
  if ((match = /^\/api\/activities\/@(\w+)\/status\/([\w-]+)$/.exec(p)) && m === 'GET') {
    const a = live(activities).find((x) => x.uuid === match[2] && x.handle === match[1])
    if (!a) return err(res, 404, 'activity_not_found', 'This crud does not exist or has expired.')
    return send(res, 200, { activity: a, ...((r) => ({ replies: r.items, next_cursor: r.next_cursor }))(page(replies.get(a.uuid) ?? [], url)) })
  }
  if ((match = /^\/api\/activities\/@(\w+)$/.exec(p)) && m === 'GET') {
    const u = by(match[1])
    if (!u) return err(res, 404, 'user_not_found', 'No such user.')
    const r = page(live(activities).filter((a) => a.handle === u.handle), url)
    return send(res, 200, { profile: profile(u, me), activities: r.items, next_cursor: r.next_cursor })
  }
  if ((match = /^\/api\/activities\/([\w-]+)\/(like|repost)$/.exec(p))) {
    if (!me) return err(res, 401, 'not_authenticated', 'Sign in first.')
    const a = activities.find((x) => x.uuid === match[1])
    if (!a) return err(res, 404, 'activity_not_found', 'This crud has expired.')
    const key = match[2] === 'like' ? 'liked' : 'reposted'
    const count = match[2] === 'like' ? 'likes_count' : 'reposts_count'
    const on = m === 'PUT'
    if (a[key] !== on) a[count] += on ? 1 : -1
    a[key] = on
    return send(res, 204)
  }
  if ((match = /^\/api\/activities\/([\w-]+)\/reply$/.exec(p)) && m === 'POST') {
    const a = activities.find((x) => x.uuid === match[1])
    if (!a) return err(res, 404, 'activity_not_found', 'This crud has expired.')
    const b = await body(req)
    const r = { uuid: randomUUID(), ...person(by(me)), message: b.message, replies_count: 0, reposts_count: 0, likes_count: 0, created_at: iso(Date.now()), expires_at: a.expires_at, reply_to_activity_uuid: a.uuid }
    replies.set(a.uuid, [...(replies.get(a.uuid) ?? []), r])
    a.replies_count++
    return send(res, 201, r)
  }
  if ((match = /^\/api\/activities\/([\w-]+)$/.exec(p)) && m === 'DELETE') {
    activities = activities.filter((a) => a.uuid !== match[1])
    return send(res, 204)
  }
  if (p === '/api/users/me') return me ? send(res, 200, { ...person(by(me)), bio: by(me).bio }) : err(res, 401, 'not_authenticated', 'Sign in.')
  if (p === '/api/users/suggested') return send(res, 200, users.filter((u) => u.handle !== me && !follows.has(`${me}>${u.handle}`)).map((u) => ({ ...person(u), followed: false })))
  if ((match = /^\/api\/users\/@(\w+)\/short$/.exec(p))) return by(match[1]) ? send(res, 200, person(by(match[1]))) : err(res, 404, 'user_not_found', 'No such user.')
  if ((match = /^\/api\/users\/@(\w+)\/follow$/.exec(p))) {
    if (m === 'PUT') follows.add(`${me}>${match[1]}`)
    else follows.delete(`${me}>${match[1]}`)
    return send(res, 204)
  }
  if ((match = /^\/api\/users\/@(\w+)\/(followers|following)$/.exec(p))) {
    const list = [...follows].map((f) => f.split('>')).filter(([a, b]) => (match[2] === 'followers' ? b : a) === match[1]).map(([a, b]) => by(match[2] === 'followers' ? a : b))
    return send(res, 200, page(list.map((u) => ({ ...person(u), bio: u.bio, followed: follows.has(`${me}>${u.handle}`) })), url))
  }
  if (p === '/api/profile/update') {
    const b = await body(req)
    Object.assign(by(me), { display_name: b.display_name, bio: b.bio })
    return send(res, 200, profile(by(me), me))
  }
  if (p === '/api/message_groups') {
    const mine = groups.filter((g) => g.a === me || g.b === me).map((g) => {
      const other = by(g.a === me ? g.b : g.a)
      const last = dms.get(g.uuid).at(-1)
      return { ...person(other), uuid: g.uuid, message: last.message, created_at: last.created_at }
    }).sort((x, y) => (x.created_at < y.created_at ? 1 : -1))
    return send(res, 200, mine)
  }
  if ((match = /^\/api\/message_groups\/@(\w+)$/.exec(p))) {
    const g = groups.find((x) => (x.a === me && x.b === match[1]) || (x.b === me && x.a === match[1]))
    return g ? send(res, 200, { ...person(by(match[1])), uuid: g.uuid, message: '', created_at: iso(now) }) : err(res, 404, 'not_found', 'No conversation.')
  }
  if ((match = /^\/api\/messages\/([\w-]+)$/.exec(p))) {
    const list = dms.get(match[1])
    if (!list) return err(res, 404, 'not_found', 'No conversation.')
    return send(res, 200, list.map((x) => ({ ...x, ...person(by(x.handle)), uuid: x.uuid })))
  }
  if (p === '/api/messages' && m === 'POST') {
    const b = await body(req)
    let gid = b.message_group_uuid
    if (!gid) {
      gid = randomUUID()
      groups.push({ uuid: gid, a: me, b: b.handle })
      dms.set(gid, [])
    }
    const msg = { uuid: randomUUID(), handle: me, message: b.message, created_at: iso(Date.now()) }
    dms.get(gid).push(msg)
    return send(res, 201, { ...msg, ...person(by(me)), uuid: msg.uuid, message_group_uuid: gid })
  }
  if (p === '/api/notifications/stream') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
    res.write(': hello\n\n')
    sse.add(res)
    req.on('close', () => sse.delete(res))
    return
  }
  if (p === '/api/notifications' || p === '/api/activities/notifications') return send(res, 200, { items: notes, unread_count: notes.filter((n) => !n.read).length, next_cursor: null })
  if (p === '/api/notifications/read') {
    notes.forEach((n) => (n.read = true))
    return send(res, 204)
  }
  return err(res, 404, 'not_found', `No mock for ${m} ${p}`)
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png' }

createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`)
  if (url.pathname === '/config.json') {
    return send(res, 200, { region: 'us-east-1', userPoolId: 'us-east-1_mock', userPoolClientId: CLIENT_ID, authFlowType: 'USER_PASSWORD_AUTH', assetsBaseUrl: '/assets' })
  }
  if (url.pathname === '/__mock/signin') {
    const as = url.searchParams.get('as') ?? 'andrewbrown'
    const u = by(as)
    const exp = Math.floor(Date.now() / 1000) + 10 * 365 * 86400
    const access = fakeJwt({ sub: u.uuid, username: as, token_use: 'access', client_id: CLIENT_ID, exp, iat: exp - 3600 })
    const id = fakeJwt({ sub: u.uuid, email: `${as}@example.com`, name: u.display_name, preferred_username: as, 'cognito:username': as, aud: CLIENT_ID, token_use: 'id', exp, iat: exp - 3600 })
    const k = `CognitoIdentityServiceProvider.${CLIENT_ID}`
    const next = url.searchParams.get('next') ?? '/'
    res.writeHead(200, { 'Content-Type': 'text/html' })
    return res.end(`<script>localStorage.setItem(${JSON.stringify(`${k}.LastAuthUser`)}, ${JSON.stringify(as)});
localStorage.setItem(${JSON.stringify(`${k}.${as}.accessToken`)}, ${JSON.stringify(access)});
localStorage.setItem(${JSON.stringify(`${k}.${as}.idToken`)}, ${JSON.stringify(id)});
localStorage.setItem(${JSON.stringify(`${k}.${as}.refreshToken`)}, 'mock-refresh');
localStorage.setItem(${JSON.stringify(`${k}.${as}.clockDrift`)}, '0');
location.replace(${JSON.stringify(next)});</script>`)
  }
  if (url.pathname === '/__mock/notify') {
    const n = { ...notes[0], uuid: randomUUID(), read: false, created_at: iso(Date.now()) }
    notes.unshift(n)
    for (const s of sse) s.write(`id: ${n.uuid}\nevent: notification\ndata: ${JSON.stringify(n)}\n\n`)
    return send(res, 200, { sent: sse.size })
  }
  if (url.pathname.startsWith('/api/')) return api(req, res, url)
  let file = join(root, decodeURIComponent(url.pathname))
  if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html')
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
  res.end(readFileSync(file))
}).listen(port, '127.0.0.1', () => console.log(`mock gateway on http://127.0.0.1:${port}`))

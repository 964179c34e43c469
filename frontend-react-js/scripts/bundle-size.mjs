#!/usr/bin/env node
// Prints the production bundle's gzip sizes as JSON for `make bench`:
//   {js_gzip_bytes_initial, js_gzip_bytes_total, css_gzip_bytes}
// "initial" is the entry chunk plus everything it imports statically (from dist/.vite/manifest.json),
// i.e. the JavaScript a first visit downloads before any lazy route loads.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const dist = resolve(process.argv[2] ?? join(root, 'dist'))
const manifestPath = join(dist, '.vite', 'manifest.json')
if (!existsSync(manifestPath)) {
  console.error(`bundle-size: ${manifestPath} not found; run \`npm run build\` first`)
  process.exit(1)
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length

const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry)
const initial = new Set()
const initialCss = new Set()
const visit = (key) => {
  const chunk = manifest[key]
  if (!chunk || initial.has(chunk.file)) return
  initial.add(chunk.file)
  for (const css of chunk.css ?? []) initialCss.add(css)
  for (const dep of chunk.imports ?? []) visit(dep)
}
for (const [key] of entries) visit(key)

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]))
const rel = (p) => p.slice(dist.length + 1)
const files = walk(dist).map(rel).filter((f) => !f.startsWith('.vite'))
const sum = (list) => list.reduce((n, f) => n + gz(f), 0)

const result = {
  js_gzip_bytes_initial: sum([...initial].filter((f) => f.endsWith('.js'))),
  js_gzip_bytes_total: sum(files.filter((f) => f.endsWith('.js'))),
  css_gzip_bytes: sum(files.filter((f) => f.endsWith('.css'))),
}
console.log(JSON.stringify(result))

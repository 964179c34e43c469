#!/usr/bin/env node
// Generates TypeScript types from each service's OpenAPI document:
//   openapi/<service>.json  ->  src/api/generated/<service>.ts
// The documents are dumped from the running services (`make openapi`); never edit the output by hand.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generate } from './openapi-types.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const specDir = join(root, 'openapi')
const outDir = join(root, 'src', 'api', 'generated')

if (!existsSync(specDir)) {
  console.error(`gen:api: ${specDir} does not exist; dump the services' OpenAPI documents first (make openapi)`)
  process.exit(1)
}
const specs = readdirSync(specDir).filter((f) => f.endsWith('.json')).sort()
if (specs.length === 0) {
  console.error(`gen:api: no *.json OpenAPI documents in ${specDir}`)
  process.exit(1)
}
mkdirSync(outDir, { recursive: true })
for (const file of specs) {
  const service = basename(file, '.json')
  writeFileSync(join(outDir, `${service}.ts`), await generate(join(specDir, file)))
  console.log(`gen:api: ${file} -> src/api/generated/${service}.ts`)
}

// @vitest-environment node
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
// @ts-expect-error -- a plain .mjs build script without type declarations
import { generate } from '../../scripts/openapi-types.mjs'

const root = resolve(__dirname, '..', '..')
const specDir = join(root, 'openapi')
const specs = existsSync(specDir) ? readdirSync(specDir).filter((f) => f.endsWith('.json')) : []

describe('generated API types', () => {
  it('exist for every service document', () => {
    expect(specs.sort()).toEqual(['activity.json', 'messaging.json', 'notification.json', 'user.json'])
  })

  it.each(specs)('are up to date with openapi/%s (run `npm run gen:api`)', async (file) => {
    const committed = readFileSync(join(root, 'src', 'api', 'generated', `${basename(file, '.json')}.ts`), 'utf8')
    expect(committed).toBe(await generate(join(specDir, file)))
  })
})

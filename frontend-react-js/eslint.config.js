// ESLint over the SPA (`npm run lint`, part of `make lint` and the pre-commit hooks): typescript-eslint's
// recommended rules and the React hooks rules (exhaustive-deps included). Warnings fail the run
// (--max-warnings=0). Not the type-aware set yet: it cost ~50 s of CPU here (tsc already checks types in
// `npm run build`) and finds 71 promise/async style lines to fix in its own change.
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import { defineConfig, globalIgnores } from 'eslint/config'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default defineConfig([
  // Generated from the OpenAPI documents (`make openapi`), and build output.
  globalIgnores(['dist/', 'src/api/generated/', 'openapi/']),
  {
    files: ['src/**/*.{ts,tsx}', 'vite.config.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended, reactHooks.configs.flat.recommended],
    languageOptions: {
      globals: globals.browser,
    },
  },
  {
    // Node scripts (type generation, bundle size) and this file.
    files: ['scripts/**/*.mjs', 'eslint.config.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
])

/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// The gateway of `make run` serves the API, the runtime config, avatars, docs and the local Cognito.
const gateway = `http://127.0.0.1:${process.env.CRUDDUR_PORT ?? '8080'}`
const proxied = ['/api', '/config.json', '/assets', '/docs', '/cognito', '/avatars']

export default defineConfig({
  plugins: [react()],
  server: {
    port: Number(process.env.VITE_PORT ?? 5173),
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: gateway, changeOrigin: true }])),
  },
  build: {
    outDir: 'dist',
    // /assets/* is the avatars bucket (the gateway locally, a CloudFront behaviour in AWS), so the
    // app's own hashed files live under /static/.
    assetsDir: 'static',
    manifest: true,
    sourcemap: false,
    target: 'es2022',
  },
  test: {
    environment: 'happy-dom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
})

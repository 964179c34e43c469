import '@testing-library/jest-dom/vitest'
import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'
import { resetActivityFlags } from '../hooks/useActivityFlags'
import { forgetKept } from '../lib/kept'

afterEach(() => {
  cleanup()
  // module stores that outlive a page (one truth per crud, place kept): each test starts empty
  resetActivityFlags()
  forgetKept()
})

/** Runtime configuration from the gateway's /config.json (never baked into the build). */
export type RuntimeConfig = {
  region: string
  userPoolId: string
  userPoolClientId: string
  cognitoEndpoint?: string | null
  authFlowType?: 'USER_PASSWORD_AUTH' | 'USER_SRP_AUTH'
  assetsBaseUrl?: string | null
}

let current: RuntimeConfig | null = null

export async function loadConfig(): Promise<RuntimeConfig> {
  const response = await fetch('/config.json', { headers: { Accept: 'application/json' }, cache: 'no-store' })
  if (!response.ok) throw new Error(`config.json answered ${response.status}`)
  const config = (await response.json()) as RuntimeConfig
  if (!config.userPoolId || !config.userPoolClientId) throw new Error('config.json lacks the Cognito user pool settings')
  current = { ...config, cognitoEndpoint: localEndpoint(config.cognitoEndpoint) }
  return current
}

export function getConfig(): RuntimeConfig | null {
  return current
}

export function setConfigForTests(config: RuntimeConfig | null): void {
  current = config
}

/**
 * The local Cognito lives on the gateway under /cognito/. When the SPA is served from another
 * origin (the Vite dev server proxies /cognito), talk to it through our own origin to avoid CORS.
 */
export function localEndpoint(endpoint: string | null | undefined): string | undefined {
  if (!endpoint) return undefined
  try {
    const url = new URL(endpoint, window.location.origin)
    if (url.origin !== window.location.origin && url.pathname.startsWith('/cognito') && isLoopback(url.hostname)) {
      return `${window.location.origin}${url.pathname}`
    }
    return url.toString()
  } catch {
    return endpoint
  }
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]'
}

export function authFlowType(): 'USER_PASSWORD_AUTH' | 'USER_SRP_AUTH' {
  return current?.authFlowType ?? 'USER_SRP_AUTH'
}

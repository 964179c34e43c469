import { beforeEach, describe, expect, it, vi } from 'vitest'
import { setConfigForTests } from '../lib/config'
import { json } from '../test/render'

const amplify = vi.hoisted(() => ({
  fetchMFAPreference: vi.fn(async (): Promise<{ enabled?: string[]; preferred?: string }> => ({})),
  setUpTOTP: vi.fn(async () => ({ sharedSecret: 'JBSWY3DPEHPK3PXP', getSetupUri: (app: string, account: string) => new URL(`otpauth://totp/${app}:${account}?secret=JBSWY3DPEHPK3PXP&issuer=${app}`) })),
  verifyTOTPSetup: vi.fn(async (): Promise<void> => {}),
  updateMFAPreference: vi.fn(async () => {}),
}))
vi.mock('aws-amplify/auth', () => amplify)

const { disableTotp, finishTotpSetup, reauthenticate, startTotpSetup, totpEnabled } = await import('./mfa')

const ENDPOINT = 'http://127.0.0.1:8080/cognito/'

/** A stand-in Cognito: answers by X-Amz-Target and records each call's action and body. */
function cognito(answers: Record<string, (body: Record<string, unknown>) => Response>) {
  const calls: { action: string; body: Record<string, unknown>; url: string }[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const action = String((init.headers as Record<string, string>)['X-Amz-Target']).split('.')[1]
      const body = JSON.parse(String(init.body)) as Record<string, unknown>
      calls.push({ action, body, url })
      return answers[action](body)
    }),
  )
  return calls
}

const tokens = (access: string) => json({ AuthenticationResult: { AccessToken: access, RefreshToken: 'r', IdToken: 'i' } })
const challenge = () => json({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'sess-1', ChallengeParameters: { USER_ID_FOR_SRP: 'sub-1' } })
const cognitoError = (type: string, message = type) => json({ __type: type, message }, 400)

beforeEach(() => {
  setConfigForTests({ region: 'us-east-1', userPoolId: 'us-east-1_x', userPoolClientId: 'client-1', cognitoEndpoint: ENDPOINT })
  Object.values(amplify).forEach((fn) => fn.mockClear())
  vi.unstubAllGlobals()
})

describe('re-authentication', () => {
  it('gets a fresh token with the password at the configured endpoint', async () => {
    const calls = cognito({ InitiateAuth: () => tokens('fresh') })
    await expect(reauthenticate({ email: ' Ann@Example.com ', password: 'pw' })).resolves.toBe('fresh')
    expect(calls).toEqual([
      { action: 'InitiateAuth', url: ENDPOINT, body: { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'client-1', AuthParameters: { USERNAME: 'ann@example.com', PASSWORD: 'pw' } } },
    ])
  })

  it('answers the SOFTWARE_TOKEN_MFA challenge with the code', async () => {
    const calls = cognito({ InitiateAuth: challenge, RespondToAuthChallenge: () => tokens('fresh-2fa') })
    await expect(reauthenticate({ email: 'ann@example.com', password: 'pw', code: '123 456' })).resolves.toBe('fresh-2fa')
    expect(calls[1]).toEqual({
      action: 'RespondToAuthChallenge',
      url: ENDPOINT,
      body: { ChallengeName: 'SOFTWARE_TOKEN_MFA', ClientId: 'client-1', Session: 'sess-1', ChallengeResponses: { USERNAME: 'sub-1', SOFTWARE_TOKEN_MFA_CODE: '123456' } },
    })
  })

  it('asks for the code when Cognito does and none was given', async () => {
    cognito({ InitiateAuth: challenge })
    await expect(reauthenticate({ email: 'a@b.c', password: 'pw' })).rejects.toMatchObject({ name: 'TotpCodeRequired' })
  })

  it('names a wrong code and a wrong password apart', async () => {
    cognito({ InitiateAuth: challenge, RespondToAuthChallenge: () => cognitoError('CodeMismatchException', 'Invalid code received for user') })
    await expect(reauthenticate({ email: 'a@b.c', password: 'pw', code: '000000' })).rejects.toMatchObject({ name: 'TotpCodeMismatch', message: expect.stringMatching(/code is not right/) })
    cognito({ InitiateAuth: () => json({ message: 'Incorrect username or password.' }, 400, { 'x-amzn-ErrorType': 'NotAuthorizedException:http://internal.amazon.com/' }) })
    await expect(reauthenticate({ email: 'a@b.c', password: 'bad' })).rejects.toMatchObject({ name: 'NotAuthorizedException' })
  })

  it('turns two-factor off with the fresh token', async () => {
    const calls = cognito({ SetUserMFAPreference: () => json({}) })
    await disableTotp('fresh')
    expect(calls[0].body).toEqual({ AccessToken: 'fresh', SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false } })
  })

  it('says when Cognito cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    await expect(reauthenticate({ email: 'a@b.c', password: 'pw' })).rejects.toMatchObject({ name: 'NetworkError' })
  })
})

describe('setting two-factor up', () => {
  it('reads the status from the MFA setting list', async () => {
    amplify.fetchMFAPreference.mockResolvedValueOnce({ enabled: ['TOTP'], preferred: 'TOTP' })
    await expect(totpEnabled()).resolves.toBe(true)
    amplify.fetchMFAPreference.mockResolvedValueOnce({})
    await expect(totpEnabled()).resolves.toBe(false)
  })

  it('gives the secret and an otpauth URI naming Cruddur and the account', async () => {
    const setup = await startTotpSetup('ann@example.com')
    expect(setup).toEqual({ secret: 'JBSWY3DPEHPK3PXP', uri: 'otpauth://totp/Cruddur:ann%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Cruddur' })
  })

  it('verifies the first code, then prefers TOTP', async () => {
    await finishTotpSetup(' 123456 ')
    expect(amplify.verifyTOTPSetup).toHaveBeenCalledWith({ code: '123456' })
    expect(amplify.updateMFAPreference).toHaveBeenCalledWith({ totp: 'PREFERRED' })
  })

  it('turns a wrong first code into a clear message and keeps the preference untouched', async () => {
    amplify.verifyTOTPSetup.mockRejectedValueOnce(Object.assign(new Error('Code mismatch'), { name: 'EnableSoftwareTokenMFAException' }))
    await expect(finishTotpSetup('000000')).rejects.toMatchObject({ name: 'TotpCodeMismatch' })
    expect(amplify.updateMFAPreference).not.toHaveBeenCalled()
  })
})

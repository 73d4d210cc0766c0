import { localTokenStore, makeClient, unwrap, type Api, type Tokens } from '../api'

/** One client per page, tokens in localStorage, and a hook for "the login is gone". */
export const tokens = localTokenStore()
const expiredHandlers = new Set<() => void>()

export const api: Api = makeClient({
  tokens,
  onSessionExpired: () => expiredHandlers.forEach((h) => h()),
})

export function onSessionExpired(handler: () => void): () => void {
  expiredHandlers.add(handler)
  return () => expiredHandlers.delete(handler)
}

export async function login(username: string, password: string): Promise<Tokens> {
  const t = await unwrap(api.POST('/api/v1/auth/login', { body: { username, password } }))
  tokens.set(t)
  return t
}

export async function logout(): Promise<void> {
  const t = tokens.get()
  tokens.set(null)
  if (t?.refresh_token) {
    await api.POST('/api/v1/auth/logout', { body: { refresh_token: t.refresh_token } }).catch(() => {})
  }
}

/** Change one's own password: the server ends every other session and answers new tokens. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<Tokens> {
  const t = await unwrap(
    api.POST('/api/v1/auth/password', {
      body: { current_password: currentPassword, new_password: newPassword },
    }),
  )
  tokens.set(t)
  return t
}

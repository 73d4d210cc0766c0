import { reactive } from 'vue'
import { unwrap, type Schemas } from '../api'
import { api, login as sharedLogin, logout as sharedLogout, tokens } from '../shared/session'

export type Me = Schemas['MeOut']
export type Permission = Schemas['Permission']

/** Who is logged in to the console: the shared tokens (src/shared/session.ts) plus /auth/me. */
export const session = reactive({
  me: null as Me | null,
  expired: false,
})

export function loggedIn(): boolean {
  return tokens.get() !== null
}

export async function loadMe(): Promise<Me> {
  session.me = await unwrap(api.GET('/api/v1/auth/me'))
  return session.me
}

export async function login(username: string, password: string): Promise<Me> {
  await sharedLogin(username, password)
  session.expired = false
  return loadMe()
}

export async function logout(): Promise<void> {
  session.me = null
  await sharedLogout()
}

export function can(permission: Permission): boolean {
  return session.me?.permissions.includes(permission) ?? false
}

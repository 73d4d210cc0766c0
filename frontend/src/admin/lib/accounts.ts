import type { Schemas } from '../../api'
import { patchOf } from './forms'

/** Accounts (账户) and API keys: the forms' values ⇄ the API's bodies. */

type User = Schemas['UserOut']

export interface UserForm {
  username: string
  /** The person's name as lists show it; empty: the linked member's name, else the account. */
  display_name: string
  password: string
  role: Schemas['Role'] | ''
  org_id: number | undefined
  member_id: number | null
  active: boolean
}

export const USER_FIELDS = ['username', 'display_name', 'password', 'role', 'org_id', 'member_id', 'active'] as const

export function userForm(u: User | null, orgId?: number): UserForm {
  return {
    username: u?.username ?? '',
    display_name: u?.display_name ?? '',
    password: '',
    role: u?.role ?? '',
    org_id: u?.org_id ?? orgId,
    member_id: u?.member_id ?? null,
    active: u?.active ?? true,
  }
}

export function newUserBody(f: UserForm): Schemas['UserIn'] {
  return {
    username: f.username.trim(),
    ...(f.display_name.trim() ? { display_name: f.display_name.trim() } : {}),
    password: f.password,
    role: f.role as Schemas['Role'],
    org_id: f.org_id as number,
    member_id: f.member_id ?? null,
  }
}

/** What changed (a new password only when one was typed); `member_id: null` unlinks. */
export function userChanges(u: User, f: UserForm): Schemas['UserUpdate'] {
  const keys = ['role', 'org_id', 'member_id', 'active'] as const
  const before = { role: u.role, org_id: u.org_id ?? undefined, member_id: u.member_id, active: u.active }
  const after = { role: f.role as Schemas['Role'], org_id: f.org_id, member_id: f.member_id ?? null, active: f.active }
  const out: Schemas['UserUpdate'] = patchOf(before, after, keys)
  const name = f.display_name.trim() || null
  if (name !== (u.display_name ?? null)) out.display_name = name
  if (f.password) out.password = f.password
  return out
}

export const USERNAME = /^[A-Za-z0-9_.@-]+$/

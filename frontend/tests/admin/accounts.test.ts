import { describe, expect, it } from 'vitest'
import { newUserBody, userChanges, userForm } from '../../src/admin/lib/accounts'
import { MENU } from '../../src/admin/router'

const user = {
  id: 5,
  username: 'secretary',
  display_name: null,
  name: '李四',
  role: 'branch_secretary',
  org_id: 3,
  member_id: 1,
  active: true,
} as const

describe('account forms', () => {
  it('creates an account with its trimmed name and no member by default', () => {
    const f = userForm(null, 1)
    Object.assign(f, { username: ' zhangsan ', password: 'long-enough', role: 'village_cadre' })
    expect(newUserBody(f)).toEqual({
      username: 'zhangsan',
      password: 'long-enough',
      role: 'village_cadre',
      org_id: 1,
      member_id: null,
    })
  })

  it('sends only what changed; a password only when typed; unlinking the member as null', () => {
    const f = userForm({ ...user })
    expect(userChanges(user, f)).toEqual({})
    f.active = false
    f.member_id = null
    expect(userChanges(user, f)).toEqual({ active: false, member_id: null })
    f.password = 'new-secret-1'
    f.role = 'village_cadre'
    expect(userChanges(user, f)).toMatchObject({ password: 'new-secret-1', role: 'village_cadre' })
  })
})

describe('a person’s name on the account', () => {
  it('is sent when given, trimmed, and cleared with null', () => {
    const f = userForm(null, 1)
    Object.assign(f, { username: 'wang', display_name: ' 王晓忠 ', password: 'long-enough', role: 'village_cadre' })
    expect(newUserBody(f)).toMatchObject({ username: 'wang', display_name: '王晓忠' })
    const named = { ...user, display_name: '李书记', name: '李书记' }
    const g = userForm(named)
    expect(g.display_name).toBe('李书记')
    expect(userChanges(named, g)).toEqual({})
    g.display_name = '  '
    expect(userChanges(named, g)).toEqual({ display_name: null })
    g.display_name = '李支书'
    expect(userChanges(named, g)).toEqual({ display_name: '李支书' })
  })
})

describe('menu', () => {
  it('offers the account and key pages only to user:admin', () => {
    expect(MENU.filter((m) => m.permission === 'user:admin').map((m) => m.path)).toEqual(['/users', '/api-keys'])
  })
})

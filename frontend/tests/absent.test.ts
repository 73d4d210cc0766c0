import { describe, expect, it } from 'vitest'
import { absentText, NOT_MINE, NOT_ON_PHONE, READING } from '../src/field/absent'
import { noTasksText } from '../src/field/tasks'

describe('a household that is not on the phone', () => {
  it('online after a sync is plainly not mine', () => {
    expect(absentText({ online: true, synced: true })).toBe('这户不在您的联系户中')
    expect(NOT_MINE).toBe('这户不在您的联系户中')
  })

  it('offline keeps the hint to refresh online', () => {
    expect(absentText({ online: false, synced: true })).toBe(NOT_ON_PHONE)
    expect(absentText({ online: false, synced: false })).toBe('本机没有这户的资料；联网后刷新')
  })

  it('online before the first sync of this start: still being read, unless that sync failed', () => {
    expect(absentText({ online: true, synced: false })).toBe(READING)
    expect(absentText({ online: true, synced: false, failed: true })).toBe(NOT_ON_PHONE)
  })
})

describe('the empty task list (必到事项)', () => {
  it('online just says there are none; offline says how to get them', () => {
    expect(noTasksText(true)).toBe('暂无必到事项')
    expect(noTasksText(false)).toBe('暂无必到事项；联网后下拉刷新')
  })
})

import { describe, expect, it } from 'vitest'
import { actionBody, actionFields, emptyForm, inboxTab, INBOX_TABS } from '../../src/admin/lib/issues'
import { countdown } from '../../src/shared/countdown'

describe('the issue flow in the console', () => {
  it('has the inbox tabs of the issue, each one filter', () => {
    expect(INBOX_TABS.map((t) => t.label)).toEqual([
      '待受理',
      '办理中',
      '已收集/待分类',
      '超期',
      '黄牌',
      '红牌',
      '台账',
      '全部',
    ])
    expect(inboxTab('raised').status).toEqual(['raised', 'classified'])
    expect(inboxTab('overdue')).toMatchObject({ overdue: true })
    expect(inboxTab('red')).toMatchObject({ supervision: 'red' })
    expect(inboxTab('nonsense').name).toBe('assigned')
  })

  it('asks each action for the fields its body has', () => {
    expect(actionFields('classify').map((f) => f.key)).toEqual(['category', 'difficulty', 'note'])
    expect(actionFields('put_on_ledger').map((f) => f.key)).toEqual(['plan', 'owner', 'review_on'])
    expect(actionFields('request_extension').map((f) => f.key)).toEqual(['until', 'reason'])
    expect(emptyForm('escalate')).toEqual({ reason: '' })
  })

  it('sends the action with trimmed fields, leaving out empty optional ones', () => {
    expect(actionBody('escalate', { reason: '  需要镇里协调 ' })).toEqual({
      action: 'escalate',
      reason: '需要镇里协调',
    })
    expect(actionBody('accept', { note: '  ' })).toEqual({ action: 'accept' })
    expect(actionBody('rate', { rating: 'dissatisfied', reason: '' })).toEqual({
      action: 'rate',
      rating: 'dissatisfied',
    })
    // a required field is sent even empty: the server names it
    expect(actionBody('close', { result: '' })).toEqual({ action: 'close', result: '' })
  })

  it('says the time left to a deadline and how long it is overdue', () => {
    const now = new Date('2026-12-07T08:00:00Z')
    expect(countdown('2026-12-09T11:30:00Z', now)).toBe('剩 2 天 3 小时')
    expect(countdown('2026-12-07T08:40:00Z', now)).toBe('剩 40 分钟')
    expect(countdown('2026-12-07T03:00:00Z', now)).toBe('已超期 5 小时 0 分钟')
    expect(countdown(null, now)).toBe('')
  })
})

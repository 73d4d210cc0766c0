import { beforeEach, describe, expect, it } from 'vitest'
import type { EventOut } from '../src/field/data'
import {
  EVENT_STATUSES,
  flagLabel,
  flags,
  learnEnums,
  modeLabel,
  modes,
  roleLabel,
  serverLabels,
  statusLabel,
} from '../src/field/labels'
import { byUrgency, spanText, taskState } from '../src/field/tasks'

const H = 3_600_000
const DEADLINE = Date.parse('2026-11-22T00:00:00Z')

function event(extra: Partial<EventOut> = {}): EventOut {
  return {
    id: 1,
    household_id: 3,
    member_id: 7,
    kind: '红白大事',
    note: '',
    reported_by: 'user:m01',
    reported_at: '2026-11-20T00:00:00Z',
    deadline: new Date(DEADLINE).toISOString(),
    visit_id: null,
    attended_at: null,
    status: 'open',
    status_label: '待到场',
    head_name: '赵一',
    area_name: '第1网格',
    member_name: '张三',
    reported_to_member_id: 7,
    reported_to_name: '张三',
    reported_by_name: '李书记',
    cancelled_at: null,
    cancelled_by: null,
    cancel_reason: '',
    ...extra,
  }
}

function forget() {
  localStorage.clear()
  for (const k of Object.keys(serverLabels)) delete serverLabels[k as keyof typeof serverLabels]
}

beforeEach(forget)

describe('a must-attend task in the list', () => {
  it('is open with the time left until its deadline, then missed with the time since', () => {
    expect(taskState(event(), { now: DEADLINE - 5 * H })).toMatchObject({
      status: 'open',
      label: '待到场',
      tag: 'warning',
      due: '还剩 5 小时',
    })
    expect(taskState(event(), { now: DEADLINE - 30 * H }).due).toBe('还剩 1 天 6 小时')
    // The list was kept offline as open: at the deadline it turns missed on the phone.
    expect(taskState(event(), { now: DEADLINE + 2 * H })).toMatchObject({
      status: 'missed',
      label: '逾期未到',
      tag: 'danger',
      due: '已超过截止时间 2 小时',
    })
  })

  it('counts an attendance by the deadline, else late, also while it waits in the outbox', () => {
    expect(taskState(event({ attended_at: new Date(DEADLINE - H).toISOString() }))).toMatchObject({
      status: 'attended',
      due: '',
    })
    expect(taskState(event({ attended_at: new Date(DEADLINE + H).toISOString() }))).toMatchObject({
      status: 'late',
      label: '迟到场',
    })
    const queued = taskState(event(), { now: DEADLINE + 3 * H, queuedAt: new Date(DEADLINE + H).toISOString() })
    expect(queued).toMatchObject({ status: 'late', queued: true, due: '' })
  })

  it("uses the server's labels: its enum list first, then the label sent with the event", () => {
    expect(taskState(event({ status: 'missed', status_label: '超时未到' }), { now: DEADLINE + H }).label).toBe(
      '超时未到',
    )
    learnEnums({ event_statuses: [{ code: 'missed', label: '逾期未到场' }] })
    expect(taskState(event({ status: 'missed', status_label: '超时未到' }), { now: DEADLINE + H }).label).toBe(
      '逾期未到场',
    )
    expect(statusLabel('open')).toBe(EVENT_STATUSES.open)
  })

  it('sorts the ones not attended first, nearest deadline first', () => {
    const a = event({ id: 1, deadline: '2026-11-23T00:00:00Z' })
    const b = event({ id: 2, deadline: '2026-11-21T00:00:00Z' })
    const c = event({ id: 3, deadline: '2026-11-20T00:00:00Z', attended_at: '2026-11-20T00:00:00Z' })
    expect([a, c, b].sort(byUrgency).map((e) => e.id)).toEqual([2, 1, 3])
    expect(spanText(10 * 60_000)).toBe('不到 1 小时')
    expect(spanText(48 * H)).toBe('2 天')
  })
})

describe("the server's labels (/meta/enums)", () => {
  it('replace the built-in words, are kept for offline use, and an older server keeps ours', () => {
    expect(modeLabel('phone')).toBe('电话联系')
    // seeds/jiaxing-yilian-sanhui.txt: “联系农户的家庭灾害事故必记” — the fourth 必记's own word.
    expect(flagLabel('disaster')).toBe('家庭灾害事故')
    learnEnums({
      visit_modes: [{ code: 'phone', label: '电话' }],
      visit_flags: [{ code: 'disaster', label: '灾害事故' }],
      relations: [{ code: 'spouse', label: '配偶' }],
      categories: [{ code: 'x', label: 'y' }], // not ours to keep
    })
    expect(modeLabel('phone')).toBe('电话')
    expect(modeLabel('home')).toBe('入户走访') // a code the server did not label
    expect(modes().map((m) => m.value)).toEqual(['home', 'phone', 'wechat', 'meeting']) // the contract's codes
    expect(flags().find((f) => f.value === 'disaster')?.label).toBe('灾害事故')
    expect(flagLabel('disaster')).toBe('灾害事故')
    expect(JSON.parse(localStorage.getItem('lianhu.enums')!)).toMatchObject({
      visit_modes: { phone: '电话' },
      relations: { spouse: '配偶' },
    })
    expect(JSON.parse(localStorage.getItem('lianhu.enums')!).categories).toBeUndefined()

    learnEnums({ org_levels: [] }) // an older server: no lists of ours, nothing forgotten
    expect(modeLabel('phone')).toBe('电话')
  })

  it("name the account's role (我的), never its code", () => {
    expect(roleLabel('member')).toBe('党员')
    expect(roleLabel('branch_secretary')).toBe('支部书记') // before the server was ever reached
    expect(roleLabel(undefined)).toBe('')
    learnEnums({ account_roles: [{ code: 'branch_secretary', label: '村党支部书记' }] })
    expect(roleLabel('branch_secretary')).toBe('村党支部书记')
    expect(roleLabel('township_cadre')).toBe('乡镇干部')
    expect(roleLabel('a_new_role')).toBe('a_new_role') // a role newer than the app: its code
    expect(JSON.parse(localStorage.getItem('lianhu.enums')!).account_roles).toEqual({
      branch_secretary: '村党支部书记',
    })
  })
})

describe('a withdrawn task', () => {
  it('reads as 已撤销, never turning 逾期未到 past its deadline', () => {
    const s = taskState(event({ status: 'cancelled', status_label: '已撤销', cancelled_at: '2026-11-20T01:00:00Z' }), {
      now: DEADLINE + 5 * H,
    })
    expect(s.label).toBe('已撤销')
    expect(s.status).toBe('cancelled')
    expect(s.due).toBe('')
  })
})

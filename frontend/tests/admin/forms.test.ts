import { describe, expect, it } from 'vitest'
import { ApiError, NetworkError } from '../../src/api'
import type { Problem } from '../../src/api/errors'
import {
  blankToNull,
  fieldKey,
  patchOf,
  rangeMessage,
  rowErrors,
  serverErrors,
  todayIso,
  useServerErrors,
} from '../../src/admin/lib/forms'
import {
  checkResidents,
  householdBody,
  householdForm,
  memberBody,
  memberForm,
  residentsBody,
} from '../../src/admin/lib/registers'
import { deliveryChoices, nextDelivery } from '../../src/admin/lib/labels'

const problem = (over: Partial<Problem>): ApiError =>
  new ApiError({
    type: 'about:blank',
    title: '数据校验未通过',
    status: 422,
    detail: '',
    code: 'request.validation',
    errors: [],
    ...over,
  })

// The member's 422 as the API answers it (request.validation: Chinese messages, pydantic's codes).
const memberRefusal = problem({
  detail: 'phone: 格式不对',
  field: 'phone',
  errors: [
    { field: 'phone', message: '格式不对', code: 'string_pattern_mismatch' },
    { field: 'exemption.decided_on', message: '必填', code: 'missing' },
    { field: 'name', message: '至少 1 个字符', code: 'string_too_short' },
    { field: 'external_id', message: '最多 64 个字符', code: 'string_too_long' },
  ],
})

describe('server errors onto form fields', () => {
  it('puts each 422 field error next to its field, in Chinese', () => {
    const out = serverErrors(memberRefusal, ['name', 'phone', 'external_id', 'exemption', 'exemption.decided_on'])
    expect(out.fields).toEqual({
      phone: '格式不对',
      'exemption.decided_on': '必填',
      name: '至少 1 个字符',
      external_id: '最多 64 个字符',
    })
    expect(out.message).toBe('')
  })

  it('gives a nested pointer to the field it starts with, saying where', () => {
    const out = serverErrors(memberRefusal, ['name', 'phone', 'exemption'])
    expect(out.fields.exemption).toBe('decided_on：必填')
    expect(out.message).toBe('external_id：最多 64 个字符')
  })

  it("shows a domain error's Chinese detail under its one field", () => {
    const err = problem({ code: 'household.org_not_grid', field: 'org_id', detail: '农户须归属网格，不能直接归属村' })
    expect(serverErrors(err, ['org_id', 'head_name']).fields).toEqual({ org_id: '农户须归属网格，不能直接归属村' })
  })

  it('keeps the exact place of a bad rule next to the rule field', () => {
    const err = problem({
      code: 'policy.bad_rule',
      field: 'rule.all[1].value',
      detail: '资格规则有误：户内最年长者年龄须是 0–150 的整数',
      errors: [{ field: 'rule.all[1].value', message: '户内最年长者年龄须是 0–150 的整数' }],
    })
    expect(serverErrors(err, ['code', 'name', 'rule']).fields).toEqual({
      rule: 'rule.all[1].value：户内最年长者年龄须是 0–150 的整数',
    })
  })

  it('answers a 409 or a network failure as the message, no field', () => {
    const conflict = new ApiError({
      type: 'x',
      title: '与现有数据冲突',
      status: 409,
      code: 'member.in_use',
      errors: [],
      detail: '不能删除党员 赵志斌：仍在联系农户，请先调整包户',
    })
    expect(serverErrors(conflict, ['name'])).toEqual({
      fields: {},
      message: '不能删除党员 赵志斌：仍在联系农户，请先调整包户',
    })
    expect(serverErrors(new NetworkError(new TypeError('x')), ['name']).message).toBe('网络不可用')
  })

  it('keeps the reactive state of one form and clears it', () => {
    const errors = useServerErrors(['phone', 'name'])
    expect(errors.show(memberRefusal)).toBe(true)
    expect(errors.state.fields.phone).toBe('格式不对')
    expect(errors.state.message).toContain('external_id')
    errors.clear()
    expect(errors.state.fields).toEqual({})
    expect(errors.show(new Error('断网'))).toBe(false)
    expect(errors.state.message).toBe('断网')
  })

  it('maps a list refusal onto its rows in both pointer spellings', () => {
    const domain = problem({
      code: 'household.birth_in_future',
      field: 'residents[1].birth_date',
      detail: '出生日期不能晚于今天',
    })
    expect(rowErrors(domain, 'residents')).toEqual({ rows: { 1: '出生日期不能晚于今天' }, message: '' })
    const pydantic = problem({
      errors: [{ field: 'residents.0.birth_date', message: '应为日期，如 2026-11-25', code: 'date_parsing' }],
    })
    expect(rowErrors(pydantic, 'residents').rows).toEqual({ 0: '应为日期，如 2026-11-25' })
  })

  it('spells pointers one way', () => {
    expect(fieldKey('body.residents[2].birth_date')).toBe('residents.2.birth_date')
  })
})

describe('request bodies', () => {
  it('sends only what changed in a PATCH (a masked phone is never written back)', () => {
    const member = {
      id: 1,
      org_id: 4,
      name: '赵志斌',
      role: 'member',
      role_label: '党员',
      gender: '男',
      birth_date: '1970-01-02',
      phone: '139****1234',
      phone_masked: true,
      lat: null,
      lng: null,
      skills: ['电工'],
      in_service: false,
      reported_community_id: null,
      exempt: false,
      exemption: null,
      external_id: 'M1',
    } as const
    const form = memberForm({ ...member, skills: [...member.skills] })
    form.name = ' 赵志斌二 '
    form.skills.push('木工')
    const keys = ['org_id', 'name', 'phone', 'skills', 'exemption'] as const
    expect(patchOf(memberBody(memberForm({ ...member, skills: ['电工'] })), memberBody(form), keys)).toEqual({
      name: '赵志斌二',
      skills: ['电工', '木工'],
    })
  })

  it('withdraws an exemption with null and sends a new one whole', () => {
    const form = memberForm(null, 4)
    form.name = '李四'
    form.exempt = true
    form.exemption = { reason: 'elderly', decided_by: '和明村党支部', decided_on: '2026-01-05', note: '' }
    expect(memberBody(form).exemption).toEqual({
      reason: 'elderly',
      decided_by: '和明村党支部',
      decided_on: '2026-01-05',
      note: null,
    })
    form.exempt = false
    expect(memberBody(form).exemption).toBeNull()
    expect(memberBody(form)).toMatchObject({ org_id: 4, phone: null, gender: null, reported_community_id: null })
  })

  it('turns empty household inputs into nulls', () => {
    const form = householdForm(null, 4)
    form.head_name = '陈根'
    expect(householdBody(form)).toEqual({
      org_id: 4,
      head_name: '陈根',
      size: 1,
      building: null,
      address: null,
      phone: null,
      categories: [],
      external_id: null,
      lat: null,
      lng: null,
    })
    expect(blankToNull('  ')).toBeNull()
  })

  it('checks residents like the server and sends them whole', () => {
    const rows = [
      { relation: 'head' as const, birth_date: '1940-03-01', gender: '男' },
      { relation: 'spouse' as const, birth_date: '', gender: '' },
      { relation: 'child' as const, birth_date: '2030-01-01', gender: '' },
      { relation: 'parent' as const, birth_date: '1890-01-01', gender: '' },
    ]
    expect(checkResidents(rows, '2026-11-25')).toEqual({
      1: '请填写出生日期',
      2: '出生日期不能晚于今天',
      3: '出生日期早于 130 年前，请核对',
    })
    expect(residentsBody(rows.slice(0, 1))).toEqual({
      residents: [{ relation: 'head', birth_date: '1940-03-01', gender: '男' }],
    })
  })

  it('counts today in China time', () => {
    expect(todayIso(new Date('2026-11-24T17:30:00Z'))).toBe('2026-11-25')
  })
})

describe('delivery steps', () => {
  it('only goes forward, the current step again allowed for a new note', () => {
    expect(deliveryChoices(null)).toEqual(['explained', 'applied', 'received'])
    expect(deliveryChoices('applied')).toEqual(['applied', 'received'])
    expect(nextDelivery(null)).toBe('explained')
    expect(nextDelivery('explained')).toBe('applied')
    expect(nextDelivery('received')).toBeNull()
  })
})

describe('numbers out of range are refused with a message, never clamped', () => {
  it('names the field and the range', () => {
    expect(rangeMessage('纬度', 999, -90, 90)).toBe('纬度须在 -90 到 90 之间')
    expect(rangeMessage('经度', -180.5, -180, 180)).toBe('经度须在 -180 到 180 之间')
    expect(rangeMessage('家庭人口', 0, 1, 99, true)).toBe('家庭人口须在 1 到 99 之间')
    expect(rangeMessage('家庭人口', 2.5, 1, 99, true)).toBe('家庭人口须为整数')
  })

  it('takes the ends of the range and an empty value', () => {
    expect(rangeMessage('纬度', -90, -90, 90)).toBe('')
    expect(rangeMessage('纬度', 90, -90, 90)).toBe('')
    expect(rangeMessage('家庭人口', 99, 1, 99, true)).toBe('')
    expect(rangeMessage('纬度', undefined, -90, 90)).toBe('')
    expect(rangeMessage('纬度', null, -90, 90)).toBe('')
  })
})

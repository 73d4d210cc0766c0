import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import ExportButton from '../../src/admin/components/ExportButton.vue'
import HouseholdCard from '../../src/admin/components/HouseholdCard.vue'
import MemberAssignments from '../../src/admin/components/MemberAssignments.vue'
import { session, type Permission } from '../../src/admin/session'
import type { Schemas } from '../../src/api'

// The panels added for the rest of the backend, mounted against a fake server: what each
// permission shows, and the server's answers (its Chinese words) where the user sees them.

function as(...permissions: Permission[]) {
  session.me = { actor: 'user:test', display_name: '测试', member_id: null, org_path: '/1/', permissions }
}

type Answer = (req: Request) => Response | Promise<Response>
function server(routes: Record<string, Answer>) {
  const seen: Request[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (req: Request) => {
      seen.push(req)
      const key = `${req.method} ${new URL(req.url).pathname}`
      const answer = routes[key]
      return answer
        ? answer(req)
        : json(404, { type: 'x', title: '不存在', status: 404, detail: `no route ${key}`, code: 'x', errors: [] })
    }),
  )
  return seen
}

function json(status: number, body: unknown): Response {
  const type = status >= 400 ? 'application/problem+json' : 'application/json'
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } })
}

afterEach(() => {
  vi.unstubAllGlobals()
  session.me = null
  document.body.innerHTML = ''
})

const card = (qr: string | null): Schemas['CardOut'] => ({
  household_id: 7,
  village: '和明村',
  grid: '第1网格',
  head_name: '黄*金',
  member: { name: '沈宝', phone: '198****7815', services: ['维修'] },
  phone_masked: true,
  label: '',
  qr_url: qr,
  token_created_at: qr ? '2026-11-25T01:00:00Z' : null,
})

describe('ExportButton', () => {
  it('is not there without data:export', () => {
    as('household:read')
    expect(
      mount(ExportButton, { props: { kind: 'households' } })
        .find('[data-test=export-button]')
        .exists(),
    ).toBe(false)
  })
  it('is there with it, saying what it exports', () => {
    as('household:read', 'data:export')
    const w = mount(ExportButton, { props: { kind: 'households', filtered: true } })
    expect(w.find('[data-test=export-button]').attributes('title')).toContain('导出接口不支持筛选')
  })
})

describe('HouseholdCard', () => {
  it('shows the QR link, and no buttons to a reader', async () => {
    as('household:read')
    server({ 'GET /api/v1/households/7/card': () => json(200, card('https://x.example/c/OLD')) })
    const w = mount(HouseholdCard, { props: { householdId: 7 } })
    await flushPromises()
    expect(w.find('[data-test=card-qr-url]').text()).toBe('https://x.example/c/OLD')
    expect(w.text()).toContain('（已脱敏）')
    expect(w.find('[data-test=card-issue]').exists()).toBe(false)
    expect(w.find('[data-test=card-revoke]').exists()).toBe(false)
  })

  it('issues a first token without asking, and shows a refusal in the server words', async () => {
    as('household:read', 'household:write')
    let issued = false
    const seen = server({
      'GET /api/v1/households/7/card': () => json(200, card(issued ? 'https://x.example/c/NEW' : null)),
      'POST /api/v1/households/7/card-token': () => {
        issued = true
        return json(201, {
          household_id: 7,
          token: 'NEW',
          url: 'https://x.example/c/NEW',
          created_at: '2026-11-25T02:00:00Z',
          revoked_previous: 0,
        })
      },
    })
    const w = mount(HouseholdCard, { props: { householdId: 7 } })
    await flushPromises()
    expect(w.find('[data-test=card-no-qr]').exists()).toBe(true)
    expect(w.find('[data-test=card-revoke]').exists()).toBe(false)
    await w.find('[data-test=card-issue]').trigger('click')
    await flushPromises()
    expect(seen.map((r) => r.method)).toEqual(['GET', 'POST', 'GET'])
    expect(w.find('[data-test=card-qr-url]').text()).toBe('https://x.example/c/NEW')

    server({
      'GET /api/v1/households/8/card': () => json(200, card(null)),
      'POST /api/v1/households/8/card-token': () =>
        json(403, {
          type: 'x',
          title: '无权操作',
          status: 403,
          detail: '您没有维护农户的权限',
          code: 'auth.forbidden',
          errors: [],
        }),
    })
    const refused = mount(HouseholdCard, { props: { householdId: 8 } })
    await flushPromises()
    await refused.find('[data-test=card-issue]').trigger('click')
    await flushPromises()
    expect(refused.find('[data-test=card-error]').text()).toContain('您没有维护农户的权限')
  })
})

describe('MemberAssignments', () => {
  const member = { id: 4, name: '何林刚' } as Schemas['MemberOut']
  // The pickers search the server as the user types; here they stay closed (and Element Plus's
  // select measures itself in a loop under happy-dom).
  const stubs = { teleport: true, HouseholdPicker: true, 'transition-group': false }

  it('lists the 1+6+N partners to a reader and offers no forms', async () => {
    as('member:read')
    server({
      'GET /api/v1/meta/enums': () => json(200, {}),
      'GET /api/v1/members/4/elderly-partners': () =>
        json(200, [{ member_id: 9, name: '李德福', side: 'elderly', since: '2025-03-01' }]),
    })
    const w = mount(MemberAssignments, { props: { member, modelValue: false }, global: { stubs } })
    await w.setProps({ modelValue: true })
    await flushPromises()
    const partners = w.find('[data-test=member-partners]')
    expect(partners.text()).toContain('李德福')
    expect(partners.text()).toContain('结对的老党员')
    expect(w.find('[data-test=requests-save]').exists()).toBe(false)
    expect(w.find('[data-test=tie-save]').exists()).toBe(false)
  })

  it('removes a declared tie after the confirmation, and keeps it when refused', async () => {
    as('member:read', 'member:write', 'household:read')
    const seen = server({
      'GET /api/v1/meta/enums': () => json(200, {}),
      'GET /api/v1/members/4/elderly-partners': () => json(200, []),
      'GET /api/v1/members/4/requests': () => json(200, []),
      'GET /api/v1/members/4/ties': () =>
        json(200, [
          { household_id: 7, kind: 'kinship' },
          { household_id: 8, kind: 'interest' },
        ]),
      'GET /api/v1/households/7': () => json(200, { id: 7, head_name: '赵一' }),
      'GET /api/v1/households/8': () => json(200, { id: 8, head_name: '钱二' }),
      'DELETE /api/v1/members/4/ties/7/kinship': () => new Response(null, { status: 204 }),
      'DELETE /api/v1/members/4/ties/8/interest': () =>
        json(404, {
          type: 'x',
          title: '不存在',
          status: 404,
          detail: '没有这条登记',
          code: 'tie.not_found',
          errors: [],
        }),
    })
    const w = mount(MemberAssignments, { props: { member, modelValue: false }, global: { stubs } })
    await w.setProps({ modelValue: true })
    await flushPromises()
    const remove = async (test: string) => {
      await w.find(`[data-test=${test}] .el-tag__close`).trigger('click')
      await flushPromises()
      const ok = document.body.querySelector<HTMLButtonElement>('.el-message-box__btns .el-button--primary')
      expect(ok?.textContent).toContain('删除')
      ok?.click()
      await flushPromises()
      await new Promise((r) => setTimeout(r, 50))
      await flushPromises()
    }
    expect(w.find('[data-test=member-ties]').text()).toContain('赵一')
    await remove('tie-7-kinship')
    expect(seen.some((r) => r.method === 'DELETE' && r.url.endsWith('/ties/7/kinship'))).toBe(true)
    expect(w.find('[data-test=member-ties]').text()).not.toContain('赵一')
    await remove('tie-8-interest')
    expect(w.find('[data-test=member-ties]').text()).toContain('钱二') // refused: still there
    expect(w.text()).toContain('没有这条登记')
  })

  it('puts the server refusal of a requested household under the field', async () => {
    as('member:read', 'member:write', 'household:read')
    const seen = server({
      'GET /api/v1/meta/enums': () => json(200, {}),
      'GET /api/v1/members/4/elderly-partners': () => json(200, []),
      'PUT /api/v1/members/4/requests': () =>
        json(422, {
          type: 'x',
          title: '请求参数不符合要求',
          status: 422,
          detail: '请求参数不符合要求',
          code: 'validation',
          errors: [{ field: 'body.household_ids', message: '最多 50 项', code: 'too_long' }],
        }),
    })
    const w = mount(MemberAssignments, { props: { member, modelValue: false }, global: { stubs } })
    await w.setProps({ modelValue: true })
    await flushPromises()
    await w.find('[data-test=requests-save]').trigger('click')
    await flushPromises()
    const put = seen.find((r) => r.method === 'PUT')
    expect(await put?.json()).toEqual({ household_ids: [] })
    await new Promise((r) => setTimeout(r, 150)) // the form item shows its error debounced (100 ms)
    const item = w.findAll('.el-form-item').find((i) => i.text().includes('申报农户'))
    expect(item?.classes()).toContain('is-error')
    expect(item?.find('.el-form-item__error').text()).toBe('最多 50 项')
  })
})

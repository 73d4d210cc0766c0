import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useProposal } from '../../src/admin/features/assignments'
import { useBoard } from '../../src/admin/features/board'
import { useDashboard } from '../../src/admin/features/dashboard'
import { useHouseholdContacts } from '../../src/admin/features/households'
import { loadOrgs, orgs, useOrgUnit } from '../../src/admin/features/orgs'
import { useScheme } from '../../src/admin/features/schemes'
import { useWorkbench } from '../../src/admin/features/workbench'
import { session, type Permission } from '../../src/admin/session'

// The panels' composables against a fake server: what each reads, its loading and its failures
// as the server's Chinese words, and what one failing read leaves of the rest.

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
      return answer ? answer(req) : problem(404, `no route ${key}`, 'x')
    }),
  )
  return seen
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

function problem(status: number, detail: string, code: string, field: string | null = null): Response {
  const body = { type: 'x', title: '出错了', status, detail, code, field, errors: [] }
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/problem+json' } })
}

const unit = (id: number, parent: number | null, level: string, name: string) => ({
  id,
  parent_id: parent,
  level,
  level_label: level,
  name,
  code: `C${id}`,
  path: '',
  depth: 0,
  external_id: null,
})
const UNITS = [unit(1, null, 'township', '清河镇'), unit(2, 1, 'village', '李家村'), unit(3, 1, 'village', '王家村')]
const orgUnits = () => json(200, { data: UNITS, total: UNITS.length, limit: 500, offset: 0 })
const page = (data: unknown[], total = data.length) => json(200, { data, total, limit: 20, offset: 0 })
const query = (req: Request) => new URL(req.url).searchParams

beforeEach(async () => {
  server({ 'GET /api/v1/org-units': orgUnits })
  await loadOrgs(true)
})

afterEach(() => {
  vi.unstubAllGlobals()
  session.me = null
})

describe('useWorkbench', () => {
  const routes = {
    'GET /api/v1/org-units': orgUnits,
    'GET /api/v1/org-units/1/events': () => json(200, { data: [{ id: 1 }], total: 2, limit: 1, offset: 0 }),
    'GET /api/v1/org-units/1/compliance/idle-members': () => page([{}], 7),
    'GET /api/v1/org-units/1/coverage': () => problem(403, '您没有查看联户覆盖的权限', 'auth.forbidden'),
    'GET /api/v1/assignment-proposals': () => page([], 3),
    'GET /api/v1/issue-drafts': () => page([], 2),
  }

  it('counts what needs doing in the own area; one it cannot read is —, the rest still show', async () => {
    as('assignment:write')
    const seen = server(routes)
    const w = useWorkbench()
    await w.start()
    expect(w.area.value?.name).toBe('清河镇')
    expect(w.loading.value).toBe(false)
    expect(w.error.value).toBe('')
    const value = Object.fromEntries(w.tiles.value.map((t) => [t.key, t.value]))
    expect(value).toEqual({
      missedEvents: '2',
      idleMembers: '7',
      uncovered: '—',
      proposalDrafts: '3',
      issueDrafts: '2',
    })
    const events = seen.find((r) => r.url.includes('/events'))!
    expect(Object.fromEntries(query(events))).toEqual({ status: 'missed', limit: '1' })
  })

  it('does not ask for proposal drafts without assignment:write', async () => {
    as()
    const seen = server(routes)
    const w = useWorkbench()
    await w.start()
    expect(seen.some((r) => r.url.includes('assignment-proposals'))).toBe(false)
    expect(w.counts.value.proposalDrafts).toBeNull()
  })

  it('shows the failure to read the org units in words, and counts nothing', async () => {
    as()
    server({ 'GET /api/v1/org-units': () => problem(500, '服务器内部错误', 'internal') })
    orgs.loaded = false // read again by the page
    const w = useWorkbench()
    await w.start()
    expect(w.error.value).toBe('服务器内部错误')
    expect(w.tiles.value.every((t) => t.value === '—')).toBe(true)
  })
})

describe('useBoard', () => {
  it('reads the board of the area chosen, loading meanwhile', async () => {
    server({ 'GET /api/v1/org-units/2/board': () => json(200, { org_id: 2, name: '李家村', members: [] }) })
    const b = useBoard()
    b.area.value = 2
    await Promise.resolve()
    expect(b.loading.value).toBe(true)
    await flushPromises()
    expect(b.loading.value).toBe(false)
    expect(b.board.value?.name).toBe('李家村')
  })

  it('shows a refusal in the server words and no board; another area clears it', async () => {
    server({
      'GET /api/v1/org-units/2/board': () => problem(403, '您无权查看该区域', 'auth.out_of_scope'),
      'GET /api/v1/org-units/3/board': () => json(200, { org_id: 3, name: '王家村', members: [] }),
      'POST /api/v1/org-units/3/cards-link': () => json(201, { url: '/print/cards/abc' }),
    })
    const b = useBoard()
    b.area.value = 2
    await flushPromises()
    expect(b.error.value).toBe('您无权查看该区域')
    expect(b.board.value).toBeNull()
    b.area.value = 3
    await flushPromises()
    expect(b.error.value).toBe('')
    await b.showCards()
    expect(b.cards.value).toBe('/print/cards/abc')
    expect(b.cardsBusy.value).toBe(false)
  })
})

describe('useDashboard', () => {
  const compliance = (rate: number) => ({ households: 10, coverage_rate: rate, participation_rate: 0.5, cadences: [] })

  it('reads the area and a row per area under it; one that fails shows as — in its row', async () => {
    server({
      'GET /api/v1/org-units': orgUnits,
      'GET /api/v1/org-units/1/compliance': () => json(200, compliance(0.8)),
      'GET /api/v1/org-units/1/checklist': () => json(200, { items: [] }),
      'GET /api/v1/org-units/1/compliance/idle-members': () => page([{ name: '张三' }], 25),
      'GET /api/v1/org-units/2/compliance': () => json(200, compliance(0.9)),
      'GET /api/v1/org-units/2/coverage': () => json(200, { households: 10, uncovered: { count: 1 } }),
      'GET /api/v1/org-units/3/compliance': () => problem(500, '服务器内部错误', 'internal'),
      'GET /api/v1/org-units/3/coverage': () => problem(500, '服务器内部错误', 'internal'),
    })
    const d = useDashboard()
    await d.start()
    await flushPromises()
    expect(d.area.value).toBe(1)
    expect(d.error.value).toBe('')
    expect(d.overall.value?.coverage_rate).toBe(0.8)
    expect(d.idle.value?.total).toBe(25)
    expect(d.rows.value.map((r) => [r.unit.name, r.compliance?.coverage_rate ?? null])).toEqual([
      ['李家村', 0.9],
      ['王家村', null],
    ])
  })

  it('shows the failure of the area itself in words, and pages the idle members', async () => {
    const seen = server({
      'GET /api/v1/org-units/1/compliance': () => problem(403, '您无权查看该区域', 'auth.out_of_scope'),
      'GET /api/v1/org-units/1/checklist': () => json(200, { items: [] }),
      'GET /api/v1/org-units/1/compliance/idle-members': () => page([], 25),
    })
    const d = useDashboard()
    d.area.value = 1
    await flushPromises()
    expect(d.error.value).toBe('您无权查看该区域')
    expect(d.loading.value).toBe(false)
    await d.idlePage(2)
    expect(d.idleOffset.value).toBe(20)
    expect(query(seen.at(-1)!).get('offset')).toBe('20')
  })
})

describe('useOrgUnit', () => {
  it('selects the first unit with its member and household counts', async () => {
    server({
      'GET /api/v1/org-units': orgUnits,
      'GET /api/v1/members': () => page([], 12),
      'GET /api/v1/households': () => page([], 34),
    })
    const o = useOrgUnit()
    await o.start()
    await flushPromises()
    expect(o.selected.value?.name).toBe('清河镇')
    expect(o.counts.value).toEqual({ members: 12, households: 34 })
  })

  it('keeps a unit the server will not delete, with its reason', async () => {
    server({
      'GET /api/v1/members': () => page([], 1),
      'GET /api/v1/households': () => page([], 0),
      'DELETE /api/v1/org-units/2': () => problem(409, '该组织下还有党员或农户，不能删除', 'org.not_empty'),
    })
    const o = useOrgUnit()
    await o.select(UNITS[1] as never)
    expect(await o.remove()).toBe(false)
    expect(o.refusal.value).toBe('该组织下还有党员或农户，不能删除')
    expect(o.selected.value?.id).toBe(2)
  })
})

describe('useScheme', () => {
  const effective = {
    code: 'rongan',
    name: '融安模式',
    defined_at: [1],
    params: { households_min: 3, households_max: 10 },
    figures: {},
  }

  it('an area with no scheme chosen here or above is no error', async () => {
    server({
      'GET /api/v1/org-units/2/scheme': () => problem(404, '尚未选择联户模式', 'scheme.not_selected'),
      'GET /api/v1/schemes': () => json(200, []),
    })
    const s = useScheme(() => 2)
    await s.start()
    await flushPromises()
    expect(s.effective.value).toBeNull()
    expect(s.error.value).toBe('')
    expect(s.loading.value).toBe(false)
  })

  it('puts a refusal of a parameter under it, and one about a level below in the alert', async () => {
    let answer = problem(422, '每人最多联系户数不能小于最少户数', 'validation', 'overrides.households_max')
    server({
      'GET /api/v1/org-units/2/scheme': () => json(200, { ...effective, defined_at: [1] }),
      'GET /api/v1/schemes': () => json(200, [{ code: 'rongan', name: '融安模式', params: effective.params }]),
      'PUT /api/v1/org-units/2/scheme': () => answer,
    })
    const s = useScheme(() => 2)
    await s.start()
    await flushPromises()
    expect(s.own.value).toBe(false)
    expect(await s.save()).toBeNull()
    expect(s.fieldErrors.households_max).toBe('每人最多联系户数不能小于最少户数')
    expect(s.error.value).toBe('')
    answer = problem(409, '下级「李家村」的设置将不再符合', 'scheme.conflicts_below', 'overrides.households_max')
    expect(await s.save()).toBeNull()
    expect(s.error.value).toBe('下级「李家村」的设置将不再符合')
    expect(s.busy.value).toBe(false)
  })
})

describe('useProposal', () => {
  const proposal = { id: 9, org_id: 2, status: 'draft', mode: 'full', scheme: 'rongan', report: {} }
  const pair = (household: number, member: number) => ({
    household_id: household,
    member_id: member,
    head_name: '赵一',
  })

  it('opens the proposal in the address: its first page of pairs, then one member’s', async () => {
    as('assignment:write')
    const seen = server({
      'GET /api/v1/org-units': orgUnits,
      'GET /api/v1/meta/enums': () => json(200, {}),
      'GET /api/v1/assignment-proposals': () => page([{ id: 9 }], 1),
      'GET /api/v1/assignment-proposals/9': () => json(200, proposal),
      'GET /api/v1/assignment-proposals/9/pairs': () => page([pair(1, 5), pair(2, 6)]),
      'GET /api/v1/households': () => page([]),
      'GET /api/v1/members': () => page([{ id: 5, name: '张三', exempt: false }]),
    })
    const navigate = vi.fn(async () => undefined)
    const p = useProposal(navigate)
    await p.start(9)
    await flushPromises()
    expect(p.proposal.value?.id).toBe(9)
    expect(p.area.value).toBe(2)
    expect(p.pairs.total.value).toBe(2)
    expect(p.drafts.data.value.total).toBe(1)
    expect(p.memberName(5)).toBe('张三')
    expect(p.loads.value.get(6)).toBe(1)
    expect(navigate).not.toHaveBeenCalled() // it is in the address already
    p.pairs.goTo(2)
    await flushPromises()
    p.filterMember(5)
    await flushPromises()
    expect(Object.fromEntries(query(seen.at(-1)!))).toMatchObject({ member_id: '5', offset: '0' })
  })

  it('a pairs page that fails is shown with the pairs; a proposal that fails on the page', async () => {
    server({
      'GET /api/v1/assignment-proposals/9': () => json(200, proposal),
      'GET /api/v1/assignment-proposals/9/pairs': (req) =>
        query(req).get('limit') === '500' ? page([]) : problem(500, '服务器内部错误', 'internal'),
      'GET /api/v1/households': () => page([]),
      'GET /api/v1/members': () => page([]),
      'GET /api/v1/assignment-proposals/8': () => problem(404, '方案不存在', 'proposal.not_found'),
    })
    const navigate = vi.fn(async () => undefined)
    const p = useProposal(navigate)
    await p.show(9)
    expect(navigate).toHaveBeenCalledWith(9)
    expect(p.pairs.error.value).toBe('服务器内部错误')
    expect(p.error.value).toBe('')
    await p.show(8)
    expect(p.error.value).toBe('方案不存在')
  })

  it('publishing refused for shortfalls asks for the acceptance again', async () => {
    server({
      'GET /api/v1/assignment-proposals/9': () => json(200, proposal),
      'GET /api/v1/assignment-proposals/9/pairs': () => page([]),
      'GET /api/v1/households': () => page([]),
      'GET /api/v1/members': () => page([]),
      'POST /api/v1/assignment-proposals/9/publish': () =>
        problem(409, '仍有未覆盖的农户，请确认后发布', 'proposal.has_shortfalls'),
    })
    const p = useProposal(async () => undefined)
    await p.show(9)
    p.accept.value = true
    await p.publish()
    expect(p.error.value).toBe('仍有未覆盖的农户，请确认后发布')
    expect(p.accept.value).toBe(false)
    expect(p.busy.value).toBe(false)
  })
})

describe('useHouseholdContacts', () => {
  it('lists the current contact first, and a failure in words', async () => {
    server({
      'GET /api/v1/households/7/contacts': () =>
        json(200, [
          { member_id: 1, member_name: '旧党员', started_on: '2024-01-01', ended_on: '2025-01-01', reasons: [] },
          { member_id: 2, member_name: '新党员', started_on: '2025-01-01', ended_on: null, reasons: [] },
        ]),
      'GET /api/v1/households/8/contacts': () => problem(403, '您无权查看该农户', 'auth.out_of_scope'),
    })
    const c = useHouseholdContacts()
    expect(await c.load(7)).toBe(true)
    expect(c.data.value.map((x) => x.member_name)).toEqual(['新党员', '旧党员'])
    expect(await c.load(8)).toBe(false)
    expect(c.error.value).toBe('您无权查看该农户')
  })
})

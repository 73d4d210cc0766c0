import { describe, expect, it } from 'vitest'
import { visitRows, type Visit } from '../../src/admin/lib/visits'
import { workbenchTiles } from '../../src/admin/lib/workbench'

describe('工作台', () => {
  it('shows each count with where to act, highlighting what needs doing', () => {
    const tiles = workbenchTiles({
      missedEvents: { count: 100, capped: true },
      idleMembers: 7,
      uncovered: 0,
      proposalDrafts: null,
      issueDrafts: 2,
    })
    const by = Object.fromEntries(tiles.map((t) => [t.key, t]))
    expect(by.missedEvents).toMatchObject({ value: '100+', urgent: true, to: '/events?status=missed' })
    expect(by.idleMembers).toMatchObject({ value: '7', urgent: true, to: '/dashboard' })
    expect(by.uncovered).toMatchObject({ value: '0', urgent: false })
    expect(by.proposalDrafts).toMatchObject({ value: '—', urgent: false }) // not readable here
    expect(by.issueDrafts).toMatchObject({ value: '2', to: '/issue-drafts' })
  })
})

const visit = (id: number, at: string, over: Partial<Visit> = {}): Visit =>
  ({
    id,
    member_id: 5,
    household_id: 3,
    visited_at: at,
    mode: 'home',
    mode_label: '入户走访',
    notes: `第${id}次`,
    flags: [],
    checklist: [],
    amends_id: null,
    created_at: at,
    editable_until: null,
    ...over,
  }) as Visit

describe('a household’s 民情日志', () => {
  it('lists its visits newest first, by member name, with their 必记 and corrections', () => {
    const rows = visitRows(
      [
        visit(1, '2026-10-01T02:00:00Z'),
        visit(2, '2026-11-01T02:00:00Z', { flags: [{ kind: 'difficulty', label: '困难问题', text: '屋顶漏雨' }] }),
        visit(3, '2026-10-15T02:00:00Z', { member_id: 9, amends_id: 1 }),
      ],
      new Map([[5, '张三']]),
    )
    expect(rows.map((r) => r.id)).toEqual([2, 3, 1])
    expect(rows[0]).toMatchObject({ member: '张三', mode: '入户走访', flags: ['困难问题：屋顶漏雨'] })
    expect(rows[1]).toMatchObject({ member: '党员 #9', amends: 1 })
  })
})

import { describe, expect, it } from 'vitest'
import { areasUnder, trail, type OrgUnit } from '../../src/admin/lib/orgTree'

const u = (id: number, parent: number | null, level: OrgUnit['level'], name: string, code = ''): OrgUnit =>
  ({ id, parent_id: parent, level, name, code, path: '', level_label: '' }) as unknown as OrgUnit

const county = u(1, null, 'county', '示范县')
const t1 = u(2, 1, 'township', '清河镇', 'T1')
const t2 = u(3, 1, 'township', '东城街道', 'T2')
const v1 = u(4, 2, 'village', '李家村', 'V1')
const g1 = u(5, 4, 'grid', '第1网格', 'G1')
const group = u(6, 4, 'party_group', '第一党小组', 'P1')
const all = [county, t1, t2, v1, g1, group]

describe('the dashboard drills down one level at a time', () => {
  it('lists the areas directly under the one shown, party groups left out', () => {
    expect(areasUnder(county, all).map((x) => x.name)).toEqual(['清河镇', '东城街道'])
    expect(areasUnder(t1, all).map((x) => x.name)).toEqual(['李家村'])
    expect(areasUnder(v1, all).map((x) => x.name)).toEqual(['第1网格'])
  })
  it('shows a grid, the lowest level, as itself', () => {
    expect(areasUnder(g1, all)).toEqual([g1])
  })
  it('leads back up to the top', () => {
    const byId = new Map(all.map((x) => [x.id, x]))
    expect(trail(g1, byId).map((x) => x.name)).toEqual(['示范县', '清河镇', '李家村', '第1网格'])
  })
})

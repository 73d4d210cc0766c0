import { describe, expect, it } from 'vitest'
import type { OrgUnit } from '../../src/admin/api'
import { mapLimit } from '../../src/admin/lib/async'
import { barOption, scatterOption } from '../../src/admin/lib/charts'
import { actorQuery, distance, pathNames, percent, percentValue, reporter, sortParam } from '../../src/admin/lib/format'
import { areaTree, buildTree, expandedKeys, gridTree, orgPathLabel, villagesOf } from '../../src/admin/lib/orgTree'
import { summarize } from '../../src/admin/lib/proposal'

const unit = (id: number, parent: number | null, level: OrgUnit['level'], name: string, code: string): OrgUnit => ({
  id,
  parent_id: parent,
  level,
  level_label: level,
  name,
  code,
  path: '',
  depth: 0,
  external_id: null,
})

describe('org tree', () => {
  const units = [
    unit(3, 2, 'village', '和明村', 'V01'),
    unit(2, 1, 'township', '双桥街道', 'T01'),
    unit(5, 3, 'grid', '第2网格', 'V01-G2'),
    unit(4, 3, 'grid', '第1网格', 'V01-G1'),
    unit(7, 4, 'party_group', '第1党小组', 'V01-G1-P1'),
  ]

  it('builds a forest rooted at units whose parent is out of reach, children by code', () => {
    const tree = buildTree(units)
    expect(tree.map((n) => n.label)).toEqual(['双桥街道'])
    expect(tree[0].children[0].children.map((n) => n.label)).toEqual(['第1网格', '第2网格'])
    expect(tree[0].children[0].children[0].children[0].label).toBe('第1党小组')
  })

  it('leaves party groups out of area pickers and finds villages', () => {
    const grid1 = areaTree(buildTree(units))[0].children[0].children[0]
    expect(grid1.children).toEqual([])
    expect(villagesOf(units).map((u) => u.id)).toEqual([3])
    const byId = new Map(units.map((u) => [u.id, u]))
    expect(orgPathLabel(byId.get(7)!, byId)).toBe('双桥街道 / 和明村 / 第1网格 / 第1党小组')
  })

  it('the grid picker offers grids only: the village and the levels above are shown, not picked', () => {
    const withEmpty = [...units, unit(8, 2, 'village', '无网格村', 'V02')]
    const tree = gridTree(buildTree(withEmpty))
    const village = tree[0].children[0]
    expect([tree[0].disabled, village.disabled]).toEqual([true, true])
    expect(village.children.map((n) => [n.label, n.disabled ?? false])).toEqual([
      ['第1网格', false],
      ['第2网格', false],
    ])
    expect(village.children[0].children).toEqual([]) // no party groups
    expect(tree[0].children.map((n) => n.label)).toEqual(['和明村']) // a village without grids: nothing to pick
  })

  it('expands the first levels only (leaves have nothing to expand)', () => {
    const tree = buildTree(units)
    expect(expandedKeys(tree, 2)).toEqual([2, 3])
    expect(expandedKeys(tree, 3)).toEqual([2, 3, 4])
  })
})

describe('format', () => {
  it('formats rates, distances and sort parameters', () => {
    expect(percent(0.1234)).toBe('12.3%')
    expect(percent(null)).toBe('—')
    expect(distance(764)).toBe('764 米')
    expect(distance(1530)).toBe('1.5 公里')
    expect(sortParam('name', 'descending', ['name'])).toBe('-name')
    expect(sortParam('name', 'ascending', ['name'])).toBe('name')
    expect(sortParam('name', null, ['name'])).toBeUndefined()
    expect(sortParam('phone', 'ascending', ['name'])).toBeUndefined() // not a field the list sorts by
  })

  it('names who reported: a user, the household through its card, an API key', () => {
    expect(reporter('user:li.secretary')).toBe('li.secretary')
    expect(reporter('card:42')).toBe('农户（联心卡）')
    expect(reporter('key:lh_ab12')).toBe('接口 lh_ab12')
    expect(reporter('cli:seed')).toBe('cli:seed')
  })

  it('rounds a rate for a statistic card as the charts do, never cutting it', () => {
    expect(percentValue(0.0149)).toBe(1.5)
    expect(percentValue(0.01449)).toBe(1.4)
    expect(percentValue(1)).toBe(100)
  })

  it('reads an account name typed in the audit filter as that user', () => {
    expect(actorQuery(' admin ')).toBe('user:admin')
    expect(actorQuery('user:admin')).toBe('user:admin')
    expect(actorQuery('key:lh_ab12')).toBe('key:lh_ab12')
    expect(actorQuery('card:42')).toBe('card:42')
    expect(actorQuery('  ')).toBeUndefined()
  })

  it('names an org path by the units the caller knows, leaving out those above them', () => {
    const names = new Map([
      [2, '城关镇'],
      [3, '和明村'],
    ])
    expect(pathNames('/1/2/3/', (id) => names.get(id))).toBe('城关镇 / 和明村')
    expect(pathNames('/9/', (id) => names.get(id))).toBe('/9/')
    expect(pathNames(null, (id) => names.get(id))).toBe('—')
  })
})

describe('proposal summary', () => {
  it('needs the shortfall acceptance when the report has shortfalls or violations', () => {
    const clean = summarize({
      feasible: true,
      households: 300,
      members: 35,
      pairs: 300,
      distance_total_m: 159357,
      shortfalls: [],
      violations: [],
      elderly_pairs: [
        [7, 14],
        [1, 25],
      ],
    })
    expect(clean.needsAcceptance).toBe(false)
    expect(clean.distanceKm).toBe(159.4)
    expect(clean.elderlyPairs).toBe(2)
    const short = summarize({ shortfalls: [{ grid_id: 4, message: '党员不足', uncovered_count: 12 }], violations: [] })
    expect(short.needsAcceptance).toBe(true)
    expect(short.uncovered).toBe(12)
    const broken = summarize({ violations: [{ code: 'load.over', message: '超出', member_id: 1, household_id: null }] })
    expect(broken.needsAcceptance).toBe(true)
    expect(broken.noLocation).toEqual({ members: 0, households: 0 })
  })
})

describe('charts', () => {
  it('draws one bar per village and series per measure', () => {
    const opt = barOption('达标率', ['甲村', '乙村'], [{ name: '达标率', data: [0.5, 1] }], { percent: true }) as {
      xAxis: { data: string[] }
      series: { type: string; data: number[] }[]
      yAxis: { max?: number }
    }
    expect(opt.xAxis.data).toEqual(['甲村', '乙村'])
    expect(opt.series[0]).toMatchObject({ type: 'bar', data: [0.5, 1] })
    expect(opt.yAxis.max).toBe(1)
  })

  it('plots located points only and links the selected member to their households', () => {
    const opt = scatterOption(
      [
        { id: 1, name: '张', lat: 30, lng: 120, memberId: 9 },
        { id: 2, name: '李', lat: null, lng: null, memberId: 9 },
        { id: 3, name: '王', lat: 30.1, lng: 120.1, memberId: 8 },
      ],
      [{ id: 9, name: '赵', lat: 30.05, lng: 120.05 }],
      9,
    ) as { series: { name: string; data: unknown[] }[] }
    const byName = Object.fromEntries(opt.series.map((s) => [s.name, s.data]))
    expect(byName['农户']).toHaveLength(1)
    expect(byName['所选党员的联系户']).toEqual([[120, 30, '张', 1]])
    expect(byName['联系线']).toEqual([
      {
        coords: [
          [120.05, 30.05],
          [120, 30],
        ],
      },
    ])
  })
})

describe('mapLimit', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0
    let peak = 0
    const out = await mapLimit([1, 2, 3, 4, 5], 2, async (n) => {
      running += 1
      peak = Math.max(peak, running)
      await new Promise((r) => setTimeout(r, 5 - n))
      running -= 1
      return n * 10
    })
    expect(out).toEqual([10, 20, 30, 40, 50])
    expect(peak).toBe(2)
  })
})

import type { Schemas } from '../../api'

export type OrgUnit = Schemas['OrgUnitOut']

export interface OrgNode {
  id: number
  label: string
  level: OrgUnit['level']
  levelLabel: string
  unit: OrgUnit
  children: OrgNode[]
  /** Shown but not selectable (a village in a picker of grids). */
  disabled?: boolean
}

/** The flat, scoped list of org units as a forest: roots are the units whose parent is not in
 * the list (the caller's own area), children sorted by code then name. */
export function buildTree(units: OrgUnit[]): OrgNode[] {
  const nodes = new Map<number, OrgNode>()
  for (const u of units) {
    nodes.set(u.id, { id: u.id, label: u.name, level: u.level, levelLabel: u.level_label, unit: u, children: [] })
  }
  const roots: OrgNode[] = []
  for (const u of units) {
    const node = nodes.get(u.id)!
    const parent = u.parent_id != null ? nodes.get(u.parent_id) : undefined
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  const order = (a: OrgNode, b: OrgNode) =>
    (a.unit.code ?? '').localeCompare(b.unit.code ?? '') || a.label.localeCompare(b.label, 'zh-CN')
  const sort = (list: OrgNode[]) => {
    list.sort(order)
    list.forEach((n) => sort(n.children))
  }
  sort(roots)
  return roots
}

/** Areas where households live and a roster can be built (村/社区 and 网格) plus the levels above. */
export const AREA_LEVELS: ReadonlyArray<OrgUnit['level']> = ['county', 'township', 'village', 'community', 'grid']

/** The tree without party groups (they hold members, not households): for area pickers. */
export function areaTree(nodes: OrgNode[]): OrgNode[] {
  return nodes.filter((n) => AREA_LEVELS.includes(n.level)).map((n) => ({ ...n, children: areaTree(n.children) }))
}

/** The grids of the tree, each under the levels above it, which are shown but cannot be picked
 * (households live on grids: the household form's picker offered the village itself). Branches
 * without a grid are left out. */
export function gridTree(nodes: OrgNode[]): OrgNode[] {
  return nodes.flatMap((n): OrgNode[] => {
    if (n.level === 'grid') return [{ ...n, children: [] }]
    const children = gridTree(n.children)
    return children.length ? [{ ...n, disabled: true, children }] : []
  })
}

/** The villages and communities in a list of units (the bars of the dashboards). */
export function villagesOf(units: OrgUnit[]): OrgUnit[] {
  return units.filter((u) => u.level === 'village' || u.level === 'community')
}

/** "县 / 乡镇 / 村" for a unit, from the units known. */
export function orgPathLabel(unit: OrgUnit, byId: Map<number, OrgUnit>): string {
  const names: string[] = []
  let cur: OrgUnit | undefined = unit
  while (cur) {
    names.unshift(cur.name)
    cur = cur.parent_id != null ? byId.get(cur.parent_id) : undefined
  }
  return names.join(' / ')
}

/** The ids to show expanded: the first `levels` levels of the forest (a county's villages, not
 * every grid and party group of a city). */
export function expandedKeys(nodes: OrgNode[], levels = 2): number[] {
  if (levels <= 0) return []
  return nodes.flatMap((n) => (n.children.length ? [n.id, ...expandedKeys(n.children, levels - 1)] : []))
}

/** The dashboard's table one level at a time: the areas directly under a unit (a county's
 * townships, a township's villages, a village's grids); a grid, the lowest, shows itself. */
export function areasUnder(unit: OrgUnit, units: readonly OrgUnit[]): OrgUnit[] {
  const below = units.filter((u) => u.parent_id === unit.id && AREA_LEVELS.includes(u.level))
  const order = (a: OrgUnit, b: OrgUnit) =>
    (a.code ?? '').localeCompare(b.code ?? '') || a.name.localeCompare(b.name, 'zh-CN')
  return below.length ? below.sort(order) : [unit]
}

/** The way back up from a unit to the top of what the caller sees: [county, township, unit]. */
export function trail(unit: OrgUnit, byId: Map<number, OrgUnit>): OrgUnit[] {
  const out: OrgUnit[] = []
  let cur: OrgUnit | undefined = unit
  while (cur) {
    out.unshift(cur)
    cur = cur.parent_id != null ? byId.get(cur.parent_id) : undefined
  }
  return out
}

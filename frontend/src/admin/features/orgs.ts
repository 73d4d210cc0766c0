import { reactive, ref } from 'vue'
import { unwrap } from '../../api'
import { api } from '../../shared/session'
import { allOrgUnits, messageOf, type OrgUnit } from '../api'
import { buildTree, type OrgNode } from '../lib/orgTree'
import { listHouseholds } from './households'
import { listMembers } from './members'
import type { BodyOf } from './paging'

export type { OrgUnit }

/** The org units in the caller's reach, loaded once per page and shared by the pickers. */
export const orgs = reactive({
  list: [] as OrgUnit[],
  tree: [] as OrgNode[],
  byId: new Map<number, OrgUnit>(),
  loaded: false,
})

let loading: Promise<void> | null = null

export function loadOrgs(force = false): Promise<void> {
  if (orgs.loaded && !force) return Promise.resolve()
  loading ??= allOrgUnits()
    .then((list) => {
      orgs.list = list
      orgs.tree = buildTree(list)
      orgs.byId = new Map(list.map((u) => [u.id, u]))
      orgs.loaded = true
    })
    .finally(() => {
      loading = null
    })
  return loading
}

/** The caller's own area (the first root), the default for every page. */
export function rootOrgId(): number | undefined {
  return orgs.tree[0]?.id
}

export function createOrgUnit(body: BodyOf<'/api/v1/org-units', 'post'>): Promise<OrgUnit> {
  return unwrap(api.POST('/api/v1/org-units', { body }))
}

export function updateOrgUnit(id: number, body: BodyOf<'/api/v1/org-units/{org_id}', 'patch'>): Promise<OrgUnit> {
  return unwrap(api.PATCH('/api/v1/org-units/{org_id}', { params: { path: { org_id: id } }, body }))
}

/** Move the unit (with everything under it) under another parent. */
export function moveOrgUnit(id: number, parentId: number): Promise<unknown> {
  return unwrap(
    api.POST('/api/v1/org-units/{org_id}/move', { params: { path: { org_id: id } }, body: { parent_id: parentId } }),
  )
}

export function deleteOrgUnit(id: number): Promise<unknown> {
  return unwrap(api.DELETE('/api/v1/org-units/{org_id}', { params: { path: { org_id: id } } }))
}

/** How many members and households a unit has (under it included): the totals of their lists. */
export async function unitCounts(orgId: number): Promise<{ members: number; households: number }> {
  const q = { org_id: orgId, limit: 1 }
  const [m, h] = await Promise.all([listMembers(q), listHouseholds(q)])
  return { members: m.total, households: h.total }
}

/**
 * The org page: the unit chosen in the tree with its counts, the tree read again after a change,
 * a failure to read as `error` and a refused deletion as `refusal` (both Chinese messages).
 */
export function useOrgUnit() {
  const selected = ref<OrgUnit | null>(null)
  const counts = ref<{ members: number; households: number } | null>(null)
  const error = ref('')
  const refusal = ref('')

  async function select(node: OrgNode | OrgUnit) {
    const unit = 'unit' in node ? node.unit : node
    selected.value = unit
    counts.value = null
    refusal.value = ''
    try {
      counts.value = await unitCounts(unit.id)
    } catch (err) {
      error.value = messageOf(err)
    }
  }

  /** The tree again after a change, the same unit (or the first, once it is gone) selected. */
  async function reload(keep: number | null) {
    await loadOrgs(true)
    const unit = keep != null ? orgs.byId.get(keep) : undefined
    if (unit) void select(unit)
    else if (orgs.tree[0]) void select(orgs.tree[0])
  }

  /** The page opens on the first unit of the tree. */
  async function start() {
    try {
      await loadOrgs()
      if (orgs.tree[0]) void select(orgs.tree[0])
    } catch (err) {
      error.value = messageOf(err)
    }
  }

  /** Move the selected unit under `parentId` (a refusal is thrown, for the form dialog). */
  async function move(parentId: number) {
    const unit = selected.value
    if (!unit) return
    await moveOrgUnit(unit.id, parentId)
    void reload(unit.id)
  }

  /** Delete the selected unit; false with `refusal` set when the server refuses (not empty …). */
  async function remove(): Promise<boolean> {
    const unit = selected.value
    if (!unit) return false
    refusal.value = ''
    try {
      await deleteOrgUnit(unit.id)
    } catch (err) {
      refusal.value = messageOf(err)
      return false
    }
    void reload(unit.parent_id)
    return true
  }

  return { selected, counts, error, refusal, select, reload, start, move, remove }
}

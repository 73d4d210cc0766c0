import { reactive } from 'vue'
import { unwrap } from '../../api'
import { api } from '../../shared/session'
import { allOrgUnits, type OrgUnit } from '../api'
import { buildTree, type OrgNode } from '../lib/orgTree'
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

import { reactive } from 'vue'
import { allOrgUnits, type OrgUnit } from './api'
import { buildTree, type OrgNode } from './lib/orgTree'

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

import { computed } from 'vue'
import { messageOf } from '../api'
import { workbenchTiles, type WorkbenchCounts } from '../lib/workbench'
import { can } from '../session'
import { listProposals } from './assignments'
import { coverageOf, idleMembers } from './dashboard'
import { listIssueDrafts } from './drafts'
import { areaEvents } from './mustAttend'
import { loadOrgs, orgs, rootOrgId } from './orgs'
import { useLoader } from './paging'

/** 工作台: what needs doing today in an area, counted from the features that hold it. */

const NONE: WorkbenchCounts = {
  missedEvents: null,
  idleMembers: null,
  uncovered: null,
  proposalDrafts: null,
  issueDrafts: null,
}

const orNull = <T>(p: Promise<T>): Promise<T | null> => p.catch(() => null)

/** The area's counts; one that cannot be read (no right to it, a failure) is null, the others
 * still come. The proposal drafts are asked for only with `proposals` (assignment:write). */
export async function workbenchCounts(orgId: number, { proposals }: { proposals: boolean }): Promise<WorkbenchCounts> {
  const [missed, idle, coverage, drafts, issues] = await Promise.all([
    orNull(areaEvents(orgId, { status: 'missed', limit: 1 })),
    orNull(idleMembers(orgId, { limit: 1 })),
    orNull(coverageOf(orgId)),
    proposals ? orNull(listProposals({ status: 'draft', limit: 1 })) : Promise.resolve(null),
    orNull(listIssueDrafts({ status: 'draft', limit: 1 })),
  ])
  return {
    missedEvents: missed ? { count: missed.total, capped: false } : null,
    idleMembers: idle?.total ?? null,
    uncovered: coverage?.uncovered.count ?? null,
    proposalDrafts: drafts?.total ?? null,
    issueDrafts: issues?.total ?? null,
  }
}

/** The workbench page: the caller's own area (the first root) and its tiles. */
export function useWorkbench() {
  const { data: counts, loading, error, load: read } = useLoader(workbenchCounts, NONE)
  const area = computed(() => {
    const id = rootOrgId()
    return id ? orgs.byId.get(id) : undefined
  })

  async function load() {
    if (area.value) await read(area.value.id, { proposals: can('assignment:write') })
  }

  /** The page opens: the org units first (for the area), then the counts. */
  async function start() {
    try {
      await loadOrgs()
    } catch (err) {
      error.value = messageOf(err)
      return
    }
    await load()
  }

  return { area, counts, tiles: computed(() => workbenchTiles(counts.value)), loading, error, load, start }
}

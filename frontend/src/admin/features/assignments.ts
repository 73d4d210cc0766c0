import { computed, reactive, ref, shallowRef } from 'vue'
import { ApiError, unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'
import { collect, messageOf } from '../api'
import { loadEnums } from '../enums'
import type { Point } from '../lib/charts'
import { summarize, type Proposal, type Violation } from '../lib/proposal'
import { listHouseholds } from './households'
import { listMembers } from './members'
import { loadOrgs, rootOrgId } from './orgs'
import { useLoader, usePagedList, type BodyOf, type QueryOf } from './paging'

/** 包户方案: proposals of who looks after which households, built by the server, edited (moves
 * and swaps checked against the scheme's rules), then published. */
export function listProposals(query: QueryOf<'/api/v1/assignment-proposals'> = {}) {
  return unwrap(api.GET('/api/v1/assignment-proposals', { params: { query } }))
}

export function getProposal(id: number): Promise<Proposal> {
  return unwrap(api.GET('/api/v1/assignment-proposals/{proposal_id}', { params: { path: { proposal_id: id } } }))
}

export function createProposal(body: BodyOf<'/api/v1/assignment-proposals', 'post'>): Promise<Proposal> {
  return unwrap(api.POST('/api/v1/assignment-proposals', { body }))
}

/** A page of the proposal's pairs (household ↔ member). */
export function proposalPairs(id: number, query: QueryOf<'/api/v1/assignment-proposals/{proposal_id}/pairs'> = {}) {
  return unwrap(
    api.GET('/api/v1/assignment-proposals/{proposal_id}/pairs', { params: { path: { proposal_id: id }, query } }),
  )
}

export function editProposal(id: number, body: BodyOf<'/api/v1/assignment-proposals/{proposal_id}/edits', 'post'>) {
  return unwrap(
    api.POST('/api/v1/assignment-proposals/{proposal_id}/edits', { params: { path: { proposal_id: id } }, body }),
  )
}

export function publishProposal(id: number, acceptShortfalls: boolean) {
  return unwrap(
    api.POST('/api/v1/assignment-proposals/{proposal_id}/publish', {
      params: { path: { proposal_id: id } },
      body: { accept_shortfalls: acceptShortfalls },
    }),
  )
}

export type Pair = Schemas['PairOut']
export type ProposalEdit = BodyOf<'/api/v1/assignment-proposals/{proposal_id}/edits', 'post'>

/** The drafts waiting to be reviewed and published (草案), newest first (the first 50). */
export function useProposalDrafts() {
  const none: Schemas['ProposalPage'] = { data: [], total: 0, limit: 50, offset: 0 }
  return useLoader(() => listProposals({ status: 'draft', limit: 50 }), none)
}

/**
 * The 包户方案 page: the area and mode a new proposal is built for, the proposal opened with its
 * pairs (a page at a time, by contact member or only those that change) and everything the
 * scatter plot and the edit dialog need (read once per proposal), the drafts list, the outcome
 * of the last edit and publishing. `navigate` puts the opened proposal's id in the address.
 */
export function useProposal(navigate: (id: number) => Promise<unknown>) {
  const area = ref<number | undefined>()
  const mode = ref<'full' | 'replan'>('full')
  const proposal = ref<Proposal | null>(null)
  const busy = ref(false)
  const error = ref('')
  const notice = ref('')
  const drafts = useProposalDrafts()

  const filters = reactive({ member: undefined as number | undefined, changedOnly: false })
  const pairs = usePagedList<Pair>(({ limit, offset }) =>
    proposal.value
      ? proposalPairs(proposal.value.id, {
          limit,
          offset,
          member_id: filters.member,
          changed_only: filters.changedOnly,
        })
      : Promise.resolve({ data: [], total: 0 }),
  )

  // Everything the scatter plot and the edit dialog need, loaded once per proposal.
  const allPairs = shallowRef<Pair[]>([])
  const householdPoints = shallowRef<Map<number, Point>>(new Map())
  const memberPoints = shallowRef<Point[]>([])
  const memberChoices = shallowRef<{ id: number; name: string; exempt: boolean }[]>([])

  const summary = computed(() => (proposal.value ? summarize(proposal.value.report) : null))
  const isDraft = computed(() => proposal.value?.status === 'draft')
  const lastViolations = ref<Violation[] | null>(null)
  const accept = ref(false)
  const publishResult = ref<Schemas['PublishOut'] | null>(null)

  /** How many households each member of the proposal has. */
  const loads = computed(() => {
    const m = new Map<number, number>()
    for (const p of allPairs.value) m.set(p.member_id, (m.get(p.member_id) ?? 0) + 1)
    return m
  })
  const memberName = (id: number | null | undefined) =>
    id == null ? '' : (memberChoices.value.find((m) => m.id === id)?.name ?? `党员 ${id}`)

  async function loadPlot() {
    const p = proposal.value
    if (!p) return
    const [ps, hs, ms] = await Promise.all([
      collect((limit, offset) => proposalPairs(p.id, { limit, offset })),
      collect((limit, offset) => listHouseholds({ org_id: p.org_id, limit, offset })),
      collect((limit, offset) => listMembers({ org_id: p.org_id, limit, offset })),
    ])
    allPairs.value = ps
    householdPoints.value = new Map(hs.map((h) => [h.id, { id: h.id, name: h.head_name, lat: h.lat, lng: h.lng }]))
    const inRoster = new Set(ps.map((x) => x.member_id))
    memberPoints.value = ms
      .filter((m) => inRoster.has(m.id))
      .map((m) => ({ id: m.id, name: m.name, lat: m.lat, lng: m.lng }))
    memberChoices.value = ms.map((m) => ({ id: m.id, name: m.name, exempt: m.exempt }))
  }

  /** Read the proposal, its first page of pairs and its plot (a failure is thrown). */
  async function open(id: number) {
    proposal.value = await getProposal(id)
    // The picker names the proposal's own area, so 生成方案 next builds for that area, not another.
    area.value = proposal.value.org_id
    accept.value = false
    lastViolations.value = null
    pairs.page.offset = 0
    await Promise.all([pairs.load(), loadPlot()])
  }

  /** Open the proposal, a failure shown as `error`. */
  async function reveal(id: number) {
    try {
      await open(id)
    } catch (err) {
      error.value = messageOf(err)
    }
  }

  /** Open a proposal by its id (a draft of the list, or one typed): its id goes in the address. */
  async function show(id: number) {
    await navigate(id)
    await reveal(id)
  }

  async function create() {
    if (!area.value) {
      error.value = '请先选择区域'
      return
    }
    busy.value = true
    error.value = ''
    notice.value = ''
    publishResult.value = null
    try {
      const made = await createProposal({ org_id: area.value, mode: mode.value })
      await navigate(made.id)
      await open(made.id)
      void drafts.load()
    } catch (err) {
      error.value = messageOf(err)
    } finally {
      busy.value = false
    }
  }

  /** The pairs of one contact member (undefined: everyone's), from the first page. */
  function filterMember(id: number | undefined) {
    filters.member = id
    pairs.search()
  }

  function showChangedOnly(on: boolean) {
    filters.changedOnly = on
    pairs.search()
  }

  /** Move a household to another member or swap two, checked against the scheme's rules (its
   * violations kept to show); a refusal is thrown, for the edit dialog. */
  async function edit(body: ProposalEdit) {
    const p = proposal.value
    if (!p) return
    error.value = ''
    const out = await editProposal(p.id, body)
    notice.value = out.violations.length ? '' : '已调整，规则校验通过'
    await reveal(p.id)
    lastViolations.value = out.violations
  }

  /** Publish (asked first by the page); `accept` when shortfalls are accepted. */
  async function publish() {
    const p = proposal.value
    if (!p) return
    busy.value = true
    error.value = ''
    try {
      publishResult.value = await publishProposal(p.id, accept.value)
      proposal.value = await getProposal(p.id)
      notice.value = `已发布：新建立 ${publishResult.value.started} 对联系，保持不变 ${publishResult.value.kept} 对`
      void drafts.load()
    } catch (err) {
      error.value = messageOf(err)
      if (err instanceof ApiError && err.code === 'proposal.has_shortfalls') accept.value = false
    } finally {
      busy.value = false
    }
  }

  /** The page opens on the caller's own area, with the drafts, and the proposal in the address. */
  async function start(id?: number) {
    await Promise.all([loadOrgs().catch(() => undefined), loadEnums().catch(() => undefined)])
    area.value = rootOrgId()
    void drafts.load()
    if (id) await reveal(id)
  }

  return {
    area,
    mode,
    proposal,
    busy,
    error,
    notice,
    drafts,
    filters,
    pairs,
    allPairs,
    householdPoints,
    memberPoints,
    memberChoices,
    summary,
    isDraft,
    lastViolations,
    accept,
    loads,
    memberName,
    create,
    show,
    filterMember,
    showChangedOnly,
    edit,
    publish,
    start,
  }
}

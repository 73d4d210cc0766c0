import { reactive, ref } from 'vue'
import { unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'
import { messageOf } from '../api'
import { actionBody, inboxTab, type Issue } from '../lib/issues'
import { useLoader, usePagedList, type BodyOf, type QueryOf } from './paging'

/** 问题办理: the issue flow's calls (inbox, issue, actions, ledger, statistics, work calendar). */

export type IssueVocabulary = Schemas['IssueVocabularyOut']
export type IssueQuery = QueryOf<'/api/v1/issues'>
export type ActionBody = BodyOf<'/api/v1/issues/{issue_id}/actions', 'post'>
export type CalendarDay = Schemas['CalendarDayOut']
export type OrgIssueStats = Schemas['OrgIssueStatsOut']

const EMPTY_VOCABULARY: IssueVocabulary = {
  categories: [],
  difficulties: [],
  statuses: [],
  actions: [],
  sources: [],
  supervision_levels: [],
  tiers: [],
  ratings: [],
  steps: [],
  card_issues_a_day: 0,
}

let vocabularyOnce: Promise<IssueVocabulary> | null = null

/** The flow's codes and their Chinese names (read once per page load). */
export function issueVocabulary(): Promise<IssueVocabulary> {
  vocabularyOnce ??= unwrap(api.GET('/api/v1/issues/vocabulary')).catch((err) => {
    vocabularyOnce = null
    throw err
  })
  return vocabularyOnce
}

export function useIssueVocabulary() {
  return useLoader(issueVocabulary, EMPTY_VOCABULARY)
}

export function listIssues(query: IssueQuery = {}) {
  return unwrap(api.GET('/api/v1/issues', { params: { query } }))
}

export function getIssue(id: number) {
  return unwrap(api.GET('/api/v1/issues/{issue_id}', { params: { path: { issue_id: id } } }))
}

export function actOn(id: number, body: ActionBody) {
  return unwrap(api.POST('/api/v1/issues/{issue_id}/actions', { params: { path: { issue_id: id } }, body }))
}

export function raiseIssue(body: BodyOf<'/api/v1/issues', 'post'>) {
  return unwrap(api.POST('/api/v1/issues', { body }))
}

/** The inbox: the issues handled in an org's subtree, by tab and filters, soonest deadline first. */
export function useIssueInbox(tabName = 'assigned') {
  const filters = reactive({
    tab: tabName,
    org_id: undefined as number | undefined,
    origin_org_id: undefined as number | undefined,
    category: '' as string,
    q: '',
  })
  const list = usePagedList(
    ({ limit, offset, sort }) => {
      const tab = inboxTab(filters.tab)
      return listIssues({
        status: tab.status,
        overdue: tab.overdue,
        supervision: tab.supervision,
        org_id: filters.org_id,
        origin_org_id: filters.origin_org_id,
        category: filters.category || undefined,
        q: filters.q.trim() || undefined,
        limit,
        offset,
        sort: (sort as IssueQuery['sort']) ?? 'due',
      })
    },
    { sortable: ['due', 'raised_at', 'updated_at'] },
  )
  return { ...list, filters }
}

/** The ledger (问题台账): what could not be solved now, with its plan, owner and review date. */
export function useLedger() {
  const filters = reactive({ org_id: undefined as number | undefined, q: '' })
  const list = usePagedList(({ limit, offset }) =>
    listIssues({
      status: ['on_ledger'],
      org_id: filters.org_id,
      q: filters.q.trim() || undefined,
      limit,
      offset,
      sort: 'due',
    }),
  )
  return { ...list, filters }
}

/** The issue page: the issue, and its actions (each answers the issue as it now stands). */
export function useIssue(id: number) {
  const issue = ref<Issue | null>(null)
  const loading = ref(false)
  const error = ref('')
  async function load() {
    loading.value = true
    error.value = ''
    try {
      issue.value = await getIssue(id)
    } catch (err) {
      error.value = messageOf(err)
    } finally {
      loading.value = false
    }
  }
  /** Do an action with its form's fields; the issue is shown as it now stands. */
  async function act(action: string, form: Record<string, string>) {
    issue.value = await actOn(id, actionBody(action, form) as unknown as ActionBody)
    return issue.value
  }
  return { issue, loading, error, load, act }
}

/** The issue's photos (not shown on the issue page yet). */
export function issuePhotos(id: number) {
  return unwrap(api.GET('/api/v1/issues/{issue_id}/photos', { params: { path: { issue_id: id } } }))
}

/** Per-org statistics: the org first, then each org under it. */
export function useIssueStatistics() {
  const filters = reactive({
    org_id: undefined as number | undefined,
    since: '' as string,
    until: '' as string,
  })
  const loader = useLoader(
    () =>
      unwrap(
        api.GET('/api/v1/issues/statistics', {
          params: {
            query: { org_id: filters.org_id, since: filters.since || undefined, until: filters.until || undefined },
          },
        }),
      ).then((out) => out.data),
    [] as OrgIssueStats[],
  )
  return { ...loader, filters }
}

/** The work calendar (工作日历): a year's holidays, make-up workdays and edited days. */
export function useWorkCalendar(year = new Date().getFullYear()) {
  const filters = reactive({ year })
  const loader = useLoader(
    () => unwrap(api.GET('/api/v1/work-calendar', { params: { query: { year: filters.year } } })).then((o) => o.days),
    [] as CalendarDay[],
  )
  return { ...loader, filters }
}

export function setCalendarDay(day: string, body: BodyOf<'/api/v1/work-calendar/{day}', 'put'>) {
  return unwrap(api.PUT('/api/v1/work-calendar/{day}', { params: { path: { day } }, body }))
}

import { reactive } from 'vue'
import { unwrap } from '../../api'
import { api } from '../../shared/session'
import { usePagedList, type QueryOf } from './paging'

/** 问题草稿: the issue drafts members raise from their visits (上报村里处理). */
export function listIssueDrafts(query: QueryOf<'/api/v1/issue-drafts'> = {}) {
  return unwrap(api.GET('/api/v1/issue-drafts', { params: { query } }))
}

/** The drafts page: by area and text, newest first. */
export function useIssueDrafts(orgId?: number) {
  const filters = reactive({ org_id: orgId, q: '' })
  const list = usePagedList(({ limit, offset }) =>
    listIssueDrafts({ org_id: filters.org_id, q: filters.q.trim() || undefined, limit, offset, sort: '-created_at' }),
  )
  return { ...list, filters }
}

/** 转为问题办理: the draft becomes an issue of the flow (once; asked again, the same issue). */
export function raiseFromDraft(draftId: number) {
  return unwrap(
    api.POST('/api/v1/issue-drafts/{draft_id}/issue', { params: { path: { draft_id: draftId } }, body: {} }),
  )
}

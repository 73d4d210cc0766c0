import { reactive } from 'vue'
import { unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'
import { actorQuery } from '../lib/format'
import { usePagedList } from './paging'

/** 操作日志: the audit trail, newest first. */
export type AuditEntry = Schemas['AuditOut']
export type AuditAction = Schemas['AuditAction']

export interface AuditFilters {
  org_id: number | undefined
  actor: string
  entity: string | undefined
  action: AuditAction | undefined
  range: [Date, Date] | null
}

export function useAudit() {
  const filters = reactive<AuditFilters>({
    org_id: undefined,
    actor: '',
    entity: undefined,
    action: undefined,
    range: null,
  })
  const list = usePagedList(
    ({ limit, offset }) =>
      unwrap(
        api.GET('/api/v1/audit', {
          params: {
            query: {
              org_id: filters.org_id,
              actor: actorQuery(filters.actor),
              entity: filters.entity || undefined,
              action: filters.action,
              since: filters.range?.[0]?.toISOString(),
              until: filters.range?.[1]?.toISOString(),
              limit,
              offset,
              sort: '-at',
            },
          },
        }),
      ),
    { limit: 30 },
  )
  return { ...list, filters }
}

import { computed, reactive, ref } from 'vue'
import { unwrap } from '../../api'
import { api } from '../../shared/session'
import { messageOf } from '../api'
import { sortEvents, type EventStatus, type MustAttendEvent } from '../lib/events'
import type { BodyOf, QueryOf } from './paging'

/** 必到事项 (五必到): events reported on a household that its contact member must attend. */
export function areaEvents(orgId: number, query: QueryOf<'/api/v1/org-units/{org_id}/events'> = {}) {
  return unwrap(api.GET('/api/v1/org-units/{org_id}/events', { params: { path: { org_id: orgId }, query } }))
}

export function reportEvent(householdId: number, body: BodyOf<'/api/v1/households/{household_id}/events', 'post'>) {
  return unwrap(
    api.POST('/api/v1/households/{household_id}/events', { params: { path: { household_id: householdId } }, body }),
  )
}

export function cancelEvent(id: number, reason: string): Promise<unknown> {
  return unwrap(api.POST('/api/v1/events/{event_id}/cancel', { params: { path: { event_id: id } }, body: { reason } }))
}

/** The events page: an area's events by status, most urgent first, a page of 100 at a time
 * (newest first on the server: there is a next page while one comes back full). `now` is when
 * they were read, for the time left or overdue. */
export function useAreaEvents(orgId?: number, status?: EventStatus) {
  const filters = reactive({ org_id: orgId, status, limit: 100, offset: 0 })
  const rows = ref<MustAttendEvent[]>([])
  const loading = ref(false)
  const error = ref('')
  const now = ref(new Date())

  async function load() {
    error.value = ''
    if (!filters.org_id) return
    loading.value = true
    try {
      const out = await areaEvents(filters.org_id, {
        status: filters.status,
        limit: filters.limit,
        offset: filters.offset,
      })
      now.value = new Date()
      rows.value = sortEvents(out.data)
    } catch (err) {
      rows.value = []
      error.value = messageOf(err)
    } finally {
      loading.value = false
    }
  }

  return {
    filters,
    rows,
    loading,
    error,
    now,
    load,
    page: computed(() => filters.offset / filters.limit + 1),
    hasNext: computed(() => rows.value.length === filters.limit),
    turn(by: number) {
      filters.offset = Math.max(0, filters.offset + by * filters.limit)
    },
  }
}

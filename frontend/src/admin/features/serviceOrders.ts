import { reactive, ref } from 'vue'
import { unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'
import { messageOf } from '../api'
import { useLoader, usePagedList, type QueryOf } from './paging'

/** 服务订单 (群众点单 → 网格下单 → 党员接单): the console's list, the order page, its suggestions
 * and the grid's steps (dispatch, redispatch, cancel). */

export type Order = Schemas['OrderOut']
export type OrderItem = Schemas['OrderItemOut']
export type OrderStatus = Schemas['OrderStatus']
export type OrderAction = Schemas['OrderAction']
export type Suggestion = Schemas['SuggestionOut']
export type ServiceKind = Schemas['ServiceKindOut']
export type OrderQuery = QueryOf<'/api/v1/service-orders'>

export const ORDER_STATUSES: { code: OrderStatus; label: string }[] = [
  { code: 'ordered', label: '待派单' },
  { code: 'dispatched', label: '已派单待接单' },
  { code: 'taken', label: '服务中' },
  { code: 'done', label: '已完成待评价' },
  { code: 'rated', label: '已评价' },
  { code: 'cancelled', label: '已取消' },
]

export function orderStatusType(status: OrderStatus): 'primary' | 'success' | 'warning' | 'info' | 'danger' {
  switch (status) {
    case 'ordered':
      return 'danger'
    case 'dispatched':
      return 'warning'
    case 'taken':
      return 'primary'
    case 'cancelled':
      return 'info'
    default:
      return 'success'
  }
}

let kindsOnce: Promise<ServiceKind[]> | null = null

/** The kinds of service and their Chinese names (read once per page load). */
export function serviceKinds(): Promise<ServiceKind[]> {
  kindsOnce ??= unwrap(api.GET('/api/v1/service-orders/kinds')).catch((err) => {
    kindsOnce = null
    throw err
  })
  return kindsOnce
}

export function useServiceKinds() {
  return useLoader(serviceKinds, [] as ServiceKind[])
}

export function listOrders(query: OrderQuery = {}) {
  return unwrap(api.GET('/api/v1/service-orders', { params: { query } }))
}

/** The list: the orders of the grids in the caller's area (or an org's subtree), by filters. */
export function useOrderList() {
  const filters = reactive({
    org_id: undefined as number | undefined,
    status: [] as OrderStatus[],
    kind: '' as string,
    overdue: '' as '' | 'true' | 'false',
    q: '',
  })
  const list = usePagedList(
    ({ limit, offset, sort }) =>
      listOrders({
        org_id: filters.org_id,
        status: filters.status.length ? filters.status : undefined,
        kind: (filters.kind || undefined) as OrderQuery['kind'],
        overdue: filters.overdue === '' ? undefined : filters.overdue === 'true',
        q: filters.q.trim() || undefined,
        limit,
        offset,
        sort: (sort as OrderQuery['sort']) ?? 'due',
      }),
    { sortable: ['due', 'ordered_at', 'updated_at'] },
  )
  return { ...list, filters }
}

const path = (id: number) => ({ params: { path: { order_id: id } } })

export function getOrder(id: number) {
  return unwrap(api.GET('/api/v1/service-orders/{order_id}', path(id)))
}

export function orderSuggestions(id: number) {
  return unwrap(api.GET('/api/v1/service-orders/{order_id}/suggestions', path(id)))
}

export function orderPhotos(id: number) {
  return unwrap(api.GET('/api/v1/service-orders/{order_id}/photos', path(id)))
}

/** The grid's steps on an order, each with its form's fields. */
export type GridStep = 'dispatch' | 'redispatch' | 'cancel'

export interface StepForm {
  member_id: number | undefined
  note: string
  reason: string
}

export function sendStep(id: number, step: GridStep, form: StepForm): Promise<Order> {
  if (step === 'cancel') {
    return unwrap(api.POST('/api/v1/service-orders/{order_id}/cancel', { ...path(id), body: { reason: form.reason } }))
  }
  const member_id = form.member_id ?? 0
  if (step === 'redispatch') {
    return unwrap(
      api.POST('/api/v1/service-orders/{order_id}/redispatch', {
        ...path(id),
        body: { member_id, reason: form.reason },
      }),
    )
  }
  return unwrap(
    api.POST('/api/v1/service-orders/{order_id}/dispatch', { ...path(id), body: { member_id, note: form.note } }),
  )
}

/** The order page: the order, and the grid's steps (each answers the order as it now stands). */
export function useOrder(id: number) {
  const order = ref<Order | null>(null)
  const loading = ref(false)
  const error = ref('')
  async function load() {
    loading.value = true
    error.value = ''
    try {
      order.value = await getOrder(id)
    } catch (err) {
      error.value = messageOf(err)
    } finally {
      loading.value = false
    }
  }
  async function act(step: GridStep, form: StepForm) {
    order.value = await sendStep(id, step, form)
    return order.value
  }
  return { order, loading, error, load, act }
}

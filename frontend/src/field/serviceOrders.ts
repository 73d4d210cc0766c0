import { unwrap, type Schemas } from '../api'
import { api } from '../shared/session'

/** 服务订单 on the phone (群众点单 → 网格下单 → 党员接单, seeds/xiangtan-wuge-daohu.txt): the
 * grid's open orders a member may take, the orders dispatched to him or taken by him, and the
 * steps he does on one (take, decline, complete with a note and photos). Online only: taking an
 * order is a race with the other members, so it must be answered by the server. */

export type OrderItem = Schemas['OrderItemOut']
export type Order = Schemas['OrderOut']
export type OrderAction = Schemas['OrderAction']

export const NOTE_MAX = 2000

/** 待接单: my village's orders nobody holds yet. */
export async function openOrders(): Promise<OrderItem[]> {
  const page = await unwrap(
    api.GET('/api/v1/service-orders', { params: { query: { open: true, limit: 100, sort: 'due' } } }),
  )
  return page.data
}

/** 我的订单: dispatched to me or taken by me, still to do first (soonest deadline first). */
export async function myOrders(): Promise<OrderItem[]> {
  const page = await unwrap(
    api.GET('/api/v1/service-orders', { params: { query: { mine: true, limit: 100, sort: 'due' } } }),
  )
  return page.data
}

export function getOrder(id: number): Promise<Order> {
  return unwrap(api.GET('/api/v1/service-orders/{order_id}', { params: { path: { order_id: id } } }))
}

export function canDo(order: Order | null, action: OrderAction): boolean {
  return order?.allowed_actions.includes(action) ?? false
}

const path = (id: number) => ({ params: { path: { order_id: id } } })

export function takeOrder(id: number): Promise<Order> {
  return unwrap(api.POST('/api/v1/service-orders/{order_id}/take', { ...path(id), body: { note: '' } }))
}

export function declineOrder(id: number, reason: string): Promise<Order> {
  return unwrap(api.POST('/api/v1/service-orders/{order_id}/decline', { ...path(id), body: { reason: reason.trim() } }))
}

export function releaseOrder(id: number, reason: string): Promise<Order> {
  return unwrap(api.POST('/api/v1/service-orders/{order_id}/release', { ...path(id), body: { reason: reason.trim() } }))
}

/** The form's message for the note of 完成服务 ('' when it is fine). */
export function checkNote(note: string): string {
  if (!note.trim()) return '请填写服务情况'
  if (note.trim().length > NOTE_MAX) return `最多 ${NOTE_MAX} 个字`
  return ''
}

export function completeOrder(id: number, note: string): Promise<Order> {
  return unwrap(api.POST('/api/v1/service-orders/{order_id}/complete', { ...path(id), body: { note: note.trim() } }))
}

/** A photo of the service (raw image with its Content-Type, as for visits' photos). */
export async function uploadOrderPhoto(id: number, file: Blob): Promise<void> {
  await unwrap(
    api.POST('/api/v1/service-orders/{order_id}/photos', {
      params: { path: { order_id: id }, query: { client_uuid: crypto.randomUUID() } },
      body: file as unknown as string,
      bodySerializer: (b: unknown) => b as BodyInit,
      headers: { 'Content-Type': file.type || 'image/jpeg' },
    }),
  )
}

export async function orderPhotoCount(id: number): Promise<number> {
  return (await unwrap(api.GET('/api/v1/service-orders/{order_id}/photos', path(id)))).length
}

export { countdown } from '../shared/countdown'

import type { Schemas } from '../../api'

/** What the console needs about codes beyond their labels (those come from /meta/enums, see
 * ../enums.ts): the order of delivery steps and which org levels go under which. */

export type Permission = Schemas['Permission']
export type Relation = Schemas['Relation']
export type DeliveryStatus = Schemas['DeliveryStatus']
export type Label = Schemas['Label']

/** 政策落实到户, in order: explained 已宣讲 → applied 已申请 → received 已享受. */
export const DELIVERY_ORDER: DeliveryStatus[] = ['explained', 'applied', 'received']

/** The steps a delivery may be recorded at: the current one again (a new note) or any later one
 * (a household may apply unprompted); never back (domain/policy.py advance). */
export function deliveryChoices(current: DeliveryStatus | null | undefined): DeliveryStatus[] {
  const from = current ? DELIVERY_ORDER.indexOf(current) : 0
  return DELIVERY_ORDER.slice(from)
}

/** The next step after the current one (the dialog's default), or null once received. */
export function nextDelivery(current: DeliveryStatus | null | undefined): DeliveryStatus | null {
  if (!current) return 'explained'
  return DELIVERY_ORDER[DELIVERY_ORDER.indexOf(current) + 1] ?? null
}

/** Which org levels may be made under a parent of this level (domain/kernel/org.py ALLOWED_PARENT),
 * the usual one first (the form's default). */
export const CHILD_LEVELS: Record<Schemas['OrgLevel'], Schemas['OrgLevel'][]> = {
  county: ['township', 'county'],
  township: ['village', 'community'],
  village: ['grid', 'party_group'],
  community: ['grid', 'party_group'],
  grid: ['party_group'],
  party_group: [],
}

/** A code's label from a /meta/enums list, the code itself when unknown. */
export function labelOf(list: Label[], code: string | null | undefined): string {
  if (code == null) return '—'
  return list.find((l) => l.code === code)?.label ?? code
}

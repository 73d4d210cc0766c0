import type { Schemas } from '../../api'
import { labelOf, type Label } from './labels'

/** A member's assignment inputs (自行申报, 就亲 / 志趣相投, 1+6+N 结对) and a household's contact
 * history, as the console shows them. */

export type Contact = Schemas['ContactOut']
export type Partner = Schemas['PartnerOut']
export type TieKind = Schemas['TieKind']
export type Tie = Schemas['TieOut']

/** A household in a picker or list: "张三（一网格 · H001）". */
export function householdLabel(
  h: Pick<Schemas['HouseholdOut'], 'head_name' | 'external_id' | 'id'>,
  area?: string,
): string {
  const extra = [area, h.external_id].filter(Boolean).join(' · ')
  return extra ? `${h.head_name}（${extra}）` : `${h.head_name}（#${h.id}）`
}

/** The tie kinds of the schema (TieKind) in order. */
export const TIE_KINDS: TieKind[] = ['kinship', 'interest']

/** A tie kind's label: the same words as the assignment reason it gives (血缘相通, 志趣相投,
 * from /meta/enums assignment_reasons); fixed words when the enums are not loaded yet. */
export function tieLabel(reasons: Label[], kind: TieKind): string {
  const fallback: Record<TieKind, string> = { kinship: '血缘相通（亲属）', interest: '志趣相投' }
  const label = labelOf(reasons, kind)
  return label === kind ? fallback[kind] : label
}

/** 1+6+N: the member is either the elderly member's contact or the elderly member contacted. */
export function partnerSide(side: string): string {
  if (side === 'elderly') return '结对的老党员'
  if (side === 'contact') return '联系本人的党员'
  return side
}

/** "2026-01-01 至今" or "2025-03-01 至 2026-01-01". */
export function contactPeriod(c: Pick<Contact, 'started_on' | 'ended_on'>): string {
  return `${c.started_on} 至 ${c.ended_on ?? '今'}`
}

/** The contact history newest first, the current contact (no end) on top. */
export function sortContacts(contacts: readonly Contact[]): Contact[] {
  return [...contacts].sort(
    (a, b) =>
      Number(a.ended_on !== null) - Number(b.ended_on !== null) ||
      b.started_on.localeCompare(a.started_on) ||
      (b.ended_on ?? '').localeCompare(a.ended_on ?? ''),
  )
}

export const REQUESTS_MAX = 50

/** The ids to PUT as the member's requests: each once, in the order chosen. */
export function requestIds(ids: readonly number[]): number[] {
  return [...new Set(ids)]
}

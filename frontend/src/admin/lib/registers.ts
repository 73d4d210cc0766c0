import type { Schemas } from '../../api'
import { blankToNull } from './forms'

/** The console's forms ⇄ the API's bodies for members (党员), households (农户) and residents:
 * what the inputs hold (strings, '' for empty) and what is sent (null for empty). */

type Member = Schemas['MemberOut']
type MemberIn = Schemas['MemberIn']
type Household = Schemas['HouseholdOut']
type HouseholdIn = Schemas['HouseholdIn']

export interface MemberForm {
  org_id: number | undefined
  name: string
  role: Schemas['MemberRole']
  gender: string
  birth_date: string
  phone: string
  external_id: string
  skills: string[]
  in_service: boolean
  reported_community_id: number | undefined
  exempt: boolean
  exemption: { reason: Schemas['ExemptionReason'] | ''; decided_by: string; decided_on: string; note: string }
}

export function memberForm(m: Member | null, orgId?: number): MemberForm {
  return {
    org_id: m?.org_id ?? orgId,
    name: m?.name ?? '',
    role: m?.role ?? 'member',
    gender: m?.gender ?? '',
    birth_date: m?.birth_date ?? '',
    phone: m?.phone ?? '',
    external_id: m?.external_id ?? '',
    skills: [...(m?.skills ?? [])],
    in_service: m?.in_service ?? false,
    reported_community_id: m?.reported_community_id ?? undefined,
    exempt: m?.exemption != null,
    exemption: {
      reason: m?.exemption?.reason ?? '',
      decided_by: m?.exemption?.decided_by ?? '',
      decided_on: m?.exemption?.decided_on ?? '',
      note: m?.exemption?.note ?? '',
    },
  }
}

export const MEMBER_FIELDS = [
  'org_id',
  'name',
  'role',
  'gender',
  'birth_date',
  'phone',
  'external_id',
  'skills',
  'in_service',
  'reported_community_id',
  'exemption',
] as const satisfies readonly (keyof MemberIn)[]

/** The POST body (and, through patchOf, the PATCH one). */
export function memberBody(f: MemberForm): MemberIn {
  return {
    org_id: f.org_id as number,
    name: f.name.trim(),
    role: f.role,
    gender: blankToNull(f.gender),
    birth_date: blankToNull(f.birth_date),
    phone: blankToNull(f.phone),
    external_id: blankToNull(f.external_id),
    skills: f.skills.map((s) => s.trim()).filter(Boolean),
    in_service: f.in_service,
    reported_community_id: f.in_service ? (f.reported_community_id ?? null) : null,
    exemption:
      f.exempt && f.exemption.reason
        ? {
            reason: f.exemption.reason,
            decided_by: f.exemption.decided_by.trim(),
            decided_on: f.exemption.decided_on,
            note: blankToNull(f.exemption.note),
          }
        : null,
  }
}

export interface HouseholdForm {
  org_id: number | undefined
  head_name: string
  size: number
  building: string
  address: string
  phone: string
  categories: string[]
  external_id: string
  lat: number | undefined
  lng: number | undefined
}

export function householdForm(h: Household | null, orgId?: number): HouseholdForm {
  return {
    org_id: h?.org_id ?? orgId,
    head_name: h?.head_name ?? '',
    size: h?.size ?? 1,
    building: h?.building ?? '',
    address: h?.address ?? '',
    phone: h?.phone ?? '',
    categories: [...(h?.categories ?? [])],
    external_id: h?.external_id ?? '',
    lat: h?.lat ?? undefined,
    lng: h?.lng ?? undefined,
  }
}

export const HOUSEHOLD_FIELDS = [
  'org_id',
  'head_name',
  'size',
  'building',
  'address',
  'phone',
  'categories',
  'external_id',
  'lat',
  'lng',
] as const satisfies readonly (keyof HouseholdIn)[]

/** Fields a masked household (caller without personal:read) shows in disguise or not at all:
 * they are never sent back, so an edit cannot overwrite the real values with the mask. */
export const MASKED_HOUSEHOLD_FIELDS = ['phone', 'address', 'lat', 'lng', 'categories'] as const

export function householdBody(f: HouseholdForm): HouseholdIn {
  return {
    org_id: f.org_id as number,
    head_name: f.head_name.trim(),
    size: f.size,
    building: blankToNull(f.building),
    address: blankToNull(f.address),
    phone: blankToNull(f.phone),
    categories: [...f.categories],
    external_id: blankToNull(f.external_id),
    lat: f.lat ?? null,
    lng: f.lng ?? null,
  }
}

export interface ResidentRow {
  relation: Schemas['Relation']
  birth_date: string
  gender: string
}

export function residentRows(list: Schemas['ResidentOut'][]): ResidentRow[] {
  return list.map((r) => ({ relation: r.relation, birth_date: r.birth_date ?? '', gender: r.gender ?? '' }))
}

export function residentsBody(rows: ResidentRow[]): Schemas['ResidentsIn'] {
  return {
    residents: rows.map((r) => ({ relation: r.relation, birth_date: r.birth_date, gender: blankToNull(r.gender) })),
  }
}

/** Client-side checks of the residents table, by row: a birth date, not in the future, not
 * more than 130 years back (domain/registers/household.py check_residents). */
export function checkResidents(rows: ResidentRow[], today: string): Record<number, string> {
  const out: Record<number, string> = {}
  rows.forEach((r, i) => {
    if (!r.birth_date) out[i] = '请填写出生日期'
    else if (r.birth_date > today) out[i] = '出生日期不能晚于今天'
    else if (Number(today.slice(0, 4)) - Number(r.birth_date.slice(0, 4)) > 130)
      out[i] = '出生日期早于 130 年前，请核对'
  })
  if (rows.length > 30) out[30] = '最多登记 30 人'
  return out
}

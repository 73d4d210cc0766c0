import type { Schemas } from '../../api'

export type Proposal = Schemas['ProposalOut']
export type Violation = Schemas['ViolationOut']

export interface Shortfall {
  grid_id: number
  message: string
  uncovered_count: number
  options?: string[]
}

/** What the review screen needs from a proposal's free-form report. */
export interface ReportSummary {
  feasible: boolean
  households: number
  members: number
  pairs: number
  distanceKm: number
  shortfalls: Shortfall[]
  uncovered: number
  violations: Violation[]
  unhonoured: { member_id: number; household_id: number; why: string }[]
  noLocation: { members: number; households: number }
  /** 1+6+N: contact members paired with elderly members when published. */
  elderlyPairs: number
  /** Publishing needs accept_shortfalls (the API refuses otherwise: proposal.has_shortfalls). */
  needsAcceptance: boolean
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0)
const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : [])

export function summarize(report: Record<string, unknown>): ReportSummary {
  const shortfalls = list<Shortfall>(report.shortfalls)
  const violations = list<Violation>(report.violations)
  const noLoc = (report.no_location ?? {}) as Record<string, unknown>
  return {
    feasible: report.feasible !== false,
    households: num(report.households),
    members: num(report.members),
    pairs: num(report.pairs),
    distanceKm: Math.round(num(report.distance_total_m) / 100) / 10,
    shortfalls,
    uncovered: shortfalls.reduce((n, s) => n + num(s.uncovered_count), 0),
    violations,
    unhonoured: list(report.unhonoured_requests),
    noLocation: { members: num(noLoc.members_count), households: num(noLoc.households_count) },
    elderlyPairs: list(report.elderly_pairs).length,
    needsAcceptance: shortfalls.length > 0 || violations.length > 0,
  }
}

export const STATUS_LABELS: Record<string, string> = {
  draft: '草案',
  published: '已发布',
  superseded: '已被替代',
  stale: '已过期',
}

/** A violation as the review lists it: the server's message already names whom it is about
 * ("党员 张三：联系 16 户，超过上限 15 户"); an older one without the name gets it here, once. */
export function violationLine(v: Violation, memberName: (id: number) => string): string {
  if (v.member_name || v.member_id == null) return v.message
  return `党员 ${memberName(v.member_id)}：${v.message}`
}

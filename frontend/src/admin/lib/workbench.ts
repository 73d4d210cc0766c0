/** 工作台: what needs doing today in the caller's area, each with a count and where to do it. */

export interface WorkbenchCounts {
  /** 必到事项 past their deadline with nobody there (逾期未到); `capped` when there are more. */
  missedEvents: { count: number; capped: boolean } | null
  /** Contact members with no visit this month. */
  idleMembers: number | null
  /** Households without a contact member. */
  uncovered: number | null
  /** 包户方案 drafts waiting to be reviewed and published. */
  proposalDrafts: number | null
  /** 问题草稿 raised from visits, waiting for the issue flow. */
  issueDrafts: number | null
}

export interface Tile {
  key: keyof WorkbenchCounts
  title: string
  /** The count as shown ("100+" when capped, "—" when it could not be read). */
  value: string
  /** Something to do: the tile is highlighted. */
  urgent: boolean
  hint: string
  to: string
}

function shown(n: number | null, capped = false): string {
  if (n === null) return '—'
  return capped ? `${n}+` : String(n)
}

export function workbenchTiles(c: WorkbenchCounts): Tile[] {
  return [
    {
      key: 'missedEvents',
      title: '逾期未到的必到事项',
      value: shown(c.missedEvents?.count ?? null, c.missedEvents?.capped),
      urgent: (c.missedEvents?.count ?? 0) > 0,
      hint: '截止时间已过、党员尚未到场：督促到场或撤销误报',
      to: '/events?status=missed',
    },
    {
      key: 'idleMembers',
      title: '本月未走访的党员',
      value: shown(c.idleMembers),
      urgent: (c.idleMembers ?? 0) > 0,
      hint: '有联系户、本月还没有走访记录',
      to: '/dashboard',
    },
    {
      key: 'uncovered',
      title: '没有联系党员的农户',
      value: shown(c.uncovered),
      urgent: (c.uncovered ?? 0) > 0,
      hint: '生成或重新规划包户方案，让每户都有人联系',
      to: '/assignments',
    },
    {
      key: 'proposalDrafts',
      title: '待发布的包户方案',
      value: shown(c.proposalDrafts),
      urgent: (c.proposalDrafts ?? 0) > 0,
      hint: '审核后发布，或重新生成',
      to: '/assignments',
    },
    {
      key: 'issueDrafts',
      title: '待分类的问题草稿',
      value: shown(c.issueDrafts),
      urgent: (c.issueDrafts ?? 0) > 0,
      hint: '党员走访时上报的困难和诉求',
      to: '/issue-drafts',
    },
  ]
}

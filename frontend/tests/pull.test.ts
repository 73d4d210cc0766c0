import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { aHousehold } from './fixtures'
import { getKv } from '../src/field/kv'
import { enqueueVisit } from '../src/field/outbox'
import { getDb, pull, state } from '../src/field/store'

const household = (id: number) => aHousehold(id, { size: 2 })

function visit(id: number, householdId: number) {
  return {
    id,
    member_id: 7,
    household_id: householdId,
    visited_at: '2026-11-20T00:00:00Z',
    mode: 'home',
    mode_label: '入户走访',
    notes: '',
    flags: [],
    checklist: [],
    created_at: '2026-11-20T00:00:00Z',
    editable_until: '2026-11-21T00:00:00Z',
    amends_id: null,
    lat: null,
    lng: null,
    event_id: null,
  }
}

const due = (...ids: number[]) => ({
  cadence_days: 14,
  data: ids.map((household_id) => ({
    household_id,
    due_at: null,
    last_visit: null,
    overdue_days: null,
    vulnerable: false,
  })),
})

/** The server's pages of one pull, in order; the query each request carried. */
let pages: object[] = []
let asked: URLSearchParams[] = []

beforeEach(async () => {
  asked = []
  vi.stubGlobal('fetch', async (req: Request) => {
    const url = new URL(req.url)
    if (url.pathname !== '/api/v1/sync/pull')
      return new Response('{}', { status: 404, headers: { 'Content-Type': 'application/json' } })
    asked.push(url.searchParams)
    if (asked.length > pages.length) throw new TypeError('Failed to fetch') // the network went
    return new Response(JSON.stringify(pages[asked.length - 1]), {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
    })
  })
  localStorage.setItem(
    'lianhu.tokens',
    JSON.stringify({ access_token: 'A', refresh_token: 'R', role: 'member', member_id: 7 }),
  )
  const db = await getDb()
  await Promise.all([db.households.clear(), db.visits.clear(), db.kv.clear(), db.outbox.clear()])
  state.households = []
})
afterEach(() => {
  vi.unstubAllGlobals()
  localStorage.clear()
})

describe('the pull', () => {
  it('takes every page of a large pull before it moves its cursor', async () => {
    const next = { until: '2026-11-25T02:00:00Z', after_household: 2, after_visit: 11 }
    pages = [
      {
        cursor: '2026-11-25T01:55:00Z',
        households: [household(1), household(2)],
        visits: [visit(10, 1), visit(11, 2)],
        due: due(1, 2),
        tasks: [{ id: 5, household_id: 1 }],
        more: true,
        next,
      },
      { cursor: '2026-11-25T01:55:00Z', households: [], visits: [visit(12, 1)], due: null, more: false, next: null },
    ]
    await pull()
    expect(asked).toHaveLength(2)
    expect(Object.fromEntries(asked[1])).toEqual({ until: next.until, after_household: '2', after_visit: '11' })
    const db = await getDb()
    expect((await db.visits.toArray()).map((v) => v.id).sort()).toEqual([10, 11, 12])
    expect(await getKv(db, 'cursor')).toBe('2026-11-25T01:55:00Z')
    expect(await getKv(db, 'tasks')).toEqual([{ id: 5, household_id: 1 }]) // read offline by the task list
  })

  it('cut off halfway keeps the old cursor, so the next pull starts from the same point', async () => {
    const db = await getDb()
    await db.kv.put({ key: 'cursor', value: '2026-11-24T00:00:00Z' })
    pages = [
      {
        cursor: '2026-11-25T01:55:00Z',
        households: [],
        visits: [visit(10, 1)],
        due: due(),
        more: true,
        next: { until: '2026-11-25T02:00:00Z', after_household: 0, after_visit: 10 },
      },
    ]
    await expect(pull()).rejects.toThrow()
    expect(asked[0].get('since')).toBe('2026-11-24T00:00:00Z')
    expect(await getKv(db, 'cursor')).toBe('2026-11-24T00:00:00Z')
  })

  it("forgets a member's household the due list no longer names, keeping its queued visit", async () => {
    const db = await getDb()
    await db.households.bulkPut([household(1), household(2)])
    await db.visits.put(visit(20, 2) as never)
    await db.kv.put({ key: 'cursor', value: '2026-11-24T00:00:00Z' })
    const queued = await enqueueVisit(db, {
      member_id: 7,
      household_id: 2,
      visited_at: '2026-11-24T08:00:00+08:00',
      mode: 'home',
      notes: '',
      flags: [],
      checklist: [],
    })
    pages = [{ cursor: '2026-11-25T01:55:00Z', households: [], visits: [], due: due(1), more: false, next: null }]
    await pull()
    expect(await db.households.toCollection().primaryKeys()).toEqual([1])
    expect(await db.visits.count()).toBe(0)
    expect((await db.outbox.get(queued.uuid))?.status).toBe('pending')
  })

  it('a branch secretary keeps the village: only a member is pruned by the due list', async () => {
    localStorage.setItem(
      'lianhu.tokens',
      JSON.stringify({ access_token: 'A', refresh_token: 'R', role: 'branch_secretary', member_id: 8 }),
    )
    const db = await getDb()
    await db.households.bulkPut([household(1), household(2)])
    await db.kv.put({ key: 'cursor', value: '2026-11-24T00:00:00Z' })
    pages = [{ cursor: '2026-11-25T01:55:00Z', households: [], visits: [], due: due(1), more: false, next: null }]
    await pull()
    expect(await db.households.count()).toBe(2)
  })
})

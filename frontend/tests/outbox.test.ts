import { beforeEach, describe, expect, it, vi } from 'vitest'
import { makeClient, NetworkError, type Tokens } from '../src/api'
import { FieldDb, type VisitPayload } from '../src/field/db'
import { discardRejected, enqueueAttendance, enqueueVisit, retryItem, syncOutbox } from '../src/field/outbox'

const BASE = 'http://test.local'
let db: FieldDb
let n = 0

beforeEach(async () => {
  db = new FieldDb(`outbox-test-${++n}`)
  await db.open()
})

function visit(household: number, notes = '走访'): VisitPayload {
  return {
    member_id: 7,
    household_id: household,
    visited_at: '2026-11-20T08:00:00+08:00',
    mode: 'home',
    notes,
    flags: [],
    checklist: [],
  }
}

type Op = { uuid: string; kind: string; payload: VisitPayload | { visit_uuid: string; kind: string } }

/** A server that answers each operation with `answer(op)`, remembering uuids like the real one. */
function server(answer: (op: Op, seen: Set<string>) => Record<string, unknown>) {
  const seen = new Set<string>()
  const requests: Op[][] = []
  const fetch = vi.fn(async (req: Request) => {
    const body = (await req.json()) as { operations: Op[] }
    requests.push(body.operations)
    const results: Record<string, unknown>[] = body.operations.map((op, index) => ({
      index,
      uuid: op.uuid,
      ...answer(op, seen),
    }))
    body.operations.forEach((op) => seen.add(op.uuid))
    const count = (s: string) => results.filter((r) => r.status === s).length
    return new Response(
      JSON.stringify({
        applied: count('applied'),
        duplicate: count('duplicate'),
        rejected: count('rejected'),
        results,
      }),
      { status: 200, headers: { 'Content-Type': 'application/json' } },
    )
  })
  const tokens = { get: () => ({ access_token: 'A', refresh_token: 'R' }) as Tokens, set: () => {} }
  return { api: makeClient({ baseUrl: BASE, tokens, fetch }), requests, fetch }
}

const applyAll = (op: Op, seen: Set<string>) =>
  seen.has(op.uuid)
    ? { status: 'duplicate', id: 1 }
    : { status: 'applied', id: 100 + ('household_id' in op.payload ? op.payload.household_id : 0) }

describe('the offline outbox', () => {
  it('keeps a queued visit as pending with a UUID made when it was saved', async () => {
    const item = await enqueueVisit(db, visit(3))
    expect(item.uuid).toMatch(/^[0-9a-f-]{36}$/)
    const stored = await db.outbox.get(item.uuid)
    expect(stored?.status).toBe('pending')
    expect(stored?.household_id).toBe(3)
    expect(stored?.kind).toBe('visit')
  })

  it('sends every pending visit in one batch and stores each answer on its item', async () => {
    const a = await enqueueVisit(db, visit(1))
    const b = await enqueueVisit(db, visit(2))
    const { api, requests } = server(applyAll)
    const summary = await syncOutbox(db, api)
    expect(summary).toEqual({ sent: 2, applied: 2, duplicate: 0, rejected: 0 })
    expect(requests).toHaveLength(1)
    expect(requests[0].map((o) => [o.uuid, o.kind])).toEqual([
      [a.uuid, 'visit'],
      [b.uuid, 'visit'],
    ])
    expect((await db.outbox.get(a.uuid))?.result?.id).toBe(101)
    expect((await db.outbox.get(b.uuid))?.status).toBe('applied')
  })

  it('keeps a rejected visit with the reason and the field, and the good ones are applied', async () => {
    const good = await enqueueVisit(db, visit(1))
    const bad = await enqueueVisit(db, visit(99))
    const { api } = server((op) =>
      'household_id' in op.payload && op.payload.household_id === 99
        ? { status: 'rejected', code: 'visit.not_contact', field: 'household_id', message: '不是你的联系户' }
        : { status: 'applied', id: 5 },
    )
    const summary = await syncOutbox(db, api)
    expect(summary.rejected).toBe(1)
    expect((await db.outbox.get(good.uuid))?.status).toBe('applied')
    const kept = await db.outbox.get(bad.uuid)
    expect(kept?.status).toBe('rejected')
    expect(kept?.result).toMatchObject({ code: 'visit.not_contact', field: 'household_id', message: '不是你的联系户' })
  })

  it('leaves everything pending when the network fails, and sends it on the next try', async () => {
    const item = await enqueueVisit(db, visit(1))
    const offline = makeClient({
      baseUrl: BASE,
      tokens: { get: () => null, set: () => {} },
      fetch: async () => {
        throw new TypeError('Failed to fetch')
      },
    })
    await expect(syncOutbox(db, offline)).rejects.toBeInstanceOf(NetworkError)
    expect((await db.outbox.get(item.uuid))?.status).toBe('pending')
    const { api } = server(applyAll)
    await syncOutbox(db, api)
    expect((await db.outbox.get(item.uuid))?.status).toBe('applied')
  })

  it('never sends an item twice when syncs overlap (online event and timer at once)', async () => {
    await enqueueVisit(db, visit(1))
    const { api, requests } = server(applyAll)
    await Promise.all([syncOutbox(db, api), syncOutbox(db, api), syncOutbox(db, api)])
    expect(requests.flat()).toHaveLength(1)
  })

  it('does not send answered items again', async () => {
    await enqueueVisit(db, visit(1))
    const { api, requests } = server(applyAll)
    await syncOutbox(db, api)
    const again = await syncOutbox(db, api)
    expect(again.sent).toBe(0)
    expect(requests).toHaveLength(1)
  })

  it('replays a visit whose answer was lost as a duplicate, with the same UUID', async () => {
    const item = await enqueueVisit(db, visit(1))
    const { api, requests } = server(applyAll)
    await syncOutbox(db, api)
    await retryItem(db, item.uuid) // as if the first answer never arrived
    await syncOutbox(db, api)
    expect(requests.map((r) => r[0].uuid)).toEqual([item.uuid, item.uuid])
    expect((await db.outbox.get(item.uuid))?.status).toBe('duplicate')
  })

  it('sends a corrected rejected visit again, and deletes only rejected ones', async () => {
    const item = await enqueueVisit(db, visit(1, ''))
    const { api } = server((op) =>
      'notes' in op.payload && op.payload.notes
        ? { status: 'applied', id: 9 }
        : { status: 'rejected', field: 'notes', message: '请填写' },
    )
    await syncOutbox(db, api)
    expect((await db.outbox.get(item.uuid))?.status).toBe('rejected')
    await retryItem(db, item.uuid, visit(1, '补写了走访情况'))
    await syncOutbox(db, api)
    expect((await db.outbox.get(item.uuid))?.status).toBe('applied')

    const pending = await enqueueVisit(db, visit(2))
    expect(await discardRejected(db, pending.uuid)).toBe(false)
    expect(await db.outbox.get(pending.uuid)).toBeDefined()
  })

  it('splits a long queue into batches the server accepts', async () => {
    for (let i = 0; i < 450; i++) await enqueueVisit(db, visit(i))
    const { api, requests } = server(applyAll)
    const summary = await syncOutbox(db, api)
    expect(summary.applied).toBe(450)
    expect(requests.map((r) => r.length)).toEqual([200, 200, 50])
  })

  it('sends a visit before the issues raised from it, which name it by its uuid', async () => {
    const v = await enqueueVisit(db, visit(1), { raise: ['difficulty', 'dispute'] })
    const { api, requests } = server(applyAll)
    await syncOutbox(db, api)
    expect(requests[0].map((o) => [o.kind, o.payload])).toEqual([
      ['visit', visit(1)],
      ['issue_draft', { visit_uuid: v.uuid, kind: 'difficulty' }],
      ['issue_draft', { visit_uuid: v.uuid, kind: 'dispute' }],
    ])
  })

  it('queues an attendance with its event, and a corrected one keeps the event', async () => {
    const a = await enqueueAttendance(db, { ...visit(4), event_id: 12 })
    const { api, requests } = server((op) =>
      'notes' in op.payload && op.payload.notes === '到场'
        ? { status: 'applied', id: 12 }
        : { status: 'rejected', field: 'notes', message: '不对' },
    )
    await syncOutbox(db, api)
    await retryItem(db, a.uuid, visit(4, '到场'))
    await syncOutbox(db, api)
    expect(requests[1][0]).toMatchObject({ kind: 'attendance', payload: { event_id: 12, notes: '到场' } })
    expect((await db.outbox.get(a.uuid))?.status).toBe('applied')
  })
})

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enqueueVisit } from '../src/field/outbox'
import { getDb, refreshCounts, state, syncOnRequest, UNAVAILABLE_SYNC } from '../src/field/store'

const json = { 'Content-Type': 'application/json' }

/** The server as it answers while its database restarts: 503 problem+json with a Retry-After. */
function unavailable(): Response {
  return new Response(
    JSON.stringify({
      type: 'https://lianhu.org/problems/server/unavailable',
      title: '服务暂时不可用',
      status: 503,
      detail: '服务器暂时不可用，稍后自动重试',
      code: 'server.unavailable',
      errors: [],
    }),
    { status: 503, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '7' } },
  )
}

function answered(req: Request): Response {
  const path = new URL(req.url).pathname
  if (path === '/api/v1/sync/batch') {
    const body = { applied: 1, duplicate: 0, rejected: 0, results: [{ index: 0, status: 'applied', id: 11 }] }
    return new Response(JSON.stringify(body), { status: 200, headers: json })
  }
  if (path === '/api/v1/sync/pull') {
    const body = { cursor: '2026-11-20T08:00:00Z', households: [], visits: [], due: null }
    return new Response(JSON.stringify(body), { status: 200, headers: json })
  }
  return new Response('{}', { status: 404, headers: json })
}

beforeEach(async () => {
  localStorage.setItem(
    'lianhu.tokens',
    JSON.stringify({ access_token: 'A', refresh_token: 'R', role: 'member', member_id: 7 }),
  )
  const db = await getDb()
  await db.outbox.clear()
  await enqueueVisit(db, {
    member_id: 7,
    household_id: 3,
    visited_at: '2026-11-20T08:00:00+08:00',
    mode: 'home',
    notes: '走访',
    flags: [],
    checklist: [],
  })
  await refreshCounts()
  state.online = true
  state.message = ''
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  localStorage.clear()
  state.online = true
  state.message = ''
})

describe('a server answering 503 (its database restarting) is "try again later"', () => {
  it('keeps the queued visit, says so, and sends it again after the Retry-After', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    let down = true
    const fetch = vi.fn(async (req: Request) => (down ? unavailable() : answered(req)))
    vi.stubGlobal('fetch', fetch)

    expect(await syncOnRequest()).toBe('服务器暂时不可用，稍后自动重试')
    expect(UNAVAILABLE_SYNC).toBe('服务器暂时不可用，稍后自动重试')
    expect(state.message).toBe(UNAVAILABLE_SYNC)
    expect(state.online).toBe(true) // the server answered: the phone is not offline
    expect(state.pending).toBe(1)
    const db = await getDb()
    expect((await db.outbox.toArray()).map((i) => i.status)).toEqual(['pending'])

    down = false
    const calls = fetch.mock.calls.length
    await vi.advanceTimersByTimeAsync(6_000)
    expect(fetch.mock.calls.length).toBe(calls) // not before the 7 seconds the server asked
    await vi.advanceTimersByTimeAsync(1_500)
    await vi.waitFor(() => expect(state.pending).toBe(0))
    expect((await db.outbox.toArray()).map((i) => i.status)).toEqual(['applied'])
    expect(state.message).toBe('')
  })

  it('also when a proxy in front answers 503 with a page of its own', async () => {
    vi.stubGlobal('fetch', async () => new Response('<html>503 Service Unavailable</html>', { status: 503 }))
    expect(await syncOnRequest()).toBe(UNAVAILABLE_SYNC)
    expect(state.pending).toBe(1)
  })
})

import { Blob as NodeBlob } from 'node:buffer'
import { beforeEach, describe, expect, it, vi } from 'vitest'

// happy-dom's Blob cannot be structured-cloned, so fake-indexeddb would store it as an empty
// object; a browser's IndexedDB keeps a real Blob, and so does fake-indexeddb with Node's. Set
// before Dexie loads: it learns which classes to keep as they are (Blob among them) at import.
vi.hoisted(() => {
  const { Blob } = process.getBuiltinModule('node:buffer') as typeof import('node:buffer')
  globalThis.Blob = Blob as unknown as typeof globalThis.Blob
})

import Dexie from 'dexie'
import { makeClient, NetworkError, type Tokens } from '../src/api'
import { FieldDb, type VisitPayload } from '../src/field/db'
import { discardRejected, enqueueVisit, syncOutbox } from '../src/field/outbox'
import { attachPhotos, deletePhoto, MAX_PHOTOS, PhotoLimit, photosOfVisit, uploadPhotos } from '../src/field/photos'

const BASE = 'http://test.local'
let db: FieldDb
let name: string
let n = 0

beforeEach(async () => {
  name = `photos-test-${++n}`
  db = new FieldDb(name)
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

function jpeg(bytes: number[], width = 1200, height = 900) {
  const blob = new NodeBlob([new Uint8Array(bytes)], { type: 'image/jpeg' }) as unknown as Blob
  const thumb = new NodeBlob([new Uint8Array([9])], { type: 'image/jpeg' }) as unknown as Blob
  return { blob, thumb, width, height }
}

interface Stored {
  id: number
  visit_id: number
  bytes: number[]
  type: string
  width: number
  height: number
  uuid: string | null
}

type Answer = { status: number; body?: unknown } | 'network' | 'lost'

/** The server: /sync/batch applies visits (id 100 + household), /visits/{id}/photos stores
 * photos unless `photoAnswer` says otherwise ('network': never arrives; 'lost': stored, but the
 * answer never comes back). */
function server(opts: { visit?: (household: number) => Record<string, unknown>; photoAnswer?: () => Answer } = {}) {
  const photos: Stored[] = []
  const calls: string[] = []
  const seen = new Set<string>()
  const json = (status: number, body: unknown, type = 'application/json') =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } })
  const fetch = vi.fn(async (req: Request) => {
    const path = new URL(req.url).pathname
    calls.push(`${req.method} ${path}`)
    if (path === '/api/v1/sync/batch') {
      const body = (await req.json()) as { operations: { uuid: string; payload: VisitPayload }[] }
      const results: Record<string, unknown>[] = body.operations.map((op, index) => {
        const answer = opts.visit?.(op.payload.household_id) ?? {
          status: seen.has(op.uuid) ? 'duplicate' : 'applied',
          id: 100 + op.payload.household_id,
        }
        seen.add(op.uuid)
        return { index, uuid: op.uuid, ...answer }
      })
      const count = (s: string) => results.filter((r) => r.status === s).length
      return json(200, {
        applied: count('applied'),
        duplicate: count('duplicate'),
        rejected: count('rejected'),
        results,
      })
    }
    const m = /^\/api\/v1\/visits\/(\d+)\/photos$/.exec(path)
    if (m && req.method === 'GET') {
      const visitId = Number(m[1])
      return json(
        200,
        photos
          .filter((p) => p.visit_id === visitId)
          .map((p) => ({ ...p, url: `/api/v1/photos/${p.id}`, created_at: '2026-11-20T01:00:00Z' })),
      )
    }
    if (m && req.method === 'POST') {
      const uuid = new URL(req.url).searchParams.get('client_uuid')
      const before = photos.find((p) => uuid && p.uuid === uuid)
      if (before) {
        // as the API does: the same upload again finds the photo stored the first time
        return json(200, {
          ...before,
          content_type: before.type,
          size_bytes: before.bytes.length,
          sha256: 'x',
          url: '',
          created_at: '2026-11-20T01:00:00Z',
          duplicate: true,
        })
      }
      const answer = opts.photoAnswer?.() ?? { status: 201 }
      if (answer === 'network') throw new TypeError('Failed to fetch')
      if (typeof answer === 'object' && answer.status !== 201)
        return json(answer.status, answer.body, 'application/problem+json')
      const bytes = [...new Uint8Array(await req.arrayBuffer())]
      const stored: Stored = {
        id: photos.length + 1,
        visit_id: Number(m[1]),
        bytes,
        type: req.headers.get('Content-Type') ?? '',
        width: 1200,
        height: 900,
        uuid,
      }
      photos.push(stored)
      if (answer === 'lost') throw new TypeError('Failed to fetch')
      return json(201, {
        ...stored,
        content_type: stored.type,
        size_bytes: bytes.length,
        sha256: 'x',
        url: '',
        created_at: '2026-11-20T01:00:00Z',
      })
    }
    return json(404, { type: 'about:blank', title: 'Not Found', status: 404, detail: path, code: 'http.404' })
  })
  const tokens = { get: () => ({ access_token: 'A', refresh_token: 'R' }) as Tokens, set: () => {} }
  return { api: makeClient({ baseUrl: BASE, tokens, fetch }), photos, calls }
}

const photoPosts = (calls: string[]) => calls.filter((c) => c.startsWith('POST /api/v1/visits/')).length

describe('the photo queue', () => {
  it('keeps photos on the phone with their visit, linked by the uuid the visit was given', async () => {
    const v = await enqueueVisit(db, visit(3))
    await attachPhotos(db, { uuid: v.uuid, householdId: 3 }, [jpeg([1, 2, 3]), jpeg([4, 5])])
    const kept = await photosOfVisit(db, { uuid: v.uuid })
    expect(kept.map((p) => p.status)).toEqual(['pending', 'pending'])
    expect(kept.map((p) => p.visit_uuid)).toEqual([v.uuid, v.uuid])
    expect([...new Uint8Array(await kept[0].blob!.arrayBuffer())]).toEqual([1, 2, 3])
    expect(kept[0]).toMatchObject({ household_id: 3, type: 'image/jpeg', size: 3, width: 1200, height: 900 })
  })

  it('refuses a tenth photo for a visit, as the server would', async () => {
    const v = await enqueueVisit(db, visit(3))
    await attachPhotos(
      db,
      { uuid: v.uuid, householdId: 3 },
      Array.from({ length: MAX_PHOTOS }, (_, i) => jpeg([i])),
    )
    await expect(attachPhotos(db, { uuid: v.uuid, householdId: 3 }, [jpeg([10])])).rejects.toBeInstanceOf(PhotoLimit)
    expect(await db.photos.count()).toBe(MAX_PHOTOS)
  })

  it('uploads a photo only after its visit is on the server, to that visit, as the raw image', async () => {
    const v = await enqueueVisit(db, visit(3))
    const [p] = await attachPhotos(db, { uuid: v.uuid, householdId: 3 }, [jpeg([1, 2, 3])])
    const { api, photos, calls } = server()

    expect(await uploadPhotos(db, api)).toEqual({ uploaded: 0, rejected: 0, waiting: 1 })
    expect(calls).toEqual([]) // the visit has no id yet: nothing to attach the photo to

    await syncOutbox(db, api)
    expect(await uploadPhotos(db, api)).toEqual({ uploaded: 1, rejected: 0, waiting: 0 })
    expect(photos).toEqual([expect.objectContaining({ visit_id: 103, bytes: [1, 2, 3], type: 'image/jpeg' })])
    const after = await db.photos.get(p.id)
    expect(after).toMatchObject({ status: 'uploaded', photo_id: 1, visit_id: 103 })
    expect(after?.blob).toBeUndefined() // the server has it; the phone keeps the thumbnail only
    expect(after?.thumb).toBeDefined()

    await uploadPhotos(db, api)
    expect(photos).toHaveLength(1) // never sent twice
  })

  it('waits while its visit is refused, and goes once the corrected visit is applied', async () => {
    let refuse = true
    const v = await enqueueVisit(db, visit(3))
    await attachPhotos(db, { uuid: v.uuid, householdId: 3 }, [jpeg([1])])
    const { api, photos } = server({
      visit: (h) =>
        refuse
          ? { status: 'rejected', code: 'visit.in_future', field: 'visited_at', message: '走访时间不能晚于现在' }
          : { status: 'applied', id: 100 + h },
    })
    await syncOutbox(db, api)
    expect((await uploadPhotos(db, api)).waiting).toBe(1)
    refuse = false
    await db.outbox.update(v.uuid, { status: 'pending' })
    await syncOutbox(db, api)
    await uploadPhotos(db, api)
    expect(photos).toHaveLength(1)
  })

  it('retries a failed upload on the next sync: network down, then a server error', async () => {
    const v = await enqueueVisit(db, visit(3))
    const [p] = await attachPhotos(db, { uuid: v.uuid, householdId: 3 }, [jpeg([1, 2])])
    const answers: Answer[] = [
      'network',
      { status: 503, body: { type: 'about:blank', title: 'x', status: 503, detail: '服务暂不可用', code: 'http.503' } },
    ]
    const { api, photos, calls } = server({ photoAnswer: () => answers.shift() ?? { status: 201 } })
    await syncOutbox(db, api)

    await expect(uploadPhotos(db, api)).rejects.toBeInstanceOf(NetworkError)
    expect(await db.photos.get(p.id)).toMatchObject({ status: 'pending', attempts: 1 })

    expect(await uploadPhotos(db, api)).toMatchObject({ uploaded: 0, waiting: 1 })
    expect(await db.photos.get(p.id)).toMatchObject({
      status: 'pending',
      error: { status: 503, message: '服务暂不可用' },
    })

    expect(await uploadPhotos(db, api)).toMatchObject({ uploaded: 1 })
    expect(photos).toHaveLength(1)
    expect(photoPosts(calls)).toBe(3)
    expect((await db.photos.get(p.id))?.error).toBeUndefined()
  })

  it('does not store a photo twice when the answer to its upload was lost', async () => {
    const v = await enqueueVisit(db, visit(3))
    const [p] = await attachPhotos(db, { uuid: v.uuid, householdId: 3 }, [jpeg([1, 2])])
    const answers: Answer[] = ['lost']
    const { api, photos, calls } = server({ photoAnswer: () => answers.shift() ?? { status: 201 } })
    await syncOutbox(db, api)
    await expect(uploadPhotos(db, api)).rejects.toBeInstanceOf(NetworkError)
    expect(photos).toHaveLength(1) // it did arrive

    expect(await uploadPhotos(db, api)).toMatchObject({ uploaded: 1 })
    expect(photoPosts(calls)).toBe(2) // sent again with its uuid: the server found it
    expect(photos).toHaveLength(1)
    expect(await db.photos.get(p.id)).toMatchObject({ status: 'uploaded', photo_id: 1 })
  })

  it('keeps a refused photo with the server reason, sends it no more, and lets the member delete it', async () => {
    const v = await enqueueVisit(db, visit(3))
    const [big, ok] = await attachPhotos(db, { uuid: v.uuid, householdId: 3 }, [jpeg([1]), jpeg([2])])
    const answers: Answer[] = [
      {
        status: 413,
        body: {
          type: 'about:blank',
          title: 'Too large',
          status: 413,
          detail: '照片超过 8 MB 的上限',
          code: 'photo.too_large',
          field: 'file',
        },
      },
    ]
    const { api, photos, calls } = server({ photoAnswer: () => answers.shift() ?? { status: 201 } })
    await syncOutbox(db, api)
    expect(await uploadPhotos(db, api)).toEqual({ uploaded: 1, rejected: 1, waiting: 0 })
    expect(await db.photos.get(big.id)).toMatchObject({
      status: 'rejected',
      error: { code: 'photo.too_large', message: '照片超过 8 MB 的上限', status: 413 },
    })
    expect((await db.photos.get(big.id))?.blob).toBeDefined() // kept, not silently dropped
    expect(photos).toHaveLength(1)

    await uploadPhotos(db, api)
    expect(photoPosts(calls)).toBe(2)

    expect(await deletePhoto(db, ok.id)).toBe(false) // on the server: not deleted from here
    expect(await deletePhoto(db, big.id)).toBe(true)
    expect(await db.photos.get(big.id)).toBeUndefined()
  })

  it('keeps the reason when the edit window has closed', async () => {
    const v = await enqueueVisit(db, visit(3))
    const [p] = await attachPhotos(db, { uuid: v.uuid, householdId: 3 }, [jpeg([1])])
    const closed = {
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      code: 'visit.edit_window_closed',
      field: 'visit_id',
      detail: '记录超过 24 小时，不能直接修改；请提交补充更正（amendment）',
    }
    const { api } = server({ photoAnswer: () => ({ status: 409, body: closed }) })
    await syncOutbox(db, api)
    await uploadPhotos(db, api)
    expect(await db.photos.get(p.id)).toMatchObject({
      status: 'rejected',
      error: { code: 'visit.edit_window_closed', message: closed.detail },
    })
  })

  it('loses nothing across a reload of the app', async () => {
    const v = await enqueueVisit(db, visit(3))
    await attachPhotos(db, { uuid: v.uuid, householdId: 3 }, [jpeg([7, 8, 9])])
    db.close()

    const reopened = new FieldDb(name)
    await reopened.open()
    const [p] = await photosOfVisit(reopened, { uuid: v.uuid })
    expect(p.status).toBe('pending')
    expect([...new Uint8Array(await p.blob!.arrayBuffer())]).toEqual([7, 8, 9])
    const { api, photos } = server()
    await syncOutbox(reopened, api)
    await uploadPhotos(reopened, api)
    expect(photos.map((s) => s.bytes)).toEqual([[7, 8, 9]])
  })

  it('deletes the photos of a refused visit the member deletes, and only those', async () => {
    const a = await enqueueVisit(db, visit(3))
    const b = await enqueueVisit(db, visit(4))
    await attachPhotos(db, { uuid: a.uuid, householdId: 3 }, [jpeg([1])])
    await attachPhotos(db, { uuid: b.uuid, householdId: 4 }, [jpeg([2])])
    await db.outbox.update(a.uuid, { status: 'rejected' })
    expect(await discardRejected(db, a.uuid)).toBe(true)
    expect(await photosOfVisit(db, { uuid: a.uuid })).toEqual([])
    expect(await photosOfVisit(db, { uuid: b.uuid })).toHaveLength(1)
  })

  it('uploads a photo added to a visit already on the server', async () => {
    await attachPhotos(db, { id: 55, householdId: 3 }, [jpeg([5])])
    const { api, photos } = server()
    await uploadPhotos(db, api)
    expect(photos).toEqual([expect.objectContaining({ visit_id: 55, bytes: [5] })])
  })
})

describe('the IndexedDB upgrade that adds photos', () => {
  it('keeps the outbox items a phone had before', async () => {
    const old = new Dexie('upgrade-test')
    old.version(1).stores({
      outbox: 'uuid, status, household_id, created_at',
      households: 'id',
      visits: 'id, household_id, visited_at',
      kv: 'key',
    })
    old.version(2).stores({ outbox: 'uuid, status, household_id, created_at, seq' })
    await old.open()
    const item = {
      uuid: 'a1b2c3d4-0000-4000-8000-000000000001',
      kind: 'visit',
      payload: visit(3),
      household_id: 3,
      created_at: '2026-11-20T00:00:00Z',
      seq: 1,
      status: 'pending',
    }
    await old.table('outbox').add(item)
    await old.table('households').add({ id: 3, head_name: '张三' })
    old.close()

    const upgraded = new FieldDb('upgrade-test')
    await upgraded.open()
    expect(upgraded.verno).toBe(3)
    expect(await upgraded.outbox.toArray()).toEqual([item])
    expect(await upgraded.households.get(3)).toEqual({ id: 3, head_name: '张三' })
    expect(await upgraded.photos.count()).toBe(0)
    const { api, photos } = server()
    await attachPhotos(upgraded, { uuid: item.uuid, householdId: 3 }, [jpeg([1])])
    await syncOutbox(upgraded, api)
    await uploadPhotos(upgraded, api)
    expect(photos).toHaveLength(1)
  })
})

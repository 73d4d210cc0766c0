import { toProblem, type Api } from '../api'
import type { FieldDb, PhotoItem } from './db'
import { newUuid } from './outbox'

/** The server's limits (domain/photo.py): nine a visit, these types. */
export const MAX_PHOTOS = 9
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp']

/** A photo ready to be kept: already downscaled on the phone (photo-image.ts). */
export interface PreparedPhoto {
  blob: Blob
  thumb?: Blob
  width: number
  height: number
}

let lastSeq = 0
function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000)
  return lastSeq
}

/** Photos of a visit that count against its nine: those waiting and those on the server. */
async function kept(db: FieldDb, visit: { uuid?: string; id?: number }): Promise<PhotoItem[]> {
  return (await photosOfVisit(db, visit)).filter((p) => p.status !== 'rejected')
}

export class PhotoLimit extends Error {
  constructor() {
    super(`每次走访最多 ${MAX_PHOTOS} 张照片`)
    this.name = 'PhotoLimit'
  }
}

/**
 * Keep photos for a visit on the phone, linked to its outbox item by the uuid the visit was given
 * (or to a visit already on the server by its id). They are sent once the visit has synced. Call
 * it inside the transaction that queues the visit, so a visit is never kept without its photos.
 */
export async function attachPhotos(
  db: FieldDb,
  visit: { uuid?: string; id?: number; householdId: number },
  photos: PreparedPhoto[],
): Promise<PhotoItem[]> {
  if ((await kept(db, visit)).length + photos.length > MAX_PHOTOS) throw new PhotoLimit()
  const items = photos.map((p): PhotoItem => ({
    id: newUuid(),
    visit_uuid: visit.uuid ?? '',
    ...(visit.id ? { visit_id: visit.id } : {}),
    household_id: visit.householdId,
    seq: nextSeq(),
    blob: p.blob,
    thumb: p.thumb,
    type: p.blob.type || 'image/jpeg',
    size: p.blob.size,
    width: p.width,
    height: p.height,
    created_at: new Date().toISOString(),
    status: 'pending',
  }))
  await db.photos.bulkAdd(items)
  return items
}

/** A visit's photos on the phone, in the order taken. */
export async function photosOfVisit(db: FieldDb, visit: { uuid?: string; id?: number }): Promise<PhotoItem[]> {
  const byUuid = visit.uuid ? await db.photos.where('visit_uuid').equals(visit.uuid).toArray() : []
  const byId = visit.id ? await db.photos.where('visit_id').equals(visit.id).toArray() : []
  const all = new Map([...byUuid, ...byId].map((p) => [p.id, p]))
  return [...all.values()].sort((a, b) => a.seq - b.seq)
}

/** Delete a photo the member gave up on: a refused one, or one not sent yet. A photo on the
 * server is never deleted here. */
export async function deletePhoto(db: FieldDb, id: string): Promise<boolean> {
  const p = await db.photos.get(id)
  if (!p || p.status === 'uploaded') return false
  await db.photos.delete(id)
  return true
}

/** The visit's server id: known on the photo, or from its outbox item once the sync applied it
 * (the batch answers each visit with its record's id, also for a replay answered `duplicate`). */
async function visitIdOf(db: FieldDb, p: PhotoItem): Promise<number | undefined> {
  if (p.visit_id) return p.visit_id
  const item = p.visit_uuid ? await db.outbox.get(p.visit_uuid) : undefined
  if (item?.kind !== 'visit' || (item.status !== 'applied' && item.status !== 'duplicate')) return undefined
  return item.result?.id ?? undefined
}

export interface PhotoSummary {
  uploaded: number
  rejected: number
  /** Still waiting: their visit is not on the server yet, or the upload failed and is retried. */
  waiting: number
}

let running: Promise<PhotoSummary> | null = null

/**
 * Upload every waiting photo whose visit is on the server (POST /visits/{id}/photos), one at a
 * time in the order taken, and store the answer on it: uploaded (the bytes on the phone are then
 * dropped, the thumbnail kept), or refused with the server's reason (kept until the member
 * deletes it). A network failure, an expired login or a server error leaves it waiting for the
 * next sync. Calls while an upload runs share it.
 */
export function uploadPhotos(db: FieldDb, api: Api): Promise<PhotoSummary> {
  running ??= exclusive(() => doUpload(db, api)).finally(() => {
    running = null
  })
  return running
}

/** Two tabs of the app on one phone must not upload the same photo twice. */
function exclusive<T>(run: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks
  return locks ? (locks.request('lianhu-photo-upload', run) as Promise<T>) : run()
}

async function doUpload(db: FieldDb, api: Api): Promise<PhotoSummary> {
  const summary: PhotoSummary = { uploaded: 0, rejected: 0, waiting: 0 }
  const pending = await db.photos.where('status').equals('pending').sortBy('seq')
  for (const p of pending) {
    const visitId = await visitIdOf(db, p)
    if (!visitId) {
      summary.waiting += 1
      continue
    }
    if (!p.visit_id) await db.photos.update(p.id, { visit_id: visitId })
    const outcome = await uploadOne(db, api, { ...p, visit_id: visitId })
    summary[outcome] += 1
    if (outcome === 'waiting') {
      // A server error: the rest would meet it too; they wait for the next sync.
      summary.waiting += pending.length - pending.indexOf(p) - 1
      break
    }
  }
  return summary
}

async function uploadOne(db: FieldDb, api: Api, p: PhotoItem & { visit_id: number }): Promise<keyof PhotoSummary> {
  if (!p.blob) {
    await db.photos.update(p.id, {
      status: 'rejected',
      error: { code: 'photo.missing', message: '本机已没有这张照片的文件，请删除后重新添加' },
    })
    return 'rejected'
  }
  await db.photos.update(p.id, { attempts: (p.attempts ?? 0) + 1 })
  const body = await p.blob.arrayBuffer()
  // Sent with the photo's own uuid: after a lost answer the same upload goes again and the
  // server answers with the photo it stored the first time (duplicate), never a second copy.
  const answer = await post(api, p.visit_id, p.id, body, p.type)
  const { data, error, response } = answer
  if (response.ok && data) {
    await db.photos.update(p.id, {
      status: 'uploaded',
      photo_id: data.id,
      uploaded_at: new Date().toISOString(),
      blob: undefined,
      error: undefined,
    })
    return 'uploaded'
  }
  const problem = toProblem(response.status, error)
  const reason = { code: problem.code, message: problem.detail || problem.title, status: response.status }
  const later = response.status >= 500 || response.status === 429 || response.status === 408
  await db.photos.update(p.id, { status: later ? 'pending' : 'rejected', error: reason })
  return later ? 'waiting' : 'rejected'
}

function post(api: Api, visitId: number, uuid: string, body: ArrayBuffer, type: string) {
  return api.POST('/api/v1/visits/{visit_id}/photos', {
    params: { path: { visit_id: visitId }, query: { client_uuid: uuid } },
    // The raw image with its Content-Type (no multipart): the generated type says string.
    body: body as unknown as string,
    bodySerializer: (b: unknown) => b as BodyInit,
    headers: { 'Content-Type': type },
  })
}

export const PHOTO_STATUS_LABELS: Record<PhotoItem['status'], string> = {
  pending: '待同步',
  uploaded: '已上传',
  rejected: '被退回',
}

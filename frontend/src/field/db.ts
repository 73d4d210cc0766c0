import Dexie, { type EntityTable } from 'dexie'
import type { Schemas } from '../api'

export type VisitPayload = Schemas['VisitIn']
export type SyncResult = Schemas['SyncResult']
export type Household = Schemas['HouseholdOut']
export type VisitOut = Schemas['VisitOut']
export type DueOut = Schemas['DueOut']

/** Where an operation made on the phone stands: waiting, sent, or answered by the server. */
export type OutboxStatus = 'pending' | 'applied' | 'duplicate' | 'rejected'

/** 到场 for a must-attend event (五必到): the visit's fields and the event. */
export type AttendancePayload = VisitPayload & { event_id: number }
/** A flagged item of a visit raised for the issue flow; names the visit by the uuid it was given. */
export interface IssueDraftPayload {
  visit_uuid: string
  kind: string // one of the four's codes, or a county's own 必记 (its label)
}

/** An issue the member raises (党员直报), offline too: the item's uuid is its client_ref. */
export interface IssuePayload {
  title: string
  text: string
  household_id?: number
  category?: string
}

/** The operation kinds of POST /sync/batch this app makes (its payloads are untyped there). */
export type Operation =
  | { kind: 'visit'; payload: VisitPayload }
  | { kind: 'attendance'; payload: AttendancePayload }
  | { kind: 'issue_draft'; payload: IssueDraftPayload }
  | { kind: 'issue'; payload: IssuePayload }

/** One operation made on the phone (offline or not), kept until the server has answered it. */
export type OutboxItem = Operation & {
  uuid: string
  /** The household it is about (0: an issue of a place, about no household). */
  household_id: number
  /** The household's head as the phone knew it when the item was made: the queue names it so
   * after the phone has forgotten the household (moved out, given to another member). */
  head_name?: string
  created_at: string
  /** Order of making: the server applies a batch in order, so a visit goes before its drafts. */
  seq: number
  status: OutboxStatus
  /** The server's answer: the record id, or the rejection's code, field and reason. */
  result?: Pick<SyncResult, 'id' | 'code' | 'field' | 'message' | 'note'>
  synced_at?: string
}

/** Where a photo taken on the phone stands: waiting for its visit (or the network), on the
 * server, or refused by it (too large, wrong type, edit window closed) with the reason. */
export type PhotoStatus = 'pending' | 'uploaded' | 'rejected'

/** A photo attached to a visit on the phone (走访照片), kept until the member deletes it. */
export interface PhotoItem {
  /** Made on the phone when the photo is attached. */
  id: string
  /** The outbox item of its visit (the uuid the visit was given), until the visit has an id. */
  visit_uuid: string
  /** The server's visit id, once its visit is synced (or for a photo added to a synced visit). */
  visit_id?: number
  household_id: number
  /** Order of attaching, so photos upload in the order taken. */
  seq: number
  /** The image as it will be sent (already downscaled); dropped once it is on the server. */
  blob?: Blob
  /** A small copy for the lists; kept after the upload. */
  thumb?: Blob
  type: string
  size: number
  width: number
  height: number
  created_at: string
  status: PhotoStatus
  /** The server's photo id once uploaded. */
  photo_id?: number
  uploaded_at?: string
  /** The refusal (rejected), or the last failure that will be retried (pending). */
  error?: { code: string; message: string; status?: number }
  attempts?: number
}

export interface KeyValue {
  key: string
  value: unknown
}

/** The field app's IndexedDB: the outbox, and what the last pull brought (for offline reading). */
export class FieldDb extends Dexie {
  outbox!: EntityTable<OutboxItem, 'uuid'>
  households!: EntityTable<Household, 'id'>
  visits!: EntityTable<VisitOut, 'id'>
  kv!: EntityTable<KeyValue, 'key'>
  photos!: EntityTable<PhotoItem, 'id'>

  constructor(name = 'lianhu-field') {
    super(name)
    this.version(1).stores({
      outbox: 'uuid, status, household_id, created_at',
      households: 'id',
      visits: 'id, household_id, visited_at',
      kv: 'key',
    })
    this.version(2)
      .stores({ outbox: 'uuid, status, household_id, created_at, seq' })
      .upgrade((tx) =>
        tx
          .table('outbox')
          .toCollection()
          .modify((item: OutboxItem) => {
            item.seq ??= Date.parse(item.created_at) * 1000
          }),
      )
    // Photos live in a table of their own (the outbox items stay small to list and to send);
    // the other tables are carried over unchanged.
    this.version(3).stores({ photos: 'id, visit_uuid, visit_id, status, household_id, seq' })
  }
}

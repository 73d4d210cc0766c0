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
  kind: Schemas['FlagKind']
}

/** The operation kinds of POST /sync/batch this app makes (its payloads are untyped there). */
export type Operation =
  | { kind: 'visit'; payload: VisitPayload }
  | { kind: 'attendance'; payload: AttendancePayload }
  | { kind: 'issue_draft'; payload: IssueDraftPayload }

/** One operation made on the phone (offline or not), kept until the server has answered it. */
export type OutboxItem = Operation & {
  uuid: string
  household_id: number
  created_at: string
  /** Order of making: the server applies a batch in order, so a visit goes before its drafts. */
  seq: number
  status: OutboxStatus
  /** The server's answer: the record id, or the rejection's code, field and reason. */
  result?: Pick<SyncResult, 'id' | 'code' | 'field' | 'message' | 'note'>
  synced_at?: string
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
  }
}

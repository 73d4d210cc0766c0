import Dexie, { type EntityTable } from 'dexie'
import type { Schemas } from '../api'

export type VisitPayload = Schemas['VisitIn']
export type SyncResult = Schemas['SyncResult']
export type Household = Schemas['HouseholdOut']
export type VisitOut = Schemas['VisitOut']
export type DueOut = Schemas['DueOut']

/** Where an operation made on the phone stands: waiting, sent, or answered by the server. */
export type OutboxStatus = 'pending' | 'applied' | 'duplicate' | 'rejected'

/** One operation made on the phone (offline or not), kept until the server has answered it. */
export interface OutboxItem {
  uuid: string
  kind: 'visit'
  payload: VisitPayload
  household_id: number
  created_at: string
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
  }
}

export async function getKv<T>(db: FieldDb, key: string): Promise<T | undefined> {
  return (await db.kv.get(key))?.value as T | undefined
}

export async function setKv(db: FieldDb, key: string, value: unknown): Promise<void> {
  await db.kv.put({ key, value })
}

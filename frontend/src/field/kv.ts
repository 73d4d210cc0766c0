import type { FieldDb } from './db'

export async function getKv<T>(db: FieldDb, key: string): Promise<T | undefined> {
  return (await db.kv.get(key))?.value as T | undefined
}

export async function setKv(db: FieldDb, key: string, value: unknown): Promise<void> {
  await db.kv.put({ key, value })
}

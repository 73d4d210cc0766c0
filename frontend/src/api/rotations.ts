import type { Tokens } from './tokens'

/**
 * Which tokens a refresh got for the refresh token it spent, shared by the tabs of one browser.
 *
 * The tokens themselves live in localStorage, but a tab does not always see another tab's write at
 * once (Chromium runs tabs in separate processes and passes localStorage writes on afterwards), so
 * a tab that takes the refresh lock just after another tab rotated the token may still read the
 * spent one, and sending it again would revoke the login. IndexedDB is consistent across tabs:
 * the tab that refreshed records the rotation there before it releases the lock, and the next
 * holder looks its spent token up before refreshing.
 */
export interface RotationStore {
  /** The newest tokens the rotation chain starting at `spent` led to, if any tab recorded it. */
  after(spent: string): Promise<Tokens | null>
  record(spent: string, fresh: Tokens): Promise<void>
}

const DB_NAME = 'lianhu-auth'
const STORE = 'rotations'
/** Rotations older than this are dropped: a tab asleep longer refreshes (or logs in) again. */
const KEEP_MS = 24 * 3600 * 1000

interface Rotation {
  spent: string
  fresh: Tokens
  at: number
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = tx.onabort = () => reject(tx.error)
  })
}

/** The rotations in IndexedDB, or undefined where the browser has none. Any IndexedDB failure
 * (private mode, a blocked upgrade) reads as "nothing recorded": the refresh then goes ahead. */
export function indexedDbRotations(idb: IDBFactory | undefined = globalThis.indexedDB): RotationStore | undefined {
  if (!idb) return undefined
  let opened: Promise<IDBDatabase> | null = null
  const open = () => {
    opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = idb.open(DB_NAME, 1)
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'spent' })
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => reject(req.error)
    }).catch((err: unknown) => {
      opened = null
      throw err
    })
    return opened
  }
  return {
    async after(spent) {
      try {
        const store = (await open()).transaction(STORE, 'readonly').objectStore(STORE)
        let found: Tokens | null = null
        // Follow the chain (another tab may have rotated twice), at most a few steps.
        for (let key = spent, i = 0; i < 8; i++) {
          const next = (await request(store.get(key))) as Rotation | undefined
          if (!next) break
          found = next.fresh
          key = next.fresh.refresh_token
        }
        return found
      } catch {
        return null
      }
    },
    async record(spent, fresh) {
      try {
        const tx = (await open()).transaction(STORE, 'readwrite')
        const store = tx.objectStore(STORE)
        const now = Date.now()
        store.put({ spent, fresh, at: now } satisfies Rotation)
        store.openCursor().onsuccess = function () {
          const cursor = this.result
          if (!cursor) return
          if ((cursor.value as Rotation).at < now - KEEP_MS) cursor.delete()
          cursor.continue()
        }
        await done(tx)
      } catch {
        /* nothing recorded: another tab holding the spent token may refresh it once more */
      }
    },
  }
}

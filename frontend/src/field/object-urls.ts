import { onBeforeUnmount } from 'vue'

/**
 * Object URLs for blobs shown by a component (photos kept in IndexedDB, or fetched with the
 * bearer token, which an <img src> cannot send), one per key, all revoked when it unmounts so a
 * day of browsing photos does not keep their memory.
 */
export function useObjectUrls() {
  const urls = new Map<string, { blob: Blob; url: string }>()
  function url(key: string, blob: Blob): string {
    const had = urls.get(key)
    if (had?.blob === blob) return had.url
    if (had) URL.revokeObjectURL(had.url)
    const made = { blob, url: URL.createObjectURL(blob) }
    urls.set(key, made)
    return made.url
  }
  function revoke(key: string): void {
    const had = urls.get(key)
    if (had) URL.revokeObjectURL(had.url)
    urls.delete(key)
  }
  function revokeAll(): void {
    for (const { url } of urls.values()) URL.revokeObjectURL(url)
    urls.clear()
  }
  onBeforeUnmount(revokeAll)
  return { url, revoke, revokeAll }
}

import { computed, reactive, ref, type Ref } from 'vue'
import type { paths } from '../../api'
import { messageOf } from '../api'
import { sortParam } from '../lib/format'

/** A list endpoint's query parameters (`QueryOf<'/api/v1/members'>`). */
export type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? NonNullable<Q>
  : never

type JsonBody<Op> = Op extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never

/** An endpoint's JSON request body (`BodyOf<'/api/v1/users', 'post'>`). */
export type BodyOf<P extends keyof paths, M extends 'post' | 'put' | 'patch'> =
  paths[P] extends Record<M, infer Op> ? JsonBody<Op> : never

/** The window of a list the API pages (`limit`/`offset`, and `sort` where the list sorts). */
export interface Window {
  limit: number
  offset: number
  sort?: string
}

export interface PageOf<T> {
  data: T[]
  total: number
}

/**
 * One paged list of the console (a table with its pager): the rows of the current window, their
 * total, loading and the failure as a Chinese message. `fetchPage` asks the feature's endpoint
 * for a window (the filters are the caller's, read when it runs); `loaded` is told each page.
 */
export function usePagedList<T>(
  fetchPage: (window: Window) => Promise<PageOf<T>>,
  {
    limit = 20,
    loaded,
    sortable = [],
  }: {
    limit?: number
    loaded?: (page: PageOf<T>) => void
    /** The columns the list sorts by (its sort enum's fields): another column sorts nothing. */
    sortable?: readonly string[]
  } = {},
) {
  const page = reactive<Window>({ limit, offset: 0, sort: undefined })
  const rows = ref([]) as Ref<T[]>
  const total = ref(0)
  const loading = ref(false)
  const error = ref('')

  /** The current window again; the page it got, or undefined when it failed (see `error`). */
  async function load(): Promise<PageOf<T> | undefined> {
    loading.value = true
    error.value = ''
    try {
      const out = await fetchPage({ ...page })
      rows.value = out.data
      total.value = out.total
      loaded?.(out)
      return out
    } catch (err) {
      error.value = messageOf(err)
      return undefined
    } finally {
      loading.value = false
    }
  }

  return {
    page,
    rows,
    total,
    loading,
    error,
    load,
    /** The pager's current page number (1-based). */
    current: computed(() => page.offset / page.limit + 1),
    /** New filters: back to the first page. */
    search() {
      page.offset = 0
      void load()
    },
    goTo(pageNo: number) {
      page.offset = (pageNo - 1) * page.limit
      void load()
    },
    resize(size: number) {
      page.limit = size
      page.offset = 0
      void load()
    },
    /** An Element Plus table's sort-change: by the column, from the first page. */
    sortBy({ prop, order }: { prop: string | null; order: string | null }) {
      page.sort = sortParam(prop, order, sortable)
      page.offset = 0
      void load()
    },
  }
}

/**
 * One thing a panel shows, read when asked: its value, loading and the failure as a Chinese
 * message (the value is kept as it was when a read fails, unless `clearOnError`).
 */
export function useLoader<T, A extends unknown[]>(
  fetch: (...args: A) => Promise<T>,
  initial: T,
  { clearOnError = false }: { clearOnError?: boolean } = {},
) {
  const data = ref(initial) as Ref<T>
  const loading = ref(false)
  const error = ref('')
  /** True when it was read. */
  async function load(...args: A): Promise<boolean> {
    loading.value = true
    error.value = ''
    try {
      data.value = await fetch(...args)
      return true
    } catch (err) {
      if (clearOnError) data.value = initial
      error.value = messageOf(err)
      return false
    } finally {
      loading.value = false
    }
  }
  return { data, loading, error, load }
}

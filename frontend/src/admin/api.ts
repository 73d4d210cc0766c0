import { ApiError, unwrap, type Schemas } from '../api'
import { api } from '../shared/session'
import type { ImportKind } from './lib/importGrid'

/** Admin-side wrappers for the calls the generated client does not type well (files). */

export type ImportSummary = Schemas['ImportSummary']

/** Upload a register file as multipart/form-data (field `file`), as a browser form does;
 * `dryRun`: checked and counted only (the preview confirmed before the import writes). */
export async function importFile(kind: ImportKind, file: File, { dryRun = false } = {}): Promise<ImportSummary> {
  const form = new FormData()
  form.append('file', file, file.name)
  return unwrap(
    api.POST('/api/v1/imports/{kind}', {
      params: { path: { kind }, query: { dry_run: dryRun } },
      // The schema types the multipart body as {file: string}; the FormData is sent as is.
      body: form as unknown as { file: string },
      bodySerializer: (b: unknown) => b as FormData,
    }),
  )
}

export type OrgUnit = Schemas['OrgUnitOut']

/** Every org unit in the caller's reach (pages of 500). */
export async function allOrgUnits(query: { under?: number; level?: OrgUnit['level'] } = {}): Promise<OrgUnit[]> {
  const out: OrgUnit[] = []
  for (let offset = 0; ; offset += 500) {
    const page = await unwrap(api.GET('/api/v1/org-units', { params: { query: { ...query, limit: 500, offset } } }))
    out.push(...page.data)
    if (out.length >= page.total || page.data.length === 0) return out
  }
}

/** Up to `max` rows of a paged list, fetched 500 at a time (for the scatter plot). */
export async function collect<T>(
  fetchPage: (limit: number, offset: number) => Promise<{ data: T[]; total: number }>,
  max = 5000,
): Promise<T[]> {
  const out: T[] = []
  for (let offset = 0; offset < max; offset += 500) {
    const page = await fetchPage(Math.min(500, max - offset), offset)
    out.push(...page.data)
    if (out.length >= page.total || page.data.length === 0) break
  }
  return out
}

/** A Chinese message for any failure (problem+json detail, network, expired login). */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message
  if (err instanceof Error) return err.message
  return String(err)
}

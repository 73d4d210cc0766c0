import { ApiError, toProblem, type Schemas } from '../../api'
import { api } from '../../shared/session'
import { todayIso } from './forms'

/** Exports (导出): the file is fetched through the client (it needs the bearer token, so a plain
 * link cannot do) as a blob and saved under the server's file name. */

export type ExportKind = Schemas['ImportKind']
/** What can be exported: a register in the import layout, or the household register (农户台账)
 * with each household's contact member and last visit. */
export type ExportTarget = ExportKind | 'household_ledger'
export type ExportFormat = 'csv' | 'xlsx'
export type ExportEncoding = 'utf-8-sig' | 'utf-8' | 'gb18030'

export const EXPORT_TITLES: Record<ExportKind, string> = {
  org_units: '组织',
  members: '党员',
  households: '农户',
}

export const LEDGER_TITLE = '农户台账'

/** The choices offered: the CSV with a BOM opens right in current Excel and WPS, GB18030 in
 * older Excel, XLSX everywhere. */
export const EXPORT_CHOICES: { key: string; label: string; format: ExportFormat; encoding?: ExportEncoding }[] = [
  { key: 'xlsx', label: 'Excel 表格（XLSX）', format: 'xlsx' },
  { key: 'csv', label: 'CSV（UTF-8，Excel/WPS 可直接打开）', format: 'csv', encoding: 'utf-8-sig' },
  { key: 'csv-gb', label: 'CSV（GB18030，旧版 Excel）', format: 'csv', encoding: 'gb18030' },
]

/** The name a sensible person would save it as when the server gives none: 农户名册-2026-11-25.csv. */
export function defaultExportName(target: ExportTarget, format: ExportFormat, today: string = todayIso()): string {
  const title = target === 'household_ledger' ? LEDGER_TITLE : `${EXPORT_TITLES[target]}名册`
  return `${title}-${today}.${format}`
}

/** The file name of a Content-Disposition header: RFC 6266's filename* (UTF-8, percent-encoded)
 * before the plain filename; null when there is none or it is unusable. Path parts are dropped. */
export function filenameFromDisposition(header: string | null | undefined): string | null {
  if (!header) return null
  const star = /filename\*\s*=\s*([^;]+)/i.exec(header)
  if (star) {
    const m = /^([\w-]+)'[^']*'(.*)$/.exec(star[1].trim().replace(/^"|"$/g, ''))
    if (m) {
      try {
        const name = decodeURIComponent(m[2])
        if (clean(name)) return clean(name)
      } catch {
        /* a malformed escape: fall back to the plain filename */
      }
    }
  }
  const plain = /filename\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]+)/i.exec(header)
  if (!plain) return null
  const value = plain[2] !== undefined ? plain[2].replace(/\\(.)/g, '$1') : plain[1].trim()
  return clean(value)
}

function clean(name: string): string | null {
  const base = name.split(/[\\/]/).pop()?.trim() ?? ''
  return base && base !== '.' && base !== '..' ? base : null
}

/** Save a blob as a file: an object URL clicked through a temporary link, revoked afterwards. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // Revoked after the click has been handled: a revoke in the same task can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

export interface ExportFile {
  blob: Blob
  name: string
}

/** GET /exports/{kind} (or /exports/household-ledger) as a blob with its file name; a refusal
 * as the typed ApiError. */
export async function fetchExport(
  target: ExportTarget,
  format: ExportFormat,
  encoding: ExportEncoding = 'utf-8-sig',
): Promise<ExportFile> {
  const query = format === 'csv' ? { format, encoding } : { format }
  const { data, error, response } =
    target === 'household_ledger'
      ? await api.GET('/api/v1/exports/household-ledger', { params: { query }, parseAs: 'blob' })
      : await api.GET('/api/v1/exports/{kind}', { params: { path: { kind: target }, query }, parseAs: 'blob' })
  if (error !== undefined || !response.ok || !data) {
    throw new ApiError(toProblem(response.status, error))
  }
  const name = filenameFromDisposition(response.headers.get('Content-Disposition')) ?? defaultExportName(target, format)
  return { blob: data, name }
}

export async function downloadExport(
  target: ExportTarget,
  format: ExportFormat,
  encoding?: ExportEncoding,
): Promise<string> {
  const file = await fetchExport(target, format, encoding)
  saveBlob(file.blob, file.name)
  return file.name
}

/** GET /imports/{kind}/template (XLSX: the header, a marked example row, a 说明 sheet), saved. */
export async function downloadTemplate(kind: ExportKind): Promise<string> {
  const { data, error, response } = await api.GET('/api/v1/imports/{kind}/template', {
    params: { path: { kind } },
    parseAs: 'blob',
  })
  if (error !== undefined || !response.ok || !data) {
    throw new ApiError(toProblem(response.status, error))
  }
  const name =
    filenameFromDisposition(response.headers.get('Content-Disposition')) ?? `${EXPORT_TITLES[kind]}导入模板.xlsx`
  saveBlob(data, name)
  return name
}

/** 本月未走访的联户党员 of an area as CSV, the whole list (the table shows it page by page). */
export async function downloadIdleMembers(orgId: number): Promise<string> {
  const { data, error, response } = await api.GET('/api/v1/org-units/{org_id}/compliance/idle-members.csv', {
    params: { path: { org_id: orgId } },
    parseAs: 'blob',
  })
  if (error !== undefined || !response.ok || !data) throw new ApiError(toProblem(response.status, error))
  const name =
    filenameFromDisposition(response.headers.get('Content-Disposition')) ?? `本月未走访党员-${todayIso()}.csv`
  saveBlob(data, name)
  return name
}

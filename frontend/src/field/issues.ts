import { unwrap, type Schemas } from '../api'
import { api } from '../shared/session'
import { getKv, setKv } from './kv'
import { enqueueIssue } from './outbox'
import { getDb, refreshCounts, syncNow } from './store'

/** 问题办理 on the phone: raising an issue (queued: it works offline), my issues, and 确认已反馈
 * for the answer the member has told the household. */

export type IssueItem = Schemas['IssueItemOut']
export type Issue = Schemas['IssueOut']
export type Category = { code: string; label: string }

export const TITLE_MAX = 100
export const TEXT_MAX = 2000

/** The kinds of matter, as last read online (the form offers them offline too). */
export async function issueCategories(): Promise<Category[]> {
  const db = await getDb()
  try {
    const v = await unwrap(api.GET('/api/v1/issues/vocabulary'))
    await setKv(db, 'issue-categories', v.categories)
    return v.categories
  } catch {
    return (await getKv<Category[]>(db, 'issue-categories')) ?? []
  }
}

export interface IssueForm {
  title: string
  text: string
  category: string
  household_id?: number
}

/** The form's messages by field ('' for none). */
export function checkIssue(form: IssueForm): Record<string, string> {
  const out: Record<string, string> = {}
  if (!form.title.trim()) out.title = '请填写问题摘要'
  else if (form.title.trim().length > TITLE_MAX) out.title = `最多 ${TITLE_MAX} 个字`
  if (!form.text.trim()) out.text = '请填写问题详情'
  else if (form.text.trim().length > TEXT_MAX) out.text = `最多 ${TEXT_MAX} 个字`
  return out
}

/** Queue the issue and try to send it at once (offline, it waits in 待同步). */
export async function raiseIssue(form: IssueForm): Promise<void> {
  await enqueueIssue(await getDb(), {
    title: form.title,
    text: form.text,
    household_id: form.household_id,
    category: form.category || undefined,
  })
  await refreshCounts()
  void syncNow()
}

/** The issues I raised, soonest deadline first (kept for reading offline). */
export async function myIssues(): Promise<IssueItem[]> {
  const db = await getDb()
  try {
    const page = await unwrap(api.GET('/api/v1/issues', { params: { query: { mine: true, limit: 100, sort: 'due' } } }))
    await setKv(db, 'my-issues', page.data)
    return page.data
  } catch (err) {
    const kept = await getKv<IssueItem[]>(db, 'my-issues')
    if (kept) return kept
    throw err
  }
}

export function getIssue(id: number): Promise<Issue> {
  return unwrap(api.GET('/api/v1/issues/{issue_id}', { params: { path: { issue_id: id } } }))
}

/** 确认已反馈: the member told the household the answer. */
export function confirmTold(id: number, note: string): Promise<Issue> {
  return unwrap(
    api.POST('/api/v1/issues/{issue_id}/actions', {
      params: { path: { issue_id: id } },
      body: { action: 'confirm_told', note: note.trim() },
    }),
  )
}

export { countdown } from '../shared/countdown'

import { state } from './store'

/** What a household's pages (its page, the visit and report forms) say when the household is not
 * on the phone. The pull brings every household the member may see, so once a sync has run in
 * this start of the app, one missing is not theirs: the server would refuse its visits, checklist
 * and policies (404), so these are not asked for, and no form is offered that would queue a visit
 * for it. Offline, or before that sync, the phone cannot tell. */
export const NOT_ON_PHONE = '本机没有这户的资料；联网后刷新'
export const NOT_MINE = '这户不在您的联系户中'
export const READING = '正在读取…'

export function absentText({
  online,
  synced,
  failed = false,
}: {
  online: boolean
  synced: boolean
  failed?: boolean
}): string {
  if (!online) return NOT_ON_PHONE
  if (synced) return NOT_MINE
  // The first sync is under way (it may bring the household), unless it failed on the server.
  return failed ? NOT_ON_PHONE : READING
}

/** The words for the app's state now (reactive: read it in a template or a computed). */
export function absentNow(): string {
  return absentText({ online: state.online, synced: !!state.lastSync, failed: !!state.message })
}

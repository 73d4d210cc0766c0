/** The time left to a deadline, in words: "剩 2 天 3 小时", "剩 40 分钟", "已超期 1 天 2 小时";
 * '' when there is none. Shared by the console's issue pages and the field app's. */
export function countdown(due: string | null | undefined, now: Date = new Date()): string {
  if (!due) return ''
  const ms = new Date(due).getTime() - now.getTime()
  if (Number.isNaN(ms)) return ''
  const minutes = Math.floor(Math.abs(ms) / 60000)
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  const span = days ? `${days} 天 ${hours} 小时` : hours ? `${hours} 小时 ${minutes % 60} 分钟` : `${minutes} 分钟`
  return ms >= 0 ? `剩 ${span}` : `已超期 ${span}`
}

import type { Router } from 'vue-router'

/** The app's page before this one, as vue-router records it in `history.state.back`; none when
 * this page was opened directly (a new tab, a shared link), where the browser's back would leave
 * the app for a blank page. A reload keeps the record. */
export function previousPage(historyState: unknown = window.history.state): string | null {
  const back = (historyState as { back?: unknown } | null)?.back
  return typeof back === 'string' ? back : null
}

/** 返回: the page before when the app has one, else `fallback` (the page above this one), put in
 * this page's place so 返回 there does not come back here. */
export async function goBack(router: Router, fallback: string): Promise<void> {
  if (previousPage() !== null) router.back()
  else await router.replace(fallback)
}

/** After saving a form: to `page` without leaving the form in the history (back when the form was
 * opened from it, else in the form's place). */
export async function returnTo(router: Router, page: string): Promise<void> {
  if (previousPage() === page) router.back()
  else await router.replace(page)
}

import { createRouter, createWebHistory } from 'vue-router'
import { onSessionExpired } from '../shared/session'
import { can, loadMe, loggedIn, session, type Permission } from './session'
import LayoutView from './views/LayoutView.vue'
import LoginView from './views/LoginView.vue'

// Each page is its own lazy chunk (ECharts only in the pages that draw charts); none of them is
// in the field app's service worker, which precaches the field page's bundle graph only.
export interface MenuEntry {
  path: string
  title: string
  permission?: Permission
}

export const MENU: MenuEntry[] = [
  { path: '/home', title: '工作台' },
  { path: '/org', title: '组织架构', permission: 'org:read' },
  { path: '/members', title: '党员', permission: 'member:read' },
  { path: '/households', title: '农户', permission: 'household:read' },
  { path: '/imports', title: '批量导入', permission: 'data:import' },
  { path: '/assignments', title: '包户方案', permission: 'assignment:write' },
  { path: '/events', title: '必到事项', permission: 'household:read' },
  { path: '/board', title: '党务公开栏', permission: 'household:read' },
  { path: '/dashboard', title: '统计看板', permission: 'household:read' },
  { path: '/policies', title: '政策明白卡', permission: 'household:read' },
  { path: '/issue-drafts', title: '问题草稿', permission: 'household:read' },
  { path: '/issues', title: '问题办理', permission: 'issue:read' },
  { path: '/ledger', title: '问题台账', permission: 'issue:read' },
  { path: '/issue-stats', title: '问题统计', permission: 'issue:read' },
  { path: '/work-calendar', title: '工作日历', permission: 'issue:read' },
  { path: '/service-orders', title: '服务订单', permission: 'service_order:read' },
  { path: '/meetings', title: '会议', permission: 'meeting:read' },
  { path: '/audit', title: '操作日志', permission: 'audit:read' },
  { path: '/users', title: '账户管理', permission: 'user:admin' },
  { path: '/api-keys', title: 'API 密钥', permission: 'user:admin' },
]

export const router = createRouter({
  history: createWebHistory('/admin/'),
  routes: [
    { path: '/login', name: 'login', component: LoginView },
    {
      path: '/',
      component: LayoutView,
      children: [
        { path: '', redirect: '/home' },
        { path: 'home', component: () => import('./views/WorkbenchView.vue') },
        { path: 'org', component: () => import('./views/OrgView.vue') },
        { path: 'members', component: () => import('./views/MembersView.vue') },
        { path: 'households', component: () => import('./views/HouseholdsView.vue') },
        { path: 'imports', component: () => import('./views/ImportView.vue') },
        { path: 'assignments', component: () => import('./views/AssignmentsView.vue') },
        { path: 'events', component: () => import('./views/EventsView.vue') },
        { path: 'board', component: () => import('./views/BoardView.vue') },
        { path: 'dashboard', component: () => import('./views/DashboardView.vue') },
        { path: 'policies', component: () => import('./views/PoliciesView.vue') },
        { path: 'issue-drafts', component: () => import('./views/DraftsView.vue') },
        { path: 'issues', component: () => import('./views/IssuesView.vue') },
        {
          path: 'issues/:id(\\d+)',
          component: () => import('./views/IssueView.vue'),
          props: (r) => ({ id: Number(r.params.id) }),
        },
        { path: 'ledger', component: () => import('./views/LedgerView.vue') },
        { path: 'issue-stats', component: () => import('./views/IssueStatsView.vue') },
        { path: 'work-calendar', component: () => import('./views/WorkCalendarView.vue') },
        { path: 'service-orders', component: () => import('./views/ServiceOrdersView.vue') },
        {
          path: 'service-orders/:id(\\d+)',
          component: () => import('./views/ServiceOrderView.vue'),
          props: (r) => ({ id: Number(r.params.id) }),
        },
        { path: 'meetings', component: () => import('./views/MeetingsView.vue') },
        {
          path: 'meetings/:id',
          component: () => import('./views/MeetingView.vue'),
          props: (r) => ({ id: Number(r.params.id) }),
        },
        { path: 'meeting-tasks', component: () => import('./views/MeetingTasksView.vue') },
        { path: 'audit', component: () => import('./views/AuditView.vue') },
        { path: 'users', component: () => import('./views/UsersView.vue') },
        { path: 'api-keys', component: () => import('./views/ApiKeysView.vue') },
      ],
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

// While a navigation is being guarded, an expired login is answered by the guard itself (back to
// the login page, then on to the page asked for); between navigations, by the handler below.
let guarding = false
router.afterEach(() => {
  guarding = false
})
router.onError(() => {
  guarding = false
})

router.beforeEach(async (to) => {
  guarding = true
  if (to.name === 'login') return true
  if (!loggedIn()) return { name: 'login', query: { next: to.fullPath } }
  if (!session.me) {
    try {
      await loadMe()
    } catch {
      return { name: 'login', query: { next: to.fullPath } }
    }
  }
  const entry = MENU.find((m) => to.path.startsWith(m.path))
  if (entry?.permission && !can(entry.permission)) {
    const first = MENU.find((m) => !m.permission || can(m.permission))
    return first && first.path !== to.path ? first.path : true
  }
  return true
})

onSessionExpired(() => {
  session.me = null
  session.expired = true
  if (guarding || router.currentRoute.value.name === 'login') return
  void router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath } })
})
